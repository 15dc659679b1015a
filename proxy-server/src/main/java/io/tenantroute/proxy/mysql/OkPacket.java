package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OK_Packet (MySQL Source Code Documentation, "OK_Packet"; MariaDB "OK_Packet"): header 0x00 — or 0xFE when it
 * ends a result set under CLIENT_DEPRECATE_EOF —, affected rows and last insert id (length-encoded), status
 * flags and warnings (2 bytes each, CLIENT_PROTOCOL_41), then the human-readable info: with CLIENT_SESSION_TRACK
 * a length-encoded string followed, when {@link MySqlStatusFlags#SERVER_SESSION_STATE_CHANGED} is set, by the
 * length-encoded session-state block; without it the rest of the packet. Immutable.
 *
 * @param header 0x00, or 0xFE for the result-set terminator under CLIENT_DEPRECATE_EOF
 * @param affectedRows rows changed (unsigned; as a long's bits)
 * @param lastInsertId the last AUTO_INCREMENT value (unsigned; as a long's bits)
 * @param statusFlags the {@link MySqlStatusFlags} bits
 * @param warnings the warning count
 * @param info the info text (e.g. "Rows matched: 1  Changed: 1  Warnings: 0"), "" when none
 * @param sessionStateChanges the session-state block's entries (CLIENT_SESSION_TRACK), empty when none
 */
public record OkPacket(int header, long affectedRows, long lastInsertId, int statusFlags, int warnings, String info,
        List<SessionStateChange> sessionStateChanges) {
    /** Header byte of an OK packet. */
    public static final int HEADER = 0x00;
    /** Header byte of the OK packet that ends a result set under CLIENT_DEPRECATE_EOF (and of EOF). */
    public static final int EOF_HEADER = 0xFE;

    public OkPacket {
        if (header != HEADER && header != EOF_HEADER) {
            throw new IllegalArgumentException("header must be 0x00 or 0xFE, was " + header);
        }
        info = info == null ? "" : info;
        sessionStateChanges = List.copyOf(sessionStateChanges);
    }

    /**
     * @param statusFlags the status flags
     * @return a plain OK: no rows, no insert id, no warnings
     */
    public static OkPacket of(int statusFlags) {
        return new OkPacket(HEADER, 0, 0, statusFlags, 0, "", List.of());
    }

    /**
     * One entry of the session-state block (MySQL "OK_Packet", session_state_info; type values of
     * enum_session_state_type: 0 SESSION_TRACK_SYSTEM_VARIABLES, 1 SESSION_TRACK_SCHEMA,
     * 2 SESSION_TRACK_STATE_CHANGE, 3 SESSION_TRACK_GTIDS, 4 SESSION_TRACK_TRANSACTION_CHARACTERISTICS,
     * 5 SESSION_TRACK_TRANSACTION_STATE).
     *
     * @param type the entry type
     * @param data the entry's data bytes (their layout depends on the type)
     */
    public record SessionStateChange(int type, byte[] data) {
        public static final int SYSTEM_VARIABLES = 0;
        public static final int SCHEMA = 1;
        public static final int STATE_CHANGE = 2;
        public static final int GTIDS = 3;
        public static final int TRANSACTION_CHARACTERISTICS = 4;
        public static final int TRANSACTION_STATE = 5;

        public SessionStateChange {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /**
         * @return for {@link #SYSTEM_VARIABLES} the name and value, for {@link #SCHEMA} the schema name,
         *     for the other types the data's length-encoded strings; as UTF-8 text
         * @throws MySqlProtocolException when the data is not a sequence of length-encoded strings
         */
        public List<String> strings() {
            ByteBuf b = Unpooled.wrappedBuffer(data);
            List<String> out = new ArrayList<>();
            while (b.isReadable()) {
                out.add(Wire.readLenencString(b, StandardCharsets.UTF_8, "session-state string"));
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SessionStateChange s && s.type == type && Arrays.equals(s.data, data);
        }

        @Override
        public int hashCode() {
            return type * 31 + Arrays.hashCode(data);
        }
    }

    /**
     * @param payload a packet payload (not consumed)
     * @return whether it starts with 0x00 and is long enough to be an OK packet (7 bytes)
     */
    public static boolean isOk(ByteBuf payload) {
        return payload.readableBytes() >= 7 && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /**
     * Parses an OK packet (either header). The buffer's reader index is not moved.
     *
     * @param payload the payload
     * @param capabilities the capabilities negotiated on the connection it came from (CLIENT_SESSION_TRACK matters)
     * @return the packet
     * @throws MySqlProtocolException when it is not a well-formed OK packet
     */
    public static OkPacket parse(ByteBuf payload, long capabilities) {
        ByteBuf b = payload.duplicate();
        int header = Wire.readU8(b, "OK header");
        if (header != HEADER && header != EOF_HEADER) {
            throw Wire.malformed("OK packet starts with 0x" + Integer.toHexString(header));
        }
        long affected = Wire.readLenencInt(b, "OK affected rows");
        long insertId = Wire.readLenencInt(b, "OK last insert id");
        int status = Wire.readU16(b, "OK status flags");
        int warnings = Wire.readU16(b, "OK warnings");
        String info = "";
        List<SessionStateChange> changes = List.of();
        if (MySqlCapabilities.has(capabilities, MySqlCapabilities.CLIENT_SESSION_TRACK)) {
            if (b.isReadable()) {
                info = Wire.readLenencString(b, StandardCharsets.UTF_8, "OK info");
                if ((status & MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED) != 0 && b.isReadable()) {
                    byte[] block = Wire.readLenencBytes(b, "OK session state");
                    changes = parseSessionState(block);
                }
            }
        } else {
            info = Wire.readEofString(b, StandardCharsets.UTF_8);
        }
        return new OkPacket(header, affected, insertId, status, warnings, info == null ? "" : info, changes);
    }

    private static List<SessionStateChange> parseSessionState(byte[] block) {
        ByteBuf b = Unpooled.wrappedBuffer(block);
        List<SessionStateChange> out = new ArrayList<>();
        while (b.isReadable()) {
            int type = Wire.readU8(b, "session state type");
            out.add(new SessionStateChange(type, Wire.readLenencBytes(b, "session state data")));
        }
        return out;
    }

    /**
     * Writes this packet as it must look on a connection with {@code capabilities}: without CLIENT_SESSION_TRACK
     * the session-state block is dropped (and the SERVER_SESSION_STATE_CHANGED flag cleared).
     *
     * @param out where to write the payload
     * @param capabilities the capabilities of the connection it goes to
     */
    public void writeTo(ByteBuf out, long capabilities) {
        boolean track = MySqlCapabilities.has(capabilities, MySqlCapabilities.CLIENT_SESSION_TRACK);
        int status = track && !sessionStateChanges.isEmpty() ? statusFlags
                : statusFlags & ~MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED;
        out.writeByte(header);
        Wire.writeLenencInt(out, affectedRows);
        Wire.writeLenencInt(out, lastInsertId);
        out.writeShortLE(status);
        out.writeShortLE(warnings);
        if (track) {
            if (!info.isEmpty() || !sessionStateChanges.isEmpty()) {
                Wire.writeLenencString(out, info);
            }
            if (!sessionStateChanges.isEmpty()) {
                ByteBuf block = Unpooled.buffer();
                for (SessionStateChange c : sessionStateChanges) {
                    block.writeByte(c.type());
                    Wire.writeLenencBytes(block, c.data);
                }
                Wire.writeLenencInt(out, block.readableBytes());
                out.writeBytes(block);
            }
        } else {
            out.writeCharSequence(info, StandardCharsets.UTF_8);
        }
    }

    /**
     * @param alloc the allocator
     * @param capabilities the capabilities of the connection it goes to
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc, long capabilities) {
        ByteBuf out = alloc.buffer(16 + info.length());
        writeTo(out, capabilities);
        return out;
    }

    /** @return the same packet with another header byte (0x00 or 0xFE) */
    public OkPacket withHeader(int newHeader) {
        return new OkPacket(newHeader, affectedRows, lastInsertId, statusFlags, warnings, info, sessionStateChanges);
    }
}
