package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readers and writers of the Command Phase packets other than COM_STMT_EXECUTE ({@link ComStmtExecute}); each
 * cites its page of the MySQL Source Code Documentation ("COM_QUERY", "COM_INIT_DB", …, MariaDB's pages of the
 * same names). Readers never move the payload's reader index and throw {@link MySqlProtocolException}
 * (1047, 08S01) when a packet is not the command they read or is truncated. Writers return a new payload the
 * caller owns (to be wrapped in a {@link MySqlPacket} with sequence id 0). Stateless, thread-safe.
 */
public final class MySqlCommands {
    private MySqlCommands() {
    }

    private static ByteBuf body(ByteBuf payload, MySqlCommand expected) {
        if (MySqlCommand.of(payload) != expected) {
            throw Wire.malformed("not a " + expected + " packet");
        }
        ByteBuf b = payload.duplicate();
        b.skipBytes(1);
        return b;
    }

    private static ByteBuf command(ByteBufAllocator alloc, MySqlCommand c, int extra) {
        return alloc.buffer(1 + extra).writeByte(c.code());
    }

    /**
     * "COM_QUERY": the SQL text (CLIENT_QUERY_ATTRIBUTES is never negotiated, so the text is the rest of the packet).
     *
     * @param payload the packet
     * @param charset the client's charset ({@link MySqlCharsets#javaCharset})
     * @return the SQL text
     */
    public static String querySql(ByteBuf payload, Charset charset) {
        return Wire.readEofString(body(payload, MySqlCommand.COM_QUERY), charset);
    }

