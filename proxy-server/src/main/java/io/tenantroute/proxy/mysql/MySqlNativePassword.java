package io.tenantroute.proxy.mysql;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code mysql_native_password} auth plugin (MySQL Source Code Documentation, "Native Authentication";
 * MariaDB "Connection", mysql_native_password plugin). The client sends
 * {@code SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))}; the server stores {@code SHA1(SHA1(password))}
 * and checks a response by recovering {@code SHA1(password)} from it and hashing it once more. An empty
 * password is an empty response. Stateless, thread-safe.
 */
public final class MySqlNativePassword {
    /** The plugin's name on the wire. */
    public static final String PLUGIN_NAME = "mysql_native_password";

    private MySqlNativePassword() {
    }

    /**
     * Client side: the auth response.
     *
     * @param password the password's bytes (UTF-8), empty for none
     * @param nonce the server's 20-byte nonce
     * @return the 20-byte scramble, or an empty array for an empty password
     */
    public static byte[] scramble(byte[] password, byte[] nonce) {
        if (password.length == 0) {
            return new byte[0];
        }
        byte[] stage1 = sha1(password);
        byte[] stage2 = sha1(stage1);
        MessageDigest md = sha1();
        md.update(nonce, 0, Math.min(20, nonce.length));
        md.update(stage2);
        byte[] x = md.digest();
        for (int i = 0; i < x.length; i++) {
            x[i] ^= stage1[i];
        }
        return x;
    }

    /**
     * @param password the password's bytes (UTF-8)
     * @return the stored digest {@code SHA1(SHA1(password))}, 20 bytes
     */
    public static byte[] storedDigest(byte[] password) {
        return sha1(sha1(password));
    }

    /**
     * Server side: checks an auth response against the stored digest, in constant time.
     *
     * @param storedDigest {@code SHA1(SHA1(password))}
     * @param nonce the 20-byte nonce this connection was greeted with
     * @param response the client's auth response
     * @return whether the client knows the password
     */
    public static boolean verify(byte[] storedDigest, byte[] nonce, byte[] response) {
        if (response.length != 20 || storedDigest.length != 20) {
            return false;
        }
        MessageDigest md = sha1();
        md.update(nonce, 0, Math.min(20, nonce.length));
        md.update(storedDigest);
        byte[] stage1 = md.digest();
        for (int i = 0; i < stage1.length; i++) {
            stage1[i] ^= response[i];
        }
        return MessageDigest.isEqual(sha1(stage1), storedDigest);
    }

    private static byte[] sha1(byte[] in) {
        return sha1().digest(in);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
