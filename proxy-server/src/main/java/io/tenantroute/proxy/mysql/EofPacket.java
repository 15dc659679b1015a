package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * EOF_Packet (MySQL Source Code Documentation, "EOF_Packet"; MariaDB "EOF_Packet"): 0xFE, warnings and status
 * flags (2 bytes each, CLIENT_PROTOCOL_41). It ends column definitions and rows when CLIENT_DEPRECATE_EOF is
 * off. A payload that starts with 0xFE is an EOF only when shorter than 9 bytes: longer ones are rows or
 * AuthSwitchRequest. Immutable.
 *
 * @param warnings the warning count
 * @param statusFlags the {@link MySqlStatusFlags} bits
 */
public record EofPacket(int warnings, int statusFlags) {
    /** Header byte of an EOF packet. */
    public static final int HEADER = 0xFE;

    /**
     * @param payload a packet payload (not consumed)
     * @return whether it is an EOF packet: 0xFE and fewer than 9 bytes
     */
    public static boolean isEof(ByteBuf payload) {
        return payload.isReadable() && payload.readableBytes() < 9
                && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /**
     * Parses an EOF packet (a pre-4.1 one-byte EOF reads as 0 warnings, status 0). The reader index is not moved.
     *
     * @param payload the payload
     * @return the packet
     * @throws MySqlProtocolException when it is not an EOF packet
     */
    public static EofPacket parse(ByteBuf payload) {
        if (!isEof(payload)) {
            throw Wire.malformed("not an EOF packet");
        }
        ByteBuf b = payload.duplicate();
        b.skipBytes(1);
        if (b.readableBytes() < 4) {
            return new EofPacket(0, 0);
        }
        int warnings = b.readUnsignedShortLE();
        return new EofPacket(warnings, b.readUnsignedShortLE());
    }

    /** @param out where to write the 5-byte payload */
    public void writeTo(ByteBuf out) {
        out.writeByte(HEADER).writeShortLE(warnings).writeShortLE(statusFlags);
    }

    /**
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(5);
        writeTo(out);
        return out;
    }
}
