package io.tenantroute.proxy.pg;

/**
 * A SCRAM-SHA-256 exchange failed (RFC 5802 section 7 and the PostgreSQL manual, "Frontend/Backend Protocol" →
 * "SASL Authentication"). {@link #sqlState()} says how to answer: {@code 28P01} invalid_password for a wrong proof
 * or server signature, {@code 08P01} protocol_violation for a malformed message, {@code 0A000} feature_not_supported
 * for channel binding, an authorization identity or an extension the proxy does not support. The message says
 * what was wrong, never a password, proof or key.
 */
public final class ScramException extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@code 28P01} invalid_password. */
    public static final String INVALID_PASSWORD = "28P01";

    private final String sqlState;

    /**
     * @param sqlState the SQLSTATE to report
     * @param message what was wrong
     */
    public ScramException(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    static ScramException malformed(String what) {
        return new ScramException(PgProtocolException.PROTOCOL_VIOLATION, "malformed SCRAM message: " + what);
    }

    /** @return the SQLSTATE: 28P01, 08P01 or 0A000 */
    public String sqlState() {
        return sqlState;
    }
}
