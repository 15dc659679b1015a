package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** SCRAM-SHA-256 against the test vector of RFC 7677 section 3, both sides; md5; SASLprep. */
class ScramTest {
    // RFC 7677, section 3: user "user", password "pencil".
    static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    static ScramServerExchange server(String password) {
        return new ScramServerExchange(ScramCredentials.derive(password, SALT, 4096), false, SERVER_NONCE);
    }

    @Test
    void rfc7677Vector_serverSide() throws ScramException {
        ScramServerExchange s = server("pencil");
        assertEquals(SERVER_FIRST, s.handleClientFirst(CLIENT_FIRST));
        assertEquals(SERVER_FINAL, s.handleClientFinal(CLIENT_FINAL));
    }

    @Test
    void rfc7677Vector_clientSide() throws ScramException {
        ScramClientExchange c = new ScramClientExchange("pencil", "user", CLIENT_NONCE);
        assertEquals(CLIENT_FIRST, c.clientFirstMessage());
        assertEquals(CLIENT_FINAL, c.handleServerFirst(SERVER_FIRST));
        c.handleServerFinal(SERVER_FINAL);
    }

    @Test
    void clientAndServer_agree_withRandomNoncesAndSalt() throws ScramException {
        ScramCredentials creds = ScramCredentials.fromPassword("s3cret Pässwörd");
        assertEquals(4096, creds.iterations());
        assertEquals(16, creds.salt().length);
        ScramServerExchange s = new ScramServerExchange(creds);
        ScramClientExchange c = new ScramClientExchange("s3cret Pässwörd");
        String first = c.clientFirstMessage();
        assertTrue(first.startsWith("n,,n=,r="), first);
        String finalMsg = c.handleServerFirst(s.handleClientFirst(first));
        c.handleServerFinal(s.handleClientFinal(finalMsg));
    }

    @Test
    void wrongPassword_fails28P01() throws ScramException {
        ScramServerExchange s = server("pencil");
        ScramClientExchange c = new ScramClientExchange("pencil2", "user", CLIENT_NONCE);
        String fin = c.handleServerFirst(s.handleClientFirst(c.clientFirstMessage()));
        ScramException e = assertThrows(ScramException.class, () -> s.handleClientFinal(fin));
        assertEquals("28P01", e.sqlState());
    }

    @Test
    void wrongServerSignature_failsTheClient() throws ScramException {
        ScramClientExchange c = new ScramClientExchange("pencil", "user", CLIENT_NONCE);
        c.clientFirstMessage();
        c.handleServerFirst(SERVER_FIRST);
        ScramException e = assertThrows(ScramException.class,
                () -> c.handleServerFinal("v=" + Base64.getEncoder().encodeToString(new byte[32])));
        assertEquals("incorrect server signature", e.getMessage());
        ScramClientExchange c2 = new ScramClientExchange("pencil", "user", CLIENT_NONCE);
        c2.clientFirstMessage();
        c2.handleServerFirst(SERVER_FIRST);
        assertEquals("28P01", assertThrows(ScramException.class, () -> c2.handleServerFinal("e=invalid-proof")).sqlState());
    }

    @Test
    void serverNonceMustExtendTheClientNonce() throws ScramException {
        ScramClientExchange c = new ScramClientExchange("pencil", "user", CLIENT_NONCE);
        c.clientFirstMessage();
        assertEquals("08P01", assertThrows(ScramException.class,
                () -> c.handleServerFirst("r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")).sqlState());
    }

    @Test
    void gs2FlagY_isAccepted_andItsBindingChecked() throws ScramException {
        ScramServerExchange s = server("pencil");
        s.handleClientFirst("y,,n=,r=" + CLIENT_NONCE);
        // c= must be base64("y,,") = "eSws"; "biws" (for "n,,") is a mismatch.
        String bad = "c=biws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("08P01", assertThrows(ScramException.class, () -> s.handleClientFinal(bad)).sqlState());

        ScramServerExchange s2 = server("pencil");
        s2.handleClientFirst("y,,n=,r=" + CLIENT_NONCE);
        String wrongProof = "c=eSws,r=" + CLIENT_NONCE + SERVER_NONCE + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals("28P01", assertThrows(ScramException.class, () -> s2.handleClientFinal(wrongProof)).sqlState(),
                "with the right binding only the proof is wrong");
    }

    @Test
    void channelBindingAuthzidExtensionsAndGarbage_refused() {
        assertEquals("08P01", assertThrows(ScramException.class,
                () -> server("p").handleClientFirst("p=tls-server-end-point,,n=,r=abc")).sqlState());
        assertEquals("0A000", assertThrows(ScramException.class,
                () -> server("p").handleClientFirst("n,a=admin,n=,r=abc")).sqlState());
        assertEquals("0A000", assertThrows(ScramException.class,
                () -> server("p").handleClientFirst("n,,m=ext,n=,r=abc")).sqlState());
        for (String garbage : new String[] {"", "x", "n", "n,,", "n,,n=", "n,,r=abc", "n,,n=,r=", "n,,n=,r=a b"}) {
            assertEquals("08P01", assertThrows(ScramException.class, () -> server("p").handleClientFirst(garbage)).sqlState(), garbage);
        }
    }

