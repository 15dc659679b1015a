package io.tenantroute.proxy.pg;

import java.sql.SQLException;

/**
 * Opening (or cancelling on) a PostgreSQL server connection failed. {@link #getSQLState()} is the server's SQLSTATE
 * when the server refused with an ErrorResponse (e.g. {@code 28P01} wrong password, {@code 3D000} no such database,
 * {@code 53300} too many connections), with the server's fields in {@link #serverNotice()}; otherwise the proxy's own:
 * {@code 08001} (cannot connect, TLS required but refused, handshake failed, timed out), {@code 08004} (the server
 * asked for a password and there is none), {@code 08006} (the connection broke during startup), {@code 08P01}
 * (protocol violation), {@code 28000} (authentication method not supported), or the password supplier's own SQLSTATE
 * when reading the password failed.
 *
 * <p>The message names host, port, database and user; never a password or a URL with credentials.
 */
public final class PgServerException extends SQLException {
    private static final long serialVersionUID = 1L;

    private final transient PgBackendMessages.Notice serverNotice;

    /**
     * @param message what failed, naming the endpoint
     * @param sqlState the SQLSTATE
     * @param serverNotice the server's ErrorResponse fields, or null when the failure is the proxy's
     * @param cause the underlying exception, or null
     */
    public PgServerException(String message, String sqlState, PgBackendMessages.Notice serverNotice, Throwable cause) {
        super(message, sqlState, cause);
        this.serverNotice = serverNotice;
    }

    /** @return the server's ErrorResponse fields (severity, SQLSTATE, message, detail, hint …), or null */
    public PgBackendMessages.Notice serverNotice() {
        return serverNotice;
    }
}
