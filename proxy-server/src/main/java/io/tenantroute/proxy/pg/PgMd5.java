package io.tenantroute.proxy.pg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * PostgreSQL's md5 password method (the PostgreSQL manual, "Frontend/Backend Protocol" → "Message Flow":
 * AuthenticationMD5Password; "Password Authentication"): the stored hash is {@code "md5" + md5hex(password + user)},
 * the client answers a 4-byte salt with {@code "md5" + md5hex(md5hex(password + user) + salt)}. Strings are UTF-8.
 * Stateless and thread-safe; comparisons in constant time.
 */
public final class PgMd5 {
    private PgMd5() {
    }

    /** @return {@code "md5" + md5hex(password + user)}, PostgreSQL's stored form (also {@code pg_authid.rolpassword}) */
    public static String hash(String user, String password) {
        return "md5" + hex(md5(concat((password + user).getBytes(StandardCharsets.UTF_8), new byte[0])));
    }

    /**
     * @param salt the 4 bytes of AuthenticationMD5Password
     * @return the PasswordMessage content, {@code "md5" + md5hex(md5hex(password + user) + salt)}
     */
    public static String response(String user, String password, byte[] salt) {
        return responseFromHash(hash(user, password), salt);
    }

    /**
     * @param storedHash {@link #hash} of the user's password
     * @return the response expected for {@code salt}
     */
    public static String responseFromHash(String storedHash, byte[] salt) {
        return "md5" + hex(md5(concat(storedHash.substring(3).getBytes(StandardCharsets.US_ASCII), salt)));
    }

    /** @return true when {@code clientResponse} is the right answer to {@code salt}; constant time */
    public static boolean verify(String storedHash, byte[] salt, String clientResponse) {
        return MessageDigest.isEqual(responseFromHash(storedHash, salt).getBytes(StandardCharsets.US_ASCII),
                clientResponse.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }
}
