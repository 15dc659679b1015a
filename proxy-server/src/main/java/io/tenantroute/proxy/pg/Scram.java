package io.tenantroute.proxy.pg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives of RFC 5802 section 3 with the hash of RFC 7677: {@code HMAC} (HmacSHA256),
 * {@code H} (SHA-256), {@code Hi} (PBKDF2WithHmacSHA256), all from the JDK. Package-private; thread-safe.
 */
final class Scram {
    /** The mechanism name (RFC 7677). */
    static final String MECHANISM = "SCRAM-SHA-256";
    /** PostgreSQL's default iteration count ({@code scram_iterations}). */
    static final int DEFAULT_ITERATIONS = 4096;
    /** PostgreSQL's salt length, in bytes. */
    static final int SALT_LENGTH = 16;
    /** Raw nonce bytes per side, as PostgreSQL uses (base64: 24 printable characters). */
    static final int NONCE_LENGTH = 18;

    static final SecureRandom RANDOM = new SecureRandom();
    private static final int CACHE_SIZE = 256;
    /**
     * SaltedPassword by (SHA-256 of the prepared password, salt, iterations): a server keeps one salt per role, so a
     * proxy opening many connections as one role runs PBKDF2 (a few ms of CPU on the event loop) once, not per
     * connection.
     */
    private static final Map<String, byte[]> SALTED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private Scram() {
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** {@code Hi(Normalize(password), salt, i)}: PBKDF2 with HMAC-SHA-256, 32 bytes; the password SASLprep'ed first. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        String prepared = SaslPrep.prepare(password);
        String key = Base64.getEncoder().encodeToString(sha256(prepared.getBytes(StandardCharsets.UTF_8))) + ':'
                + Base64.getEncoder().encodeToString(salt) + ':' + iterations;
        synchronized (SALTED) {
            byte[] cached = SALTED.get(key);
            if (cached != null) {
                return cached.clone();
            }
        }
        byte[] salted;
        char[] chars = prepared.toCharArray();
        try {
            // The JDK's PBKDF2 encodes the password characters as UTF-8, as RFC 5802 requires.
            PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
            salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
        synchronized (SALTED) {
            SALTED.put(key, salted.clone());
        }
        return salted;
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** @throws IllegalArgumentException when {@code s} is not base64 */
    static byte[] unbase64(String s) {
        return Base64.getDecoder().decode(s);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String nonce() {
        return base64(random(NONCE_LENGTH));
    }

    /** RFC 5802 {@code printable}: %x21-2B / %x2D-7E (no comma). */
    static boolean isPrintableNonce(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the attribute {@code name=} at the start of {@code part}.
     *
     * @return its value, or null when {@code part} is another attribute
     */
    static String attribute(String part, char name) {
        return part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=' ? part.substring(2) : null;
    }
}
