package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * COM_STMT_PREPARE_OK (MySQL Source Code Documentation, "COM_STMT_PREPARE Response"; MariaDB
 * "COM_STMT_PREPARE"): 0x00, statement id (4), number of columns (2), number of parameters (2), a reserved byte,
 * the warning count (2). It is followed by {@code paramCount} parameter definitions and, without
 * CLIENT_DEPRECATE_EOF, an EOF; then {@code columnCount} column definitions and, without CLIENT_DEPRECATE_EOF,
 * an EOF — {@link MySqlResponseTracker} counts them. Immutable.
 *
 * @param statementId the server's statement id, unsigned
 * @param columnCount the result set's column count, 0 for statements without one
 * @param paramCount the number of {@code ?} parameters
 * @param warnings the warning count
 */
public record PrepareOk(long statementId, int columnCount, int paramCount, int warnings) {
    /**
     * @param payload the first packet of a COM_STMT_PREPARE response that starts with 0x00 (not consumed)
     * @return the parsed packet
     * @throws MySqlProtocolException when it is too short
     */
    public static PrepareOk parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        if (Wire.readU8(b, "COM_STMT_PREPARE_OK header") != 0) {
            throw Wire.malformed("COM_STMT_PREPARE_OK does not start with 0x00");
        }
        long id = Wire.readU32(b, "statement id");
        int columns = Wire.readU16(b, "column count");
        int params = Wire.readU16(b, "parameter count");
        int warnings = 0;
        if (b.readableBytes() >= 3) {
            b.skipBytes(1);
            warnings = b.readUnsignedShortLE();
        }
        return new PrepareOk(id, columns, params, warnings);
    }

    /**
     * @param alloc the allocator
     * @return the 12-byte payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        return alloc.buffer(12).writeByte(0).writeIntLE((int) statementId).writeShortLE(columnCount)
                .writeShortLE(paramCount).writeByte(0).writeShortLE(warnings);
    }

    /**
     * The same response head with another statement id — what the client sees when the proxy hands out its own
     * ids. The payload is not released.
     *
     * @param alloc the allocator
     * @param payload the server's COM_STMT_PREPARE_OK
     * @param clientStatementId the proxy's id for the client
     * @return the new payload; the caller owns it
     */
    public static ByteBuf withStatementId(ByteBufAllocator alloc, ByteBuf payload, long clientStatementId) {
        parse(payload);
        ByteBuf out = alloc.buffer(payload.readableBytes());
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        out.setIntLE(1, (int) clientStatementId);
        return out;
    }
}
