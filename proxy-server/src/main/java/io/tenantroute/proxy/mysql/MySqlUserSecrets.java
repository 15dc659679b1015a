package io.tenantroute.proxy.mysql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the proxy keeps to check one user's MySQL logins: the digests the two password plugins verify against,
 * never the password itself — {@code SHA1(SHA1(password))} for mysql_native_password and
 * {@code SHA256(SHA256(password))} for caching_sha2_password's fast path. Immutable; {@link #toString()} shows
 * no digest.
 *
 * @param nativeDigest {@code SHA1(SHA1(password))}, 20 bytes
 * @param sha2Digest {@code SHA256(SHA256(password))}, 32 bytes
 * @param emptyPassword whether the password is empty (then only an empty auth response is accepted)
 */
public record MySqlUserSecrets(byte[] nativeDigest, byte[] sha2Digest, boolean emptyPassword) {
    public MySqlUserSecrets {
        if (nativeDigest.length != 20 || sha2Digest.length != 32) {
            throw new IllegalArgumentException("nativeDigest must have 20 bytes and sha2Digest 32");
        }
        nativeDigest = nativeDigest.clone();
        sha2Digest = sha2Digest.clone();
    }

    /**
     * Derives both digests from a plaintext password (UTF-8 bytes, as MySQL clients send them).
     *
     * @param password the password; empty for none
     * @return the secrets
     */
    public static MySqlUserSecrets fromPassword(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            return new MySqlUserSecrets(MySqlNativePassword.storedDigest(pw), CachingSha2Password.storedDigest(pw),
                    pw.length == 0);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    @Override
    public byte[] nativeDigest() {
        return nativeDigest.clone();
    }

    @Override
    public byte[] sha2Digest() {
        return sha2Digest.clone();
    }

    /**
     * Checks an auth response made with {@code plugin} against these secrets.
     *
     * @param plugin {@link MySqlNativePassword#PLUGIN_NAME} or {@link CachingSha2Password#PLUGIN_NAME}
     * @param nonce the nonce the client was given
     * @param response the client's auth response
     * @return whether it proves the password; false for any other plugin
     */
    public boolean verify(String plugin, byte[] nonce, byte[] response) {
        if (emptyPassword) {
            return response.length == 0 || (response.length == 1 && response[0] == 0);
        }
        if (MySqlNativePassword.PLUGIN_NAME.equals(plugin)) {
            return MySqlNativePassword.verify(nativeDigest, nonce, response);
        }
        if (CachingSha2Password.PLUGIN_NAME.equals(plugin)) {
            return CachingSha2Password.verify(sha2Digest, nonce, response);
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MySqlUserSecrets s && Arrays.equals(s.nativeDigest, nativeDigest)
                && Arrays.equals(s.sha2Digest, sha2Digest) && s.emptyPassword == emptyPassword;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha2Digest);
    }

    @Override
    public String toString() {
        return "MySqlUserSecrets[digests hidden]";
    }
}
