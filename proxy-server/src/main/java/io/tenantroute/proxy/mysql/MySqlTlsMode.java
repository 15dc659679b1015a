package io.tenantroute.proxy.mysql;

/**
 * TLS to a MySQL/MariaDB server, in Connector/J's {@code sslMode} terms (MySQL Connector/J "Security": sslMode);
 * MariaDB Connector/J's {@code sslMode} values map onto them ({@code disable}, {@code trust} = REQUIRED,
 * {@code verify-ca}, {@code verify-full} = VERIFY_IDENTITY).
 */
public enum MySqlTlsMode {
    /** Never TLS. */
    DISABLED,
    /** TLS when the server offers it (CLIENT_SSL), without certificate checks; plaintext otherwise. */
    PREFERRED,
    /** TLS or fail (error 2026); the certificate is not checked. */
    REQUIRED,
    /** TLS, the certificate chain checked against the trust store. */
    VERIFY_CA,
    /** TLS, the chain and the host name checked. */
    VERIFY_IDENTITY;

    /** @return whether a server without TLS must be refused */
    public boolean required() {
        return this != DISABLED && this != PREFERRED;
    }

    /** @return whether the certificate is checked */
    public boolean verifies() {
        return this == VERIFY_CA || this == VERIFY_IDENTITY;
    }
}
