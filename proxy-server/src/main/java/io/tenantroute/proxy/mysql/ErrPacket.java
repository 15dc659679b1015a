package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * ERR_Packet (MySQL Source Code Documentation, "ERR_Packet"; MariaDB "ERR_Packet"): 0xFF, the 2-byte error
 * code, then with CLIENT_PROTOCOL_41 a '#' and the 5-character SQLSTATE, then the message (rest of the packet).
 * A packet without the '#' marker (sent before capabilities are known, e.g. "Too many connections" before the
 * handshake) parses with SQLSTATE {@code HY000}. Immutable.
 *
 * @param errorCode the MySQL error code, e.g. 1045
 * @param sqlState the 5-character SQLSTATE, e.g. {@code 28000}
 * @param message the message text; never a password
 */
public record ErrPacket(int errorCode, String sqlState, String message) {
    /** Header byte of an ERR packet. */
    public static final int HEADER = 0xFF;
    /** ER_ACCESS_DENIED_ERROR. */
    public static final int ER_ACCESS_DENIED_ERROR = 1045;
    /** ER_BAD_DB_ERROR: "Unknown database" (42000). */
    public static final int ER_BAD_DB_ERROR = 1049;
    /** ER_HOST_NOT_PRIVILEGED: "Host '%s' is not allowed to connect" (HY000). */
    public static final int ER_HOST_NOT_PRIVILEGED = 1130;
    /** ER_NOT_SUPPORTED_AUTH_MODE: "Client does not support authentication protocol requested by server" (08004). */
    public static final int ER_NOT_SUPPORTED_AUTH_MODE = 1251;

    public ErrPacket {
        if (sqlState == null || sqlState.length() != 5) {
            throw new IllegalArgumentException("sqlState must have 5 characters, was " + sqlState);
        }
        message = message == null ? "" : message;
    }

    /**
     * The server's answer to a failed login (ER_ACCESS_DENIED_ERROR, SQLSTATE 28000).
     *
     * @param user the user name the client gave
     * @param host the client's host (address)
     * @param usingPassword whether the client sent a non-empty auth response
     * @return {@code Access denied for user 'user'@'host' (using password: YES|NO)}
     */
    public static ErrPacket accessDenied(String user, String host, boolean usingPassword) {
        return new ErrPacket(ER_ACCESS_DENIED_ERROR, "28000", "Access denied for user '" + user + "'@'" + host
                + "' (using password: " + (usingPassword ? "YES" : "NO") + ")");
    }

    /**
     * @param payload a packet payload (not consumed)
     * @return whether it starts with 0xFF
     */
    public static boolean isErr(ByteBuf payload) {
        return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /**
     * Parses an ERR packet. The buffer's reader index is not moved.
     *
     * @param payload the payload
     * @return the packet
     * @throws MySqlProtocolException when it is not an ERR packet
     */
    public static ErrPacket parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        if (Wire.readU8(b, "ERR header") != HEADER) {
            throw Wire.malformed("ERR packet does not start with 0xFF");
        }
        int code = Wire.readU16(b, "ERR error code");
        String state = "HY000";
        if (b.isReadable() && b.getByte(b.readerIndex()) == '#' && b.readableBytes() >= 6) {
            b.skipBytes(1);
            state = b.readCharSequence(5, StandardCharsets.US_ASCII).toString();
        }
        return new ErrPacket(code, state, Wire.readEofString(b, StandardCharsets.UTF_8));
    }

    /** @param out where to write the payload (always the CLIENT_PROTOCOL_41 form) */
    public void writeTo(ByteBuf out) {
        out.writeByte(HEADER);
        out.writeShortLE(errorCode);
        out.writeByte('#');
        out.writeCharSequence(sqlState, StandardCharsets.US_ASCII);
        out.writeCharSequence(message, StandardCharsets.UTF_8);
    }

    /**
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(9 + message.length() * 3);
        writeTo(out);
        return out;
    }

    /**
     * @param context what failed, e.g. "target eu1 (db1:3306) user app"
     * @return this error as a {@link MySqlException}, the message prefixed with the context
     */
    public MySqlException toException(String context) {
        return new MySqlException(context == null || context.isEmpty() ? message : context + ": " + message,
                sqlState, errorCode);
    }
}
