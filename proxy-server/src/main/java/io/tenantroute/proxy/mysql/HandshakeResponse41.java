package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Protocol::HandshakeResponse41, the client's answer to the greeting (MySQL Source Code Documentation,
 * "Protocol::HandshakeResponse41"; MariaDB "Connection", Handshake response packet). Layout: client capabilities
 * (4), max packet size (4), character set (1), 19 reserved bytes, 4 bytes of MariaDB extended capabilities
 * (when the client clears CLIENT_MYSQL) or reserved, the user name (NUL-terminated), the auth response —
 * length-encoded with CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA, 1-byte length with CLIENT_SECURE_CONNECTION,
 * else NUL-terminated —, the database (NUL-terminated) with CLIENT_CONNECT_WITH_DB, the auth plugin name
 * (NUL-terminated) with CLIENT_PLUGIN_AUTH, and the connection attributes (a length-encoded block of
 * length-encoded key/value strings) with CLIENT_CONNECT_ATTRS. Only CLIENT_PROTOCOL_41 clients are accepted
 * (HandshakeResponse320 is refused). Immutable.
 *
 * @param capabilities the client's capabilities (MariaDB extended flags in bits 32–63)
 * @param maxPacketSize the largest packet the client wants to receive, in bytes
 * @param charset the client's collation id
 * @param username the user name
 * @param authResponse the auth plugin's first answer (e.g. a 20-byte scramble), empty when none
 * @param database the database named with CLIENT_CONNECT_WITH_DB, null when none
 * @param authPluginName the plugin the auth response was made with, null when not sent
 * @param connectAttributes the connection attributes in the order sent (e.g. {@code _client_name},
 *     {@code tenantroute.tenant}); empty when none
 */
