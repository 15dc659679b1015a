package io.tenantroute.proxy.pg;

import java.util.Locale;

/**
 * libpq's and pgjdbc's {@code sslmode} for a connection to a PostgreSQL server (the PostgreSQL manual, "libpq —
 * C Library" → "SSL Support", table "SSL Mode Descriptions"), as {@link PgServerConnector} applies it.
 */
public enum PgSslMode {
    /** No TLS. */
    DISABLE,
    /** Clear text first; TLS only when the server refuses the clear-text attempt. */
    ALLOW,
    /** TLS when the server offers it (SSLRequest answered {@code 'S'}), else clear text; the certificate is not checked. pgjdbc's and libpq's default. */
    PREFER,
    /** TLS or fail; the certificate is not checked. */
    REQUIRE,
    /** TLS or fail; the certificate chain must lead to a trusted root ({@code sslrootcert}, else the JDK's trust store). */
    VERIFY_CA,
    /** As {@link #VERIFY_CA}, and the certificate must name the host connected to (subjectAltName, else CN). */
    VERIFY_FULL;

    /**
     * @param name as in a URL: {@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
     *     {@code verify-full} (case-insensitive)
     * @return the mode
     * @throws IllegalArgumentException for any other value
     */
    public static PgSslMode parse(String name) {
        for (PgSslMode m : values()) {
            if (m.urlName().equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, was '"
                + name + "'");
    }

    /** @return the name in a URL, e.g. {@code verify-full} */
    public String urlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return true when the connection fails without TLS */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** @return true when the server's certificate chain is checked */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
