package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Protocol::HandshakeV10, the server's greeting (MySQL Source Code Documentation, "Protocol::HandshakeV10";
 * MariaDB "Connection", Initial handshake packet). Layout: protocol version 10; server version (NUL-terminated);
 * connection id (4); auth-plugin-data part 1 (8); filler; capability flags, lower 2 bytes; character set
 * (a collation id); status flags (2); capability flags, upper 2 bytes; auth-plugin-data length (or 0); 6 reserved
 * bytes; 4 more reserved bytes that MariaDB uses for its extended capabilities when it clears CLIENT_MYSQL
 * (bit 0); auth-plugin-data part 2 (max(13, length - 8) bytes, NUL-terminated) with CLIENT_SECURE_CONNECTION;
 * the auth plugin name (NUL-terminated) with CLIENT_PLUGIN_AUTH. Immutable.
 *
 * @param serverVersion e.g. {@code 5.5.5-10.11.19-MariaDB-0+deb12u1} (MariaDB's "5.5.5-" prefix kept as sent)
 * @param connectionId the server's thread id (what {@code KILL QUERY} names)
 * @param authPluginData the nonce ("scramble"), normally 20 bytes, without the trailing NUL
 * @param capabilities the server's capabilities (MariaDB extended flags in bits 32–63)
 * @param charset the server's default collation id
 * @param statusFlags the {@link MySqlStatusFlags}
 * @param authPluginName the default auth plugin, e.g. {@code mysql_native_password}; "" when not announced
 */
public record HandshakeV10(String serverVersion, long connectionId, byte[] authPluginData, long capabilities,
        int charset, int statusFlags, String authPluginName) {
    /** The protocol version byte of HandshakeV10. */
    public static final int PROTOCOL_VERSION = 10;

    public HandshakeV10 {
        authPluginData = authPluginData.clone();
        authPluginName = authPluginName == null ? "" : authPluginName;
        if (authPluginData.length < 8) {
            throw new IllegalArgumentException("authPluginData must have at least 8 bytes, had " + authPluginData.length);
        }
    }

    @Override
    public byte[] authPluginData() {
        return authPluginData.clone();
    }

    /** @return whether the version string says MariaDB */
    public boolean isMariaDb() {
        return serverVersion.contains("MariaDB");
    }

    /**
     * Parses a greeting. The reader index is not moved.
     *
     * @param payload the first packet a server sends (not an ERR: check {@link ErrPacket#isErr} first)
     * @return the greeting
     * @throws MySqlProtocolException when it is not a well-formed HandshakeV10 (e.g. protocol version 9)
     */
    public static HandshakeV10 parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        int version = Wire.readU8(b, "protocol version");
        if (version != PROTOCOL_VERSION) {
            throw new MySqlProtocolException(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                    "server greets with protocol version " + version + "; only HandshakeV10 is supported");
        }
        String serverVersion = Wire.readNulString(b, "server version");
        long connectionId = Wire.readU32(b, "connection id");
        byte[] part1 = Wire.readBytes(b, 8, "auth-plugin-data part 1");
        Wire.readU8(b, "filler");
        long caps = Wire.readU16(b, "capability flags");
        int charset = 0;
        int status = 0;
        int authDataLength = 0;
        byte[] part2 = new byte[0];
        String plugin = "";
        if (b.isReadable()) {
            charset = Wire.readU8(b, "character set");
            status = Wire.readU16(b, "status flags");
            caps |= (long) Wire.readU16(b, "capability flags (upper)") << 16;
            authDataLength = Wire.readU8(b, "auth-plugin-data length");
            Wire.need(b, 10, "reserved");
            b.skipBytes(6);
            long extended = b.readUnsignedIntLE();
            if ((caps & MySqlCapabilities.CLIENT_MYSQL) == 0) {
                caps |= extended << 32;
            }
            if ((caps & MySqlCapabilities.CLIENT_SECURE_CONNECTION) != 0) {
                int len = Math.max(13, authDataLength - 8);
                len = Math.min(len, b.readableBytes());
                part2 = Wire.readBytes(b, len, "auth-plugin-data part 2");
                if (part2.length > 0 && part2[part2.length - 1] == 0) {
                    part2 = java.util.Arrays.copyOf(part2, part2.length - 1);
                }
            }
            if ((caps & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0 && b.isReadable()) {
                plugin = Wire.readNulOrEofString(b);
            }
        }
        byte[] nonce = new byte[part1.length + part2.length];
        System.arraycopy(part1, 0, nonce, 0, part1.length);
        System.arraycopy(part2, 0, nonce, part1.length, part2.length);
        return new HandshakeV10(serverVersion, connectionId, nonce, caps, charset, status, plugin);
    }

    /**
     * Writes the greeting: the nonce's first 8 bytes in part 1, the rest NUL-terminated in part 2 (padded to
     * 12 bytes when shorter), auth-plugin-data length = nonce length + 1. The MariaDB extended capability
     * word is written when CLIENT_MYSQL is clear, else zeros.
     *
     * @param out where to write the payload
     */
    public void writeTo(ByteBuf out) {
        out.writeByte(PROTOCOL_VERSION);
        Wire.writeNulString(out, serverVersion);
        out.writeIntLE((int) connectionId);
        out.writeBytes(authPluginData, 0, 8);
        out.writeByte(0);
        out.writeShortLE((int) (capabilities & 0xFFFF));
        out.writeByte(charset);
        out.writeShortLE(statusFlags);
        out.writeShortLE((int) ((capabilities >>> 16) & 0xFFFF));
        int part2 = Math.max(12, authPluginData.length - 8);
        boolean plugin = (capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0;
        out.writeByte(plugin ? 8 + part2 + 1 : 0);
        out.writeZero(6);
        out.writeIntLE((capabilities & MySqlCapabilities.CLIENT_MYSQL) == 0 ? (int) (capabilities >>> 32) : 0);
        if ((capabilities & MySqlCapabilities.CLIENT_SECURE_CONNECTION) != 0) {
            out.writeBytes(authPluginData, 8, authPluginData.length - 8);
            out.writeZero(part2 - (authPluginData.length - 8));
            out.writeByte(0);
        }
        if (plugin) {
            Wire.writeNulString(out, authPluginName);
        }
    }

    /**
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(64 + serverVersion.length() + authPluginName.length());
        writeTo(out);
        return out;
    }

    @Override
    public String toString() {
        return "HandshakeV10[serverVersion=" + serverVersion + ", connectionId=" + connectionId + ", capabilities="
                + MySqlCapabilities.names(capabilities) + ", charset=" + charset + ", statusFlags=" + statusFlags
                + ", authPluginName=" + authPluginName + "]";
    }
}