    @Test
    void finalWithWrongNonceOrNoProof_refused() throws ScramException {
        ScramServerExchange s = server("pencil");
        s.handleClientFirst(CLIENT_FIRST);
        assertEquals("08P01", assertThrows(ScramException.class,
                () -> s.handleClientFinal("c=biws,r=" + CLIENT_NONCE + "x,p=" + Base64.getEncoder().encodeToString(new byte[32]))).sqlState());
        ScramServerExchange s2 = server("pencil");
        s2.handleClientFirst(CLIENT_FIRST);
        assertEquals("08P01", assertThrows(ScramException.class, () -> s2.handleClientFinal("c=biws,r=" + CLIENT_NONCE + SERVER_NONCE)).sqlState());
    }

    @Test
    void stepsOutOfOrder_areABug() throws ScramException {
        ScramServerExchange s = server("pencil");
        assertThrows(IllegalStateException.class, () -> s.handleClientFinal(CLIENT_FINAL));
        ScramServerExchange s2 = server("pencil");
        s2.handleClientFirst(CLIENT_FIRST);
        assertThrows(IllegalStateException.class, () -> s2.handleClientFirst(CLIENT_FIRST));
    }

    @Test
    void mockExchange_looksRealButAlwaysFails() throws ScramException {
        byte[] secret = Scram.random(32);
        String sf1 = ScramServerExchange.mock("ghost", secret).handleClientFirst("n,,n=,r=abc");
        String sf2 = ScramServerExchange.mock("ghost", secret).handleClientFirst("n,,n=,r=abc");
        String salt1 = sf1.split(",")[1];
        assertEquals(salt1, sf2.split(",")[1], "an unknown user gets the same salt each time, as a real one");
        assertNotEquals(salt1, ScramServerExchange.mock("other", secret).handleClientFirst("n,,n=,r=abc").split(",")[1]);
        assertTrue(sf1.endsWith(",i=4096"));
        // Even a client that computes a perfect proof for some password cannot pass.
        ScramServerExchange m = ScramServerExchange.mock("ghost", secret);
        ScramClientExchange c = new ScramClientExchange("whatever");
        String fin = c.handleServerFirst(m.handleClientFirst(c.clientFirstMessage()));
        assertEquals("28P01", assertThrows(ScramException.class, () -> m.handleClientFinal(fin)).sqlState());
    }

    @Test
    void verifierRoundTrip() {
        ScramCredentials c = ScramCredentials.derive("pencil", SALT, 4096);
        ScramCredentials back = ScramCredentials.fromVerifier(c.toVerifier());
        assertArrayEquals(c.storedKey(), back.storedKey());
        assertArrayEquals(c.serverKey(), back.serverKey());
        assertArrayEquals(SALT, back.salt());
        assertEquals(4096, back.iterations());
        assertFalse(c.toString().contains(Base64.getEncoder().encodeToString(c.storedKey())));
        assertThrows(IllegalArgumentException.class, () -> ScramCredentials.fromVerifier("md5abc"));
        assertThrows(IllegalArgumentException.class, () -> ScramCredentials.fromPassword(""));
    }

    @Test
    void md5_knownVector() {
        // Computed independently: md5hex("secretpw" + "app"), then md5hex(that + salt 01 02 03 04).
        assertEquals("md539232a8ba70297840605b2eac5cb074b", PgMd5.hash("app", "secretpw"));
        byte[] salt = {1, 2, 3, 4};
        assertEquals("md5ddb76274d68dfbf2eb11aa42fafc31fd", PgMd5.response("app", "secretpw", salt));
        assertTrue(PgMd5.verify(PgMd5.hash("app", "secretpw"), salt, "md5ddb76274d68dfbf2eb11aa42fafc31fd"));
        assertFalse(PgMd5.verify(PgMd5.hash("app", "secretpw"), salt, PgMd5.response("app", "secretpx", salt)));
        assertFalse(PgMd5.verify(PgMd5.hash("app", "secretpw"), new byte[] {1, 2, 3, 5}, "md5ddb76274d68dfbf2eb11aa42fafc31fd"));
        assertFalse(PgMd5.verify(PgMd5.hash("app", "secretpw"), salt, ""));
    }

    @Test
    void saslPrep_rfc4013Examples() {
        assertEquals("pencil", SaslPrep.prepare("pencil"));
        assertEquals("a\u0007b", SaslPrep.prepare("a\u0007b"), "pure ASCII is used as it is, as PostgreSQL does");
        assertEquals("IX", SaslPrep.prepare("I\u00ADX"), "soft hyphen mapped to nothing");
        assertEquals("user", SaslPrep.prepare("user"));
        assertEquals("a", SaslPrep.prepare("\u00AA"), "NFKC");
        assertEquals("IX", SaslPrep.prepare("\u2168"), "NFKC");
        assertEquals("a b", SaslPrep.prepare("a\u00A0b"), "non-ASCII space mapped to space");
        assertEquals("fi\u00e9", SaslPrep.prepare("\uFB01e\u0301"), "ligature and combining accent normalized");
        assertEquals("\u00e9\u0007", SaslPrep.prepare("\u00e9\u0007"), "prohibited: used raw");
        assertEquals("\u0627\u0031", SaslPrep.prepare("\u0627\u0031"), "bidi rule fails (RandAL first, not last): raw");
        assertEquals("\u0627\u0031\u0628", SaslPrep.prepare("\u0627\u0031\u0628"));
    }
}
