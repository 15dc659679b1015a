package io.tenantroute.proxy.mysql;

import java.sql.SQLException;

/**
 * An error as MySQL reports it: message, SQLSTATE ({@link #getSQLState()}) and MySQL error code
 * ({@link #getErrorCode()}). Failures of a server's ERR packet keep the server's code, SQLSTATE and message
 * (with the target and user as context, never the password); errors of the proxy's own making use the client
 * error codes of libmysql (MySQL "Client Error Message Reference": 2003 CR_CONN_HOST_ERROR, 2026
 * CR_SSL_CONNECTION_ERROR, 2059 CR_AUTH_PLUGIN_CANNOT_LOAD, 2013 CR_SERVER_LOST, 2027 CR_MALFORMED_PACKET) with
 * SQLSTATE {@code 08001}/{@code HY000}.
 */
public class MySqlException extends SQLException {
    private static final long serialVersionUID = 1L;

    /** CR_SERVER_LOST: the server closed the connection during the handshake. */
    public static final int CR_SERVER_LOST = 2013;
    /** CR_CONN_HOST_ERROR: cannot connect to the server. */
    public static final int CR_CONN_HOST_ERROR = 2003;
    /** CR_SSL_CONNECTION_ERROR: TLS required but impossible or failed. */
    public static final int CR_SSL_CONNECTION_ERROR = 2026;
    /** CR_MALFORMED_PACKET: the server sent bytes that break the protocol. */
    public static final int CR_MALFORMED_PACKET = 2027;
    /** CR_AUTH_PLUGIN_CANNOT_LOAD: an authentication plugin the proxy does not implement. */
    public static final int CR_AUTH_PLUGIN_CANNOT_LOAD = 2059;

    /**
     * @param message the message; never a password
     * @param sqlState the SQLSTATE
     * @param errorCode the MySQL error code
     */
    public MySqlException(String message, String sqlState, int errorCode) {
        super(message, sqlState, errorCode);
    }

    /**
     * @param message the message; never a password
     * @param sqlState the SQLSTATE
     * @param errorCode the MySQL error code
     * @param cause the underlying failure
     */
    public MySqlException(String message, String sqlState, int errorCode, Throwable cause) {
        super(message, sqlState, errorCode, cause);
    }

    /** @return this error as the ERR packet a client would get, the message as it is */
    public ErrPacket toErrPacket() {
        String state = getSQLState() == null || getSQLState().length() != 5 ? "HY000" : getSQLState();
        return new ErrPacket(getErrorCode(), state, getMessage());
    }
}
