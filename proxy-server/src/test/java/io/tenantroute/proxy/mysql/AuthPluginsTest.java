package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.Test;

class AuthPluginsTest {
    private static final byte[] PW = "secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONCE = new byte[20];

    static {
        for (int i = 0; i < 20; i++) {
            NONCE[i] = (byte) (i + 1);
        }
    }

    // Vectors computed with Python's hashlib, independently of this code:
    // SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))) and SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce).
    private static final String NATIVE_VECTOR = "b32bb3a583e1340c0a1108d58b1be49781ad8c2f";
    private static final String SHA2_VECTOR = "746ebe205d56a0707acb3e796e834e0dd7b1d61743b26bd5202c7a623230c7c9";

    @Test
    void nativePassword_matchesTheReferenceVector_andVerifies() {
        byte[] scramble = MySqlNativePassword.scramble(PW, NONCE);
        assertEquals(NATIVE_VECTOR, HexFormat.of().formatHex(scramble));
        byte[] stored = MySqlNativePassword.storedDigest(PW);
        assertTrue(MySqlNativePassword.verify(stored, NONCE, scramble));
        assertFalse(MySqlNativePassword.verify(stored, NONCE, MySqlNativePassword.scramble("Secret".getBytes(), NONCE)));
        byte[] otherNonce = NONCE.clone();
        otherNonce[0] ^= 1;
        assertFalse(MySqlNativePassword.verify(stored, otherNonce, scramble));
        assertEquals(0, MySqlNativePassword.scramble(new byte[0], NONCE).length);
    }

    @Test
    void nativeStoredDigest_isWhatTheRealServerStores() throws Exception {
        // MariaDB's PASSWORD() is '*' + upper-case hex of SHA1(SHA1(pw)): the mysql.user authentication_string
        try (Connection c = TestDatabases.server(Engine.MYSQL).admin();
                PreparedStatement ps = c.prepareStatement("SELECT PASSWORD(?)")) {
            ps.setString(1, "secret");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(rs.getString(1), "*" + HexFormat.of().withUpperCase()
                        .formatHex(MySqlNativePassword.storedDigest(PW)));
            }
        }
    }

    @Test
    void cachingSha2FastPath_matchesTheReferenceVector_andVerifiesFromTheStoredDigest() {
        byte[] scramble = CachingSha2Password.scramble(PW, NONCE);
        assertEquals(SHA2_VECTOR, HexFormat.of().formatHex(scramble));
        byte[] stored = CachingSha2Password.storedDigest(PW);
        assertEquals("3881219d087dd9c634373fd33dfa33a2cb6bfc6c520b64b8bb60ef2ceb534ae7", HexFormat.of().formatHex(stored));
        assertTrue(CachingSha2Password.verify(stored, NONCE, scramble));
        assertFalse(CachingSha2Password.verify(stored, NONCE, CachingSha2Password.scramble("secreT".getBytes(), NONCE)));
        assertFalse(CachingSha2Password.verify(stored, NONCE, new byte[31]));
    }

    @Test
    void cachingSha2FullAuth_rsaEncryptsPasswordXorNonce_readableWithThePrivateKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        byte[] cipherText = CachingSha2Password.encryptPassword(PW, NONCE, CachingSha2Password.parsePublicKey(pem));
        assertEquals(256, cipherText.length);
        // what a MySQL 8 server does: RSA_private_decrypt(RSA_PKCS1_OAEP_PADDING), i.e. OAEP with SHA-1 and MGF1-SHA-1
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.DECRYPT_MODE, kp.getPrivate(),
                new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
        byte[] plain = c.doFinal(cipherText);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= NONCE[i % NONCE.length];
        }
        assertArrayEquals("secret\0".getBytes(StandardCharsets.UTF_8), plain);
        assertThrows(GeneralSecurityException.class, () -> CachingSha2Password.parsePublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
    }

    @Test
    void userSecrets_verifyBothPlugins_andNeverShowDigests() {
        MySqlUserSecrets s = MySqlUserSecrets.fromPassword("secret");
        assertTrue(s.verify(MySqlNativePassword.PLUGIN_NAME, NONCE, MySqlNativePassword.scramble(PW, NONCE)));
        assertTrue(s.verify(CachingSha2Password.PLUGIN_NAME, NONCE, CachingSha2Password.scramble(PW, NONCE)));
        assertFalse(s.verify("sha256_password", NONCE, PW));
        assertFalse(s.verify(MySqlNativePassword.PLUGIN_NAME, NONCE, new byte[0]));
        assertEquals("MySqlUserSecrets[digests hidden]", s.toString());
        MySqlUserSecrets empty = MySqlUserSecrets.fromPassword("");
        assertTrue(empty.verify(MySqlNativePassword.PLUGIN_NAME, NONCE, new byte[0]));
        assertFalse(empty.verify(MySqlNativePassword.PLUGIN_NAME, NONCE, MySqlNativePassword.scramble(PW, NONCE)));
        MySqlCredentials creds = MySqlCredentials.fromPasswords(u -> u.equals("app") ? Optional.of("secret") : Optional.empty());
        assertEquals(s, creds.secrets("app").orElseThrow());
        assertTrue(creds.secrets("nobody").isEmpty());
    }
}
