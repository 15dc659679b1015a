package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Protocol::ColumnDefinition41 (MySQL Source Code Documentation, "Column Definition"; MariaDB "Result Set
 * Packets", column definition packet): catalog ("def"), schema, table, original table, name, original name
 * (length-encoded strings), the length of the fixed fields (0x0C), collation (2), column length (4), type (1),
 * flags (2), decimals (1), 2 filler bytes; after COM_FIELD_LIST a length-encoded default value may follow
 * (ignored here). MariaDB's extended metadata is never negotiated. Immutable.
 *
 * @param schema the schema
 * @param table the table alias
 * @param orgTable the original table
 * @param name the column alias
 * @param orgName the original column name
 * @param charset the collation id
 * @param columnLength the maximum display length
 * @param type the {@link MySqlTypes} type byte
 * @param flags the column flags (NOT_NULL 1, PRI_KEY 2, … UNSIGNED 32, BINARY 128)
 * @param decimals the number of decimals
 */
public record ColumnDefinition(String schema, String table, String orgTable, String name, String orgName,
        int charset, long columnLength, int type, int flags, int decimals) {
    /**
     * A computed column (no table), as {@code SELECT 1 AS name} yields.
     *
     * @param name the column name
     * @param type the type byte
     * @param charset the collation id
     * @return the definition
     */
    public static ColumnDefinition of(String name, int type, int charset) {
        return new ColumnDefinition("", "", "", name, "", charset, 255, type, 0, 0);
    }

    /**
     * @param payload a column definition packet (not consumed)
     * @return the definition
     * @throws MySqlProtocolException when it is malformed
     */
    public static ColumnDefinition parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        String catalog = Wire.readLenencString(b, StandardCharsets.UTF_8, "catalog");
        if (!"def".equals(catalog)) {
            throw Wire.malformed("column definition catalog is '" + catalog + "', not 'def'");
        }
        String schema = Wire.readLenencString(b, StandardCharsets.UTF_8, "schema");
        String table = Wire.readLenencString(b, StandardCharsets.UTF_8, "table");
        String orgTable = Wire.readLenencString(b, StandardCharsets.UTF_8, "org_table");
        String name = Wire.readLenencString(b, StandardCharsets.UTF_8, "name");
        String orgName = Wire.readLenencString(b, StandardCharsets.UTF_8, "org_name");
        long fixed = Wire.readLenencInt(b, "fixed fields length");
        if (fixed < 0x0C) {
            throw Wire.malformed("column definition fixed fields length " + fixed);
        }
        Wire.need(b, 10, "column definition fixed fields");
        int charset = b.readUnsignedShortLE();
        long length = b.readUnsignedIntLE();
        int type = b.readUnsignedByte();
        int flags = b.readUnsignedShortLE();
        int decimals = b.readUnsignedByte();
        return new ColumnDefinition(schema, table, orgTable, name, orgName, charset, length, type, flags, decimals);
    }

    /**
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(32 + name.length() * 2 + table.length() * 2);
        Wire.writeLenencString(out, "def");
        Wire.writeLenencString(out, schema);
        Wire.writeLenencString(out, table);
        Wire.writeLenencString(out, orgTable);
        Wire.writeLenencString(out, name);
        Wire.writeLenencString(out, orgName);
        out.writeByte(0x0C).writeShortLE(charset).writeIntLE((int) columnLength).writeByte(type).writeShortLE(flags)
                .writeByte(decimals).writeZero(2);
        return out;
    }

    /**
     * A text-protocol row ("Text Resultset Row"): each value a length-encoded string, NULL as 0xFB.
     *
     * @param alloc the allocator
     * @param values the values (null for NULL), as text
     * @return the payload; the caller owns it
     */
    public static ByteBuf textRow(ByteBufAllocator alloc, String... values) {
        ByteBuf out = alloc.buffer(16 * values.length);
        for (String v : values) {
            if (v == null) {
                out.writeByte(Wire.LENENC_NULL);
            } else {
                Wire.writeLenencString(out, v);
            }
        }
        return out;
    }

    /**
     * Reads a text-protocol row.
     *
     * @param payload the row (not consumed)
     * @param columns the column count
     * @return the values as UTF-8 text, null for NULL
     * @throws MySqlProtocolException when it is malformed
     */
    public static String[] parseTextRow(ByteBuf payload, int columns) {
        ByteBuf b = payload.duplicate();
        String[] out = new String[columns];
        for (int i = 0; i < columns; i++) {
            out[i] = Wire.readLenencString(b, StandardCharsets.UTF_8, "column " + i);
        }
        if (b.isReadable()) {
            throw Wire.malformed("text row has " + b.readableBytes() + " bytes after " + columns + " columns");
        }
        return out;
    }
}