public record HandshakeResponse41(long capabilities, int maxPacketSize, int charset, String username,
        byte[] authResponse, String database, String authPluginName, Map<String, String> connectAttributes) {
    /** The length of SSLRequest's payload, the first 32 bytes of a HandshakeResponse41. */
    public static final int SSL_REQUEST_LENGTH = 32;

    public HandshakeResponse41 {
        authResponse = authResponse == null ? new byte[0] : authResponse.clone();
        username = username == null ? "" : username;
        connectAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
    }

    @Override
    public byte[] authResponse() {
        return authResponse.clone();
    }

    /**
     * @param payload the client's first packet (not consumed)
     * @return whether it is an SSLRequest: exactly 32 bytes with CLIENT_SSL set ("Protocol::SSLRequest")
     */
    public static boolean isSslRequest(ByteBuf payload) {
        return payload.readableBytes() == SSL_REQUEST_LENGTH
                && (payload.getUnsignedIntLE(payload.readerIndex()) & MySqlCapabilities.CLIENT_SSL) != 0;
    }

    /**
     * Parses a handshake response. The reader index is not moved.
     *
     * @param payload the payload
     * @return the response
     * @throws MySqlProtocolException (1043, 08S01) when it is malformed or not CLIENT_PROTOCOL_41
     */
    public static HandshakeResponse41 parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        try {
            long caps = Wire.readU32(b, "client capabilities");
            if ((caps & MySqlCapabilities.CLIENT_PROTOCOL_41) == 0) {
                throw new MySqlProtocolException(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                        "client does not speak CLIENT_PROTOCOL_41 (pre-4.1 clients are not supported)");
            }
            int maxPacket = (int) Wire.readU32(b, "max packet size");
            int charset = Wire.readU8(b, "character set");
            Wire.need(b, 23, "reserved");
            b.skipBytes(19);
            long extended = b.readUnsignedIntLE();
            if ((caps & MySqlCapabilities.CLIENT_MYSQL) == 0) {
                caps |= extended << 32;
            }
            String user = Wire.readNulString(b, "user name");
            byte[] auth;
            if ((caps & MySqlCapabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                auth = Wire.readLenencBytes(b, "auth response");
                if (auth == null) {
                    throw Wire.malformed("auth response is NULL");
                }
            } else if ((caps & MySqlCapabilities.CLIENT_SECURE_CONNECTION) != 0) {
                auth = Wire.readBytes(b, Wire.readU8(b, "auth response length"), "auth response");
            } else {
                auth = Wire.readNulString(b, "auth response").getBytes(StandardCharsets.ISO_8859_1);
            }
            String database = null;
            if ((caps & MySqlCapabilities.CLIENT_CONNECT_WITH_DB) != 0 && b.isReadable()) {
                database = Wire.readNulOrEofString(b);
            }
            String plugin = null;
            if ((caps & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0 && b.isReadable()) {
                plugin = Wire.readNulOrEofString(b);
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            if ((caps & MySqlCapabilities.CLIENT_CONNECT_ATTRS) != 0 && b.isReadable()) {
                readAttributes(b, attrs);
            }
            return new HandshakeResponse41(caps, maxPacket, charset, user, auth, database, plugin, attrs);
        } catch (MySqlProtocolException e) {
            if (e.errorCode() == MySqlProtocolException.ER_HANDSHAKE_ERROR) {
                throw e;
            }
            throw new MySqlProtocolException(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                    "Bad handshake: " + e.getMessage());
        }
    }

    /** Reads a length-encoded block of length-encoded key/value pairs (connection attributes). */
    static void readAttributes(ByteBuf b, Map<String, String> into) {
        long total = Wire.readLenencInt(b, "connection attributes length");
        if (total < 0 || total > b.readableBytes()) {
            throw Wire.malformed("connection attributes declare " + total + " bytes, " + b.readableBytes() + " left");
        }
        ByteBuf block = b.readSlice((int) total);
        while (block.isReadable()) {
            String key = Wire.readLenencString(block, StandardCharsets.UTF_8, "attribute name");
            String value = Wire.readLenencString(block, StandardCharsets.UTF_8, "attribute value");
            if (key == null) {
                throw Wire.malformed("attribute name is NULL");
            }
            into.put(key, value == null ? "" : value);
        }
    }

    /** Writes a length-encoded block of connection attributes. */
    static void writeAttributes(ByteBuf out, Map<String, String> attrs) {
        ByteBuf block = out.alloc().buffer();
        try {
            attrs.forEach((k, v) -> {
                Wire.writeLenencString(block, k);
                Wire.writeLenencString(block, v);
            });
            Wire.writeLenencInt(out, block.readableBytes());
            out.writeBytes(block);
        } finally {
            block.release();
        }
    }

    /**
     * Writes this response with its own capability flags: the auth response length-encoded when
     * CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA is set, else with a 1-byte length (CLIENT_SECURE_CONNECTION,
     * at most 255 bytes); the database, plugin name and attributes when their flags are set.
     *
     * @param out where to write the payload
     * @throws IllegalArgumentException when the auth response does not fit the chosen form
     */
    public void writeTo(ByteBuf out) {
        out.writeIntLE((int) capabilities);
        out.writeIntLE(maxPacketSize);
        out.writeByte(charset);
        out.writeZero(19);
        out.writeIntLE((capabilities & MySqlCapabilities.CLIENT_MYSQL) == 0 ? (int) (capabilities >>> 32) : 0);
        Wire.writeNulString(out, username);
        if ((capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            Wire.writeLenencBytes(out, authResponse);
        } else if ((capabilities & MySqlCapabilities.CLIENT_SECURE_CONNECTION) != 0) {
            if (authResponse.length > 255) {
                throw new IllegalArgumentException("auth response of " + authResponse.length
                        + " bytes needs CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA");
            }
            out.writeByte(authResponse.length);
            out.writeBytes(authResponse);
        } else {
            out.writeBytes(authResponse);
            out.writeByte(0);
        }
        if ((capabilities & MySqlCapabilities.CLIENT_CONNECT_WITH_DB) != 0) {
            Wire.writeNulString(out, database == null ? "" : database);
        }
        if ((capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0) {
            Wire.writeNulString(out, authPluginName == null ? "" : authPluginName);
        }
        if ((capabilities & MySqlCapabilities.CLIENT_CONNECT_ATTRS) != 0) {
            writeAttributes(out, connectAttributes);
        }
    }

    /**
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(128);
        writeTo(out);
        return out;
    }

    /**
     * Writes the SSLRequest short form ("Protocol::SSLRequest"): the first 32 bytes of a response, CLIENT_SSL set.
     *
     * @param alloc the allocator
     * @param capabilities the client capabilities (CLIENT_SSL is added)
     * @param maxPacketSize the max packet size, bytes
     * @param charset the collation id
     * @return the payload; the caller owns it
     */
    public static ByteBuf sslRequest(ByteBufAllocator alloc, long capabilities, int maxPacketSize, int charset) {
        long caps = capabilities | MySqlCapabilities.CLIENT_SSL;
        ByteBuf out = alloc.buffer(SSL_REQUEST_LENGTH);
        out.writeIntLE((int) caps);
        out.writeIntLE(maxPacketSize);
        out.writeByte(charset);
        out.writeZero(19);
        out.writeIntLE((caps & MySqlCapabilities.CLIENT_MYSQL) == 0 ? (int) (caps >>> 32) : 0);
        return out;
    }

    @Override
    public String toString() {
        return "HandshakeResponse41[user=" + username + ", database=" + database + ", plugin=" + authPluginName
                + ", capabilities=" + MySqlCapabilities.names(capabilities) + ", charset=" + charset
                + ", authResponse=" + authResponse.length + " bytes, connectAttributes=" + connectAttributes + "]";
    }
}
