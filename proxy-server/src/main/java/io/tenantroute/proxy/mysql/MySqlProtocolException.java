package io.tenantroute.proxy.mysql;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes that break the MySQL Client/Server Protocol: a malformed or truncated packet, a payload above the
 * configured maximum, a packet that cannot come at this point of the conversation. It extends Netty's
 * {@link DecoderException} so a decoder throws it through the pipeline unchanged. It carries the MySQL error
 * code and SQLSTATE a server would send in the ERR packet before it closes the connection (MySQL Server
 * Error Message Reference): {@link #ER_NET_PACKET_TOO_LARGE} 1153 / 08S01, {@link #ER_UNKNOWN_COM_ERROR} 1047 /
 * 08S01 ("Unknown command"/malformed), {@link #ER_HANDSHAKE_ERROR} 1043 / 08S01 ("Bad handshake").
 * The connection it happened on must be closed: the framing cannot be trusted after it.
 */
public class MySqlProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** ER_HANDSHAKE_ERROR: "Bad handshake" (SQLSTATE 08S01). */
    public static final int ER_HANDSHAKE_ERROR = 1043;
    /** ER_UNKNOWN_COM_ERROR: "Unknown command" (SQLSTATE 08S01); used for malformed packets. */
    public static final int ER_UNKNOWN_COM_ERROR = 1047;
    /** ER_NET_PACKET_TOO_LARGE: "Got a packet bigger than 'max_allowed_packet' bytes" (SQLSTATE 08S01). */
    public static final int ER_NET_PACKET_TOO_LARGE = 1153;
    /** ER_NET_PACKETS_OUT_OF_ORDER: "Got packets out of order" (SQLSTATE 08S01). */
    public static final int ER_NET_PACKETS_OUT_OF_ORDER = 1156;

    private final int errorCode;
    private final String sqlState;

    /**
     * @param errorCode the MySQL error code to report
     * @param sqlState the five-character SQLSTATE to report
     * @param message what was wrong; never a password
     */
    public MySqlProtocolException(int errorCode, String sqlState, String message) {
        super(message);
        this.errorCode = errorCode;
        this.sqlState = sqlState;
    }

    /** @return the MySQL error code for the ERR packet */
    public int errorCode() {
        return errorCode;
    }

    /** @return the SQLSTATE for the ERR packet */
    public String sqlState() {
        return sqlState;
    }

    /** @return the ERR packet a server sends for this error before it closes the connection */
    public ErrPacket toErrPacket() {
        return new ErrPacket(errorCode, sqlState, getMessage());
    }
}
