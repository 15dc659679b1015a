package io.tenantroute.proxy.pg;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SCRAM-SHA-256 server keeps of a password (RFC 5802 section 3, RFC 7677): salt, iteration count,
 * {@code StoredKey = H(HMAC(SaltedPassword, "Client Key"))} and {@code ServerKey = HMAC(SaltedPassword, "Server Key")},
 * with {@code SaltedPassword = Hi(SASLprep(password), salt, i)}. The password itself is not kept. The same values
 * PostgreSQL stores in {@code pg_authid.rolpassword} as {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}
 * (the PostgreSQL manual, "Password Authentication").
 *
 * <p>Immutable (accessors return copies) and thread-safe. {@link #toString()} shows the iteration count only.
 */
public final class ScramCredentials {
    private static final Pattern VERIFIER = Pattern.compile("SCRAM-SHA-256\\$(\\d+):([^$]+)\\$([^:]+):(.+)");

    private final byte[] salt;
    private final int iterations;
    private final byte[] storedKey;
    private final byte[] serverKey;

    private ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
        this.salt = salt;
        this.iterations = iterations;
        this.storedKey = storedKey;
        this.serverKey = serverKey;
    }

    /**
     * Derives credentials with a fresh random 16-byte salt and 4096 iterations (PostgreSQL's defaults). CPU: one
     * PBKDF2 of 4096 rounds, a few milliseconds — do it once per user at start, not per connection.
     *
     * @param password the plaintext password, not empty
     * @throws IllegalArgumentException for an empty password
     */
    public static ScramCredentials fromPassword(String password) {
        return derive(password, Scram.random(Scram.SALT_LENGTH), Scram.DEFAULT_ITERATIONS);
    }

    /**
     * @param password the plaintext password, not empty (SASLprep'ed as PostgreSQL does)
     * @param salt the salt
     * @param iterations the iteration count, at least 1
     * @return the credentials
     * @throws IllegalArgumentException for an empty password, an empty salt or {@code iterations < 1}
     */
    public static ScramCredentials derive(String password, byte[] salt, int iterations) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM password must not be empty");
        }
        if (salt.length == 0 || iterations < 1) {
            throw new IllegalArgumentException("a SCRAM salt must not be empty and iterations must be ≥ 1, was " + iterations);
        }
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        byte[] clientKey = Scram.hmac(salted, "Client Key");
        byte[] serverKey = Scram.hmac(salted, "Server Key");
        Arrays.fill(salted, (byte) 0);
        return new ScramCredentials(salt.clone(), iterations, Scram.sha256(clientKey), serverKey);
    }

    /**
     * @param verifier PostgreSQL's stored form, {@code SCRAM-SHA-256$4096:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>}
     * @return the credentials it holds
     * @throws IllegalArgumentException when it is not of that form (the message does not repeat it)
     */
    public static ScramCredentials fromVerifier(String verifier) {
        Matcher m = VERIFIER.matcher(verifier);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier");
        }
        try {
            byte[] stored = Scram.unbase64(m.group(3));
            byte[] server = Scram.unbase64(m.group(4));
            if (stored.length != 32 || server.length != 32) {
                throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier: keys must have 32 bytes");
            }
            return new ScramCredentials(Scram.unbase64(m.group(2)), Integer.parseInt(m.group(1)), stored, server);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier: " + e.getMessage());
        }
    }

    /** Credentials no proof can match (random keys), for the mock exchange of an unknown user. */
    static ScramCredentials impossible(byte[] salt, int iterations) {
        return new ScramCredentials(salt, iterations, Scram.random(32), Scram.random(32));
    }

    /** @return PostgreSQL's stored form of these credentials */
    public String toVerifier() {
        return "SCRAM-SHA-256$" + iterations + ":" + Scram.base64(salt) + "$" + Scram.base64(storedKey) + ":" + Scram.base64(serverKey);
    }

    /** @return a copy of the salt */
    public byte[] salt() {
        return salt.clone();
    }

    /** @return the iteration count */
    public int iterations() {
        return iterations;
    }

    /** @return a copy of StoredKey */
    public byte[] storedKey() {
        return storedKey.clone();
    }

    /** @return a copy of ServerKey */
    public byte[] serverKey() {
        return serverKey.clone();
    }

    byte[] storedKeyRef() {
        return storedKey;
    }

    byte[] serverKeyRef() {
        return serverKey;
    }

    byte[] saltRef() {
        return salt;
    }

    @Override
    public String toString() {
        return "ScramCredentials(SCRAM-SHA-256, " + iterations + " iterations)";
    }
}