    /** @return a COM_QUERY payload with {@code sql} in UTF-8 */
    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        return text(alloc, MySqlCommand.COM_QUERY, sql);
    }

    /** "COM_INIT_DB": @return the schema name (UTF-8) */
    public static String initDbSchema(ByteBuf payload) {
        return Wire.readEofString(body(payload, MySqlCommand.COM_INIT_DB), StandardCharsets.UTF_8);
    }

    /** @return a COM_INIT_DB payload */
    public static ByteBuf initDb(ByteBufAllocator alloc, String schema) {
        return text(alloc, MySqlCommand.COM_INIT_DB, schema);
    }

    /** "COM_STMT_PREPARE": @return the statement text */
    public static String prepareSql(ByteBuf payload, Charset charset) {
        return Wire.readEofString(body(payload, MySqlCommand.COM_STMT_PREPARE), charset);
    }

    /** @return a COM_STMT_PREPARE payload with {@code sql} in UTF-8 */
    public static ByteBuf prepare(ByteBufAllocator alloc, String sql) {
        return text(alloc, MySqlCommand.COM_STMT_PREPARE, sql);
    }

    private static ByteBuf text(ByteBufAllocator alloc, MySqlCommand c, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return command(alloc, c, b.length).writeBytes(b);
    }

    /** @return a payload of just the command byte: COM_PING, COM_QUIT, COM_RESET_CONNECTION, COM_STATISTICS */
    public static ByteBuf simple(ByteBufAllocator alloc, MySqlCommand c) {
        if (c != MySqlCommand.COM_PING && c != MySqlCommand.COM_QUIT && c != MySqlCommand.COM_RESET_CONNECTION
                && c != MySqlCommand.COM_STATISTICS) {
            throw new IllegalArgumentException(c + " has arguments");
        }
        return command(alloc, c, 0);
    }

    /**
     * The statement id of COM_STMT_EXECUTE, COM_STMT_CLOSE, COM_STMT_RESET, COM_STMT_SEND_LONG_DATA or
     * COM_STMT_FETCH (all carry it in bytes 1–4).
     *
     * @param payload the packet
     * @return the statement id, unsigned
     */
    public static long statementId(ByteBuf payload) {
        MySqlCommand c = MySqlCommand.of(payload);
        if (c != MySqlCommand.COM_STMT_EXECUTE && c != MySqlCommand.COM_STMT_CLOSE && c != MySqlCommand.COM_STMT_RESET
                && c != MySqlCommand.COM_STMT_SEND_LONG_DATA && c != MySqlCommand.COM_STMT_FETCH) {
            throw Wire.malformed("not a statement command");
        }
        Wire.need(payload, 5, c + " statement id");
        return payload.getUnsignedIntLE(payload.readerIndex() + 1);
    }

    /**
     * The same statement command with another statement id: a 5-byte header followed by a retained slice of
     * the rest, so long data is not copied. {@code payload} is not released.
     *
     * @param alloc the allocator
     * @param payload COM_STMT_EXECUTE, _CLOSE, _RESET, _SEND_LONG_DATA or _FETCH
     * @param newStatementId the id on the target connection
     * @return the new payload; the caller owns it
     */
    public static ByteBuf withStatementId(ByteBufAllocator alloc, ByteBuf payload, long newStatementId) {
        statementId(payload);
        ByteBuf head = alloc.buffer(5).writeByte(payload.getByte(payload.readerIndex())).writeIntLE((int) newStatementId);
        int rest = payload.readableBytes() - 5;
        if (rest == 0) {
            return head;
        }
        if (rest <= 512) {
            return head.writeBytes(payload, payload.readerIndex() + 5, rest);
        }
        CompositeByteBuf c = alloc.compositeBuffer(2);
        c.addComponents(true, head, payload.retainedSlice(payload.readerIndex() + 5, rest));
        return c;
    }

    /** "COM_STMT_CLOSE" / "COM_STMT_RESET" writer. */
    public static ByteBuf statementCommand(ByteBufAllocator alloc, MySqlCommand c, long statementId) {
        if (c != MySqlCommand.COM_STMT_CLOSE && c != MySqlCommand.COM_STMT_RESET) {
            throw new IllegalArgumentException(c + " is not COM_STMT_CLOSE or COM_STMT_RESET");
        }
        return command(alloc, c, 4).writeIntLE((int) statementId);
    }

    /**
     * "COM_STMT_SEND_LONG_DATA": statement id (4), parameter index (2), data (rest).
     *
     * @param statementId the statement id
     * @param paramId the 0-based parameter index
     * @param data a slice of the payload (not retained; valid while the payload is)
     */
    public record SendLongData(long statementId, int paramId, ByteBuf data) {
        /** @return the parsed packet */
        public static SendLongData parse(ByteBuf payload) {
            ByteBuf b = body(payload, MySqlCommand.COM_STMT_SEND_LONG_DATA);
            long id = Wire.readU32(b, "statement id");
            int param = Wire.readU16(b, "param id");
            return new SendLongData(id, param, b.slice());
        }

        /** @return a payload; the data bytes are copied */
        public ByteBuf toPayload(ByteBufAllocator alloc) {
            return command(alloc, MySqlCommand.COM_STMT_SEND_LONG_DATA, 6 + data.readableBytes())
                    .writeIntLE((int) statementId).writeShortLE(paramId).writeBytes(data, data.readerIndex(), data.readableBytes());
        }
    }

    /**
     * "COM_FIELD_LIST": table name (NUL-terminated) and wildcard (rest).
     *
     * @param table the table
     * @param wildcard the column wildcard, "" for all
     */
    public record FieldList(String table, String wildcard) {
        /** @return the parsed packet */
        public static FieldList parse(ByteBuf payload) {
            ByteBuf b = body(payload, MySqlCommand.COM_FIELD_LIST);
            String table = Wire.readNulOrEofString(b);
            return new FieldList(table, Wire.readEofString(b, StandardCharsets.UTF_8));
        }

        /** @return the payload */
        public ByteBuf toPayload(ByteBufAllocator alloc) {
            ByteBuf out = command(alloc, MySqlCommand.COM_FIELD_LIST, table.length() + wildcard.length() + 1);
            Wire.writeNulString(out, table);
            out.writeCharSequence(wildcard, StandardCharsets.UTF_8);
            return out;
        }
    }

    /** "COM_SET_OPTION" values. */
    public static final int MYSQL_OPTION_MULTI_STATEMENTS_ON = 0;
    public static final int MYSQL_OPTION_MULTI_STATEMENTS_OFF = 1;

    /** "COM_SET_OPTION": @return the option (2 bytes) */
    public static int setOption(ByteBuf payload) {
        return Wire.readU16(body(payload, MySqlCommand.COM_SET_OPTION), "option");
    }

    /** @return a COM_SET_OPTION payload */
    public static ByteBuf setOption(ByteBufAllocator alloc, int option) {
        return command(alloc, MySqlCommand.COM_SET_OPTION, 2).writeShortLE(option);
    }

    /** "COM_PROCESS_KILL": @return the connection id to kill */
    public static long processKillId(ByteBuf payload) {
        return Wire.readU32(body(payload, MySqlCommand.COM_PROCESS_KILL), "connection id");
    }

    /**
     * "COM_STMT_FETCH": statement id (4) and number of rows (4).
     *
     * @return the number of rows asked for
     */
    public static long fetchRows(ByteBuf payload) {
        ByteBuf b = body(payload, MySqlCommand.COM_STMT_FETCH);
        Wire.readU32(b, "statement id");
        return Wire.readU32(b, "num rows");
    }

    /**
     * "COM_CHANGE_USER" (MySQL "COM_CHANGE_USER"; MariaDB "COM_CHANGE_USER"): user (NUL), auth response
     * (1-byte length with CLIENT_SECURE_CONNECTION, else NUL-terminated), database (NUL), then — when bytes
     * remain — the collation (2, CLIENT_PROTOCOL_41), the plugin name (NUL, CLIENT_PLUGIN_AUTH) and the connection
     * attributes (CLIENT_CONNECT_ATTRS). The server answers as in the Connection Phase (OK, ERR or
     * AuthSwitchRequest).
     *
     * @param user the user
     * @param authResponse the auth response
     * @param database the database, "" for none
     * @param charset the collation id, 0 when absent
     * @param authPluginName the plugin, null when absent
     * @param connectAttributes the attributes, empty when absent
     */
    public record ChangeUser(String user, byte[] authResponse, String database, int charset, String authPluginName,
            Map<String, String> connectAttributes) {
        public ChangeUser {
            authResponse = authResponse.clone();
            connectAttributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
        }

        @Override
        public byte[] authResponse() {
            return authResponse.clone();
        }

        /**
         * @param payload the packet
         * @param capabilities the capabilities negotiated with the client that sent it
         * @return the parsed packet
         */
        public static ChangeUser parse(ByteBuf payload, long capabilities) {
            ByteBuf b = body(payload, MySqlCommand.COM_CHANGE_USER);
            String user = Wire.readNulString(b, "user");
            byte[] auth;
            if ((capabilities & MySqlCapabilities.CLIENT_SECURE_CONNECTION) != 0) {
                auth = Wire.readBytes(b, Wire.readU8(b, "auth response length"), "auth response");
            } else {
                auth = Wire.readNulString(b, "auth response").getBytes(StandardCharsets.ISO_8859_1);
            }
            String db = b.isReadable() ? Wire.readNulOrEofString(b) : "";
            int charset = 0;
            String plugin = null;
            Map<String, String> attrs = new LinkedHashMap<>();
            if (b.readableBytes() >= 2) {
                charset = b.readUnsignedShortLE();
                if ((capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0 && b.isReadable()) {
                    plugin = Wire.readNulOrEofString(b);
                }
                if ((capabilities & MySqlCapabilities.CLIENT_CONNECT_ATTRS) != 0 && b.isReadable()) {
                    HandshakeResponse41.readAttributes(b, attrs);
                }
            }
            return new ChangeUser(user, auth, db, charset, plugin, attrs);
        }

        /**
         * @param alloc the allocator
         * @param capabilities the capabilities negotiated with the server it goes to
         * @return the payload
         */
        public ByteBuf toPayload(ByteBufAllocator alloc, long capabilities) {
            ByteBuf out = command(alloc, MySqlCommand.COM_CHANGE_USER, 64);
            Wire.writeNulString(out, user);
            if (authResponse.length > 255) {
                throw new IllegalArgumentException("auth response above 255 bytes");
            }
            out.writeByte(authResponse.length).writeBytes(authResponse);
            Wire.writeNulString(out, database == null ? "" : database);
            out.writeShortLE(charset);
            if ((capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH) != 0) {
                Wire.writeNulString(out, authPluginName == null ? "" : authPluginName);
            }
            if ((capabilities & MySqlCapabilities.CLIENT_CONNECT_ATTRS) != 0) {
                HandshakeResponse41.writeAttributes(out, connectAttributes);
            }
            return out;
        }
    }
}
