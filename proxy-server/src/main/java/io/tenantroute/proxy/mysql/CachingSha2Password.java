package io.tenantroute.proxy.mysql;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The {@code caching_sha2_password} auth plugin (MySQL Source Code Documentation, "Caching_sha2_password
 * information" and its "authentication exchanges"; MariaDB "caching_sha2_password Authentication Plugin").
 *
 * <p>Fast path: the client sends {@code SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce)} (32
 * bytes); a server that holds {@code SHA256(SHA256(password))} recovers {@code SHA256(password)}, checks it and
 * answers AuthMoreData {@link #FAST_AUTH_SUCCESS} then OK. The proxy's own side keeps exactly that digest, so it
 * never needs the full-authentication round trip, RSA keys or TLS.
 *
 * <p>Full authentication (a MySQL 8 server whose cache misses answers {@link #PERFORM_FULL_AUTHENTICATION}):
 * over TLS the client sends the password NUL-terminated in clear; otherwise it asks for the server's RSA public key
 * ({@link #REQUEST_PUBLIC_KEY}, answered with AuthMoreData holding a PEM key) and sends
 * {@code RSA-OAEP(SHA-1, MGF1)((password + NUL) XOR nonce)} — see {@link #encryptPassword}. Stateless,
 * thread-safe.
 */
public final class CachingSha2Password {
    /** The plugin's name on the wire. */
    public static final String PLUGIN_NAME = "caching_sha2_password";
    /** Client to server: send me your RSA public key. */
    public static final int REQUEST_PUBLIC_KEY = 0x02;
    /** Server to client (in AuthMoreData): the scramble matched the cache; OK follows. */
    public static final int FAST_AUTH_SUCCESS = 0x03;
    /** Server to client (in AuthMoreData): send the password (TLS) or the RSA-encrypted password. */
    public static final int PERFORM_FULL_AUTHENTICATION = 0x04;

    /** The cipher MySQL 8.0.5+ uses for the password: RSA with OAEP padding, SHA-1 and MGF1. */
    public static final String RSA_TRANSFORMATION = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

    private CachingSha2Password() {
    }

    /**
     * Client side, fast path: the auth response.
     *
     * @param password the password's bytes (UTF-8), empty for none
     * @param nonce the server's 20-byte nonce
     * @return the 32-byte scramble, or an empty array for an empty password
     */
    public static byte[] scramble(byte[] password, byte[] nonce) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] stage1 = sha256(password);
        byte[] stage2 = sha256(stage1);
        MessageDigest md = sha256();
        md.update(stage2);
        md.update(nonce, 0, Math.min(20, nonce.length));
        byte[] x = md.digest();
        for (int i = 0; i < x.length; i++) {
            x[i] ^= stage1[i];
        }
        return x;
    }

    /**
     * @param password the password's bytes (UTF-8)
     * @return the stored digest {@code SHA256(SHA256(password))}, 32 bytes
     */
    public static byte[] storedDigest(byte[] password) {
        return sha256(sha256(password));
    }

    /**
     * Server side, fast path: checks an auth response against the stored digest, in constant time.
     *
     * @param storedDigest {@code SHA256(SHA256(password))}
     * @param nonce the 20-byte nonce this connection was greeted with
     * @param response the client's 32-byte auth response
     * @return whether the client knows the password
     */
    public static boolean verify(byte[] storedDigest, byte[] nonce, byte[] response) {
        if (response.length != 32 || storedDigest.length != 32) {
            return false;
        }
        MessageDigest md = sha256();
        md.update(storedDigest);
        md.update(nonce, 0, Math.min(20, nonce.length));
        byte[] stage1 = md.digest();
        for (int i = 0; i < stage1.length; i++) {
            stage1[i] ^= response[i];
        }
        return MessageDigest.isEqual(sha256(stage1), storedDigest);
    }

    /**
     * Client side, full authentication without TLS: {@code (password + NUL) XOR nonce} (the nonce repeated),
     * encrypted with {@link #RSA_TRANSFORMATION} under the server's public key.
     *
     * @param password the password's bytes (UTF-8)
     * @param nonce the server's 20-byte nonce
     * @param serverKey the server's RSA public key
     * @return the ciphertext, the key's modulus length in bytes
     * @throws GeneralSecurityException when the key is unusable or the password too long for it
     */
    public static byte[] encryptPassword(byte[] password, byte[] nonce, PublicKey serverKey)
            throws GeneralSecurityException {
        byte[] plain = Arrays.copyOf(password, password.length + 1);
        int n = Math.min(20, nonce.length);
        for (int i = 0; i < plain.length; i++) {
            plain[i] ^= nonce[i % n];
        }
        Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
        cipher.init(Cipher.ENCRYPT_MODE, serverKey);
        try {
            return cipher.doFinal(plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Reads the PEM public key a server sends ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo).
     *
     * @param pem the PEM text
     * @return the RSA key
     * @throws GeneralSecurityException when it is not a PEM RSA public key
     */
    public static RSAPublicKey parsePublicKey(String pem) throws GeneralSecurityException {
        String body = pem.replaceAll("-----(BEGIN|END) (RSA )?PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (pem.contains("BEGIN RSA PUBLIC KEY")) {
            throw new GeneralSecurityException("PKCS#1 'RSA PUBLIC KEY' PEM is not supported; expected 'PUBLIC KEY'");
        }
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new GeneralSecurityException("not a PEM RSA public key", e);
        }
    }

    private static byte[] sha256(byte[] in) {
        return sha256().digest(in);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
