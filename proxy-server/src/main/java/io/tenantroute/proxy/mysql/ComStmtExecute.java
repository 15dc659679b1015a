package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A parsed COM_STMT_EXECUTE (MySQL Source Code Documentation, "COM_STMT_EXECUTE" and "Binary Protocol Value";
 * MariaDB "COM_STMT_EXECUTE"): 0x17, statement id (4), flags (1: cursor type), iteration count (4), and when the
 * statement has parameters: the NULL bitmap ((n + 7) / 8 bytes), the new-params-bound flag (1), the parameter
 * types (2 bytes each) when that flag is 1, and the values of the non-NULL parameters. The parameter count
 * comes from the statement's COM_STMT_PREPARE_OK and the types, when the flag is 0, from an earlier execute —
 * the caller supplies both. CLIENT_QUERY_ATTRIBUTES is never negotiated, so the MySQL 8.0.23+ parameter count
 * field never appears. MariaDB's statement id {@link #LAST_PREPARED} (-1: "the statement just prepared") is
 * reported as it is; the session maps it.
 *
 * <p>This object is a <em>view</em>: it keeps a non-retained duplicate of the payload and is valid only while
 * the caller holds the payload. Not thread-safe.
 */
public final class ComStmtExecute {
    /** MariaDB: execute the statement most recently prepared on this connection. */
    public static final long LAST_PREPARED = 0xFFFF_FFFFL;
    /** Flag values (cursor types). */
    public static final int CURSOR_TYPE_NO_CURSOR = 0;
    public static final int CURSOR_TYPE_READ_ONLY = 1;
    public static final int CURSOR_TYPE_FOR_UPDATE = 2;
    public static final int CURSOR_TYPE_SCROLLABLE = 4;

    private static final int HEADER = 10; // command, statement id, flags, iteration count

    private final ByteBuf payload;
    private final long statementId;
    private final int flags;
    private final long iterationCount;
    private final int paramCount;
    private final byte[] nullBitmap;
    private final boolean newParamsBound;
    private final int[] paramTypes;
    private final int[] valueOffsets; // absolute indexes in payload; -1 for NULL or long data
    private final int valuesStart;     // absolute index where values start
    private final int typesStart;      // absolute index of the types (when bound), or -1

    private ComStmtExecute(ByteBuf payload, long statementId, int flags, long iterationCount, int paramCount,
            byte[] nullBitmap, boolean newParamsBound, int[] paramTypes, int[] valueOffsets, int valuesStart,
            int typesStart) {
        this.payload = payload;
        this.statementId = statementId;
        this.flags = flags;
        this.iterationCount = iterationCount;
        this.paramCount = paramCount;
        this.nullBitmap = nullBitmap;
        this.newParamsBound = newParamsBound;
        this.paramTypes = paramTypes;
        this.valueOffsets = valueOffsets;
        this.valuesStart = valuesStart;
        this.typesStart = typesStart;
    }

    /**
     * Parses an execute without long data: {@link #parse(ByteBuf, int, int[], BitSet)} with no long-data parameters.
     *
     * @param payload the packet (not consumed, not retained)
     * @param paramCount the statement's parameter count
     * @param knownTypes the types bound by an earlier execute, or null
     * @return the view
     * @throws MySqlProtocolException when the packet is not COM_STMT_EXECUTE or is truncated
     */
    public static ComStmtExecute parse(ByteBuf payload, int paramCount, int[] knownTypes) {
        return parse(payload, paramCount, knownTypes, new BitSet());
    }

    /**
     * @param payload the packet (not consumed, not retained)
     * @param paramCount the statement's parameter count (from COM_STMT_PREPARE_OK)
     * @param knownTypes the types bound by an earlier execute of this statement ({@code type | flags << 8}),
     *     used when this one has new-params-bound 0; null when none is known (then the values cannot be located
     *     and {@link #value} throws)
     * @param longData the parameters sent with COM_STMT_SEND_LONG_DATA since the last execute or reset: their
     *     values are not in the packet
     * @return the view
     * @throws MySqlProtocolException (1047, 08S01) when the packet is not COM_STMT_EXECUTE or is truncated
     */
    public static ComStmtExecute parse(ByteBuf payload, int paramCount, int[] knownTypes, BitSet longData) {
        if (MySqlCommand.of(payload) != MySqlCommand.COM_STMT_EXECUTE) {
            throw Wire.malformed("not a COM_STMT_EXECUTE packet");
        }
        if (paramCount < 0 || paramCount > 65535) {
            throw new IllegalArgumentException("paramCount must be 0–65535, was " + paramCount);
        }
        ByteBuf b = payload.duplicate();
        b.skipBytes(1);
        long id = Wire.readU32(b, "statement id");
        int flags = Wire.readU8(b, "flags");
        long iterations = Wire.readU32(b, "iteration count");
        byte[] bitmap = new byte[0];
        boolean bound = false;
        int[] types = knownTypes == null ? null : knownTypes.clone();
        int typesStart = -1;
        int[] offsets = new int[paramCount];
        Arrays.fill(offsets, -1);
        if (paramCount > 0) {
            bitmap = Wire.readBytes(b, (paramCount + 7) / 8, "NULL bitmap");
            bound = Wire.readU8(b, "new-params-bound flag") == 1;
            if (bound) {
                typesStart = b.readerIndex();
                Wire.need(b, 2 * paramCount, "parameter types");
                types = new int[paramCount];
                for (int i = 0; i < paramCount; i++) {
                    types[i] = b.readUnsignedShortLE();
                }
            }
            if (types != null && types.length != paramCount) {
                throw new IllegalArgumentException("knownTypes has " + types.length + " types for " + paramCount + " parameters");
            }
        }
        int valuesStart = b.readerIndex();
        if (types != null) {
            for (int i = 0; i < paramCount; i++) {
                if ((bitmap[i >> 3] & (1 << (i & 7))) != 0 || longData.get(i)) {
                    continue;
                }
                offsets[i] = b.readerIndex();
                skipValue(b, MySqlTypes.type(types[i]), i);
            }
        }
        return new ComStmtExecute(payload.duplicate(), id, flags, iterations, paramCount, bitmap, bound, types,
                offsets, valuesStart, typesStart);
    }

    private static void skipValue(ByteBuf b, int type, int i) {
        int fixed = MySqlTypes.fixedBinarySize(type);
        String what = "parameter " + i + " value";
        if (fixed >= 0) {
            Wire.need(b, fixed, what);
            b.skipBytes(fixed);
        } else if (MySqlTypes.temporal(type)) {
            int len = Wire.readU8(b, what);
            Wire.need(b, len, what);
            b.skipBytes(len);
        } else {
            long len = Wire.readLenencInt(b, what);
            if (len < 0 || len > b.readableBytes()) {
                throw Wire.malformed(what + " declares " + len + " bytes, " + b.readableBytes() + " left");
            }
            b.skipBytes((int) len);
        }
    }

    /** @return the statement id, unsigned; {@link #LAST_PREPARED} for MariaDB's "last prepared" */
    public long statementId() {
        return statementId;
    }

    /** @return the flags byte (cursor type) */
    public int flags() {
        return flags;
    }

    /** @return whether the execute opens a cursor (rows then come with COM_STMT_FETCH) */
    public boolean opensCursor() {
        return (flags & (CURSOR_TYPE_READ_ONLY | CURSOR_TYPE_FOR_UPDATE | CURSOR_TYPE_SCROLLABLE)) != 0;
    }

    /** @return the iteration count (always 1 from real clients) */
    public long iterationCount() {
        return iterationCount;
    }

    /** @return the parameter count it was parsed with */
    public int paramCount() {
        return paramCount;
    }

    /** @return whether the packet carries the parameter types (new-params-bound flag 1) */
    public boolean newParamsBound() {
        return newParamsBound;
    }

    /** @return the parameter types in effect ({@code type | flags << 8}), from the packet or the known ones; null when unknown */
    public int[] paramTypes() {
        return paramTypes == null ? null : paramTypes.clone();
    }

    /** @return whether parameter {@code i} is NULL (by the bitmap) */
    public boolean isNull(int i) {
        checkIndex(i);
        return (nullBitmap[i >> 3] & (1 << (i & 7))) != 0;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= paramCount) {
            throw new IndexOutOfBoundsException("parameter " + i + " of " + paramCount);
        }
    }

    /**
     * Decodes parameter {@code i} to a Java value, for tenant inference: TINY/SHORT/YEAR/INT24/LONG/LONGLONG as
     * {@link Long} (unsigned ones as {@code Long}, or {@link BigInteger} for an unsigned LONGLONG above
     * {@code Long.MAX_VALUE}), DOUBLE as {@link Double}, FLOAT as {@link Float}, DECIMAL/NEWDECIMAL as
     * {@link BigDecimal}, VARCHAR/VAR_STRING/STRING/ENUM/SET/JSON/the BLOB types as text in {@code charset},
     * DATE as {@link LocalDate}, DATETIME/TIMESTAMP as {@link LocalDateTime}, TIME as {@link Duration}, BIT and
     * GEOMETRY as {@code byte[]}; NULL as null.
     *
     * @param i the 0-based parameter index
     * @param charset the charset of text values (the client's; UTF-8 for utf8mb4)
     * @return the value, or null for NULL
     * @throws IllegalStateException when the types are unknown or the value came as long data
     * @throws MySqlProtocolException when the value's bytes are malformed
     */
    public Object value(int i, Charset charset) {
        checkIndex(i);
        if (isNull(i)) {
            return null;
        }
        if (paramTypes == null) {
            throw new IllegalStateException("parameter types unknown: the execute did not bind them and none were known");
        }
        if (valueOffsets[i] < 0) {
            throw new IllegalStateException("parameter " + i + " was sent as long data");
        }
        ByteBuf b = payload.duplicate().readerIndex(valueOffsets[i]);
        int type = MySqlTypes.type(paramTypes[i]);
        boolean unsigned = MySqlTypes.unsigned(paramTypes[i]);
        switch (type) {
            case MySqlTypes.MYSQL_TYPE_TINY:
                return unsigned ? (long) b.readUnsignedByte() : (long) b.readByte();
            case MySqlTypes.MYSQL_TYPE_SHORT:
            case MySqlTypes.MYSQL_TYPE_YEAR:
                return unsigned ? (long) b.readUnsignedShortLE() : (long) b.readShortLE();
            case MySqlTypes.MYSQL_TYPE_LONG:
            case MySqlTypes.MYSQL_TYPE_INT24:
                return unsigned ? b.readUnsignedIntLE() : (long) b.readIntLE();
            case MySqlTypes.MYSQL_TYPE_LONGLONG: {
                long v = b.readLongLE();
                if (unsigned && v < 0) {
                    return new BigInteger(Long.toUnsignedString(v));
                }
                return v;
            }
            case MySqlTypes.MYSQL_TYPE_DOUBLE:
                return b.readDoubleLE();
            case MySqlTypes.MYSQL_TYPE_FLOAT:
                return b.readFloatLE();
            case MySqlTypes.MYSQL_TYPE_DECIMAL:
            case MySqlTypes.MYSQL_TYPE_NEWDECIMAL: {
                String s = Wire.readLenencString(b, StandardCharsets.US_ASCII, "decimal");
                try {
                    return new BigDecimal(s.trim());
                } catch (NumberFormatException e) {
                    throw Wire.malformed("parameter " + i + " is not a decimal");
                }
            }
            case MySqlTypes.MYSQL_TYPE_DATE:
            case MySqlTypes.MYSQL_TYPE_NEWDATE:
            case MySqlTypes.MYSQL_TYPE_DATETIME:
            case MySqlTypes.MYSQL_TYPE_TIMESTAMP:
            case MySqlTypes.MYSQL_TYPE_DATETIME2:
            case MySqlTypes.MYSQL_TYPE_TIMESTAMP2:
                return dateTime(b, type, i);
            case MySqlTypes.MYSQL_TYPE_TIME:
            case MySqlTypes.MYSQL_TYPE_TIME2:
                return time(b, i);
            case MySqlTypes.MYSQL_TYPE_BIT:
            case MySqlTypes.MYSQL_TYPE_GEOMETRY:
                return Wire.readLenencBytes(b, "parameter " + i);
            default:
                return Wire.readLenencString(b, charset, "parameter " + i);
        }
    }

    /** {@link #value(int, Charset)} with UTF-8 text. */
    public Object value(int i) {
        return value(i, StandardCharsets.UTF_8);
    }

    private static Object dateTime(ByteBuf b, int type, int i) {
        int len = b.readUnsignedByte();
        if (len == 0) {
            return type == MySqlTypes.MYSQL_TYPE_DATE ? LocalDate.of(0, 1, 1) : LocalDateTime.of(0, 1, 1, 0, 0);
        }
        if (len != 4 && len != 7 && len != 11) {
            throw Wire.malformed("parameter " + i + " has a date of " + len + " bytes");
        }
        int year = b.readUnsignedShortLE();
        int month = b.readUnsignedByte();
        int day = b.readUnsignedByte();
        int h = 0, m = 0, s = 0, micros = 0;
        if (len >= 7) {
            h = b.readUnsignedByte();
            m = b.readUnsignedByte();
            s = b.readUnsignedByte();
        }
        if (len == 11) {
            micros = (int) b.readUnsignedIntLE();
        }
        try {
            if (type == MySqlTypes.MYSQL_TYPE_DATE || type == MySqlTypes.MYSQL_TYPE_NEWDATE) {
                return LocalDate.of(year, month, day);
            }
            return LocalDateTime.of(year, month, day, h, m, s, micros * 1000);
        } catch (java.time.DateTimeException e) {
            throw Wire.malformed("parameter " + i + " is not a valid date: " + e.getMessage());
        }
    }

    private static Object time(ByteBuf b, int i) {
        int len = b.readUnsignedByte();
        if (len == 0) {
            return Duration.ZERO;
        }
        if (len != 8 && len != 12) {
            throw Wire.malformed("parameter " + i + " has a time of " + len + " bytes");
        }
        boolean negative = b.readUnsignedByte() == 1;
        long days = b.readUnsignedIntLE();
        Duration d = Duration.ofDays(days).plusHours(b.readUnsignedByte()).plusMinutes(b.readUnsignedByte())
                .plusSeconds(b.readUnsignedByte());
        if (len == 12) {
            d = d.plusNanos(b.readUnsignedIntLE() * 1000L);
        }
        return negative ? d.negated() : d;
    }

    /**
     * The same execute for another statement id: a new 5-byte head, the rest a retained slice (no copy of the
     * values). The payload is not released.
     *
     * @param alloc the allocator
     * @param newStatementId the id on the target server connection
     * @return the new payload; the caller owns it
     */
    public ByteBuf withStatementId(ByteBufAllocator alloc, long newStatementId) {
        return MySqlCommands.withStatementId(alloc, payload, newStatementId);
    }

    /**
     * The same execute for another statement id, with the parameter types bound (new-params-bound 1): what a
     * server connection that never saw this statement's types needs when the client's execute relies on types
     * it bound earlier on another connection. An execute that already binds types, or has no parameters, is
     * only re-numbered. The values are a retained slice.
     *
     * @param alloc the allocator
     * @param newStatementId the id on the target server connection
     * @param types the types to bind ({@code type | flags << 8}), one per parameter
     * @return the new payload; the caller owns it
     * @throws IllegalArgumentException when {@code types} has the wrong length
     */
    public ByteBuf withParamTypes(ByteBufAllocator alloc, long newStatementId, int[] types) {
        if (paramCount == 0 || newParamsBound) {
            return withStatementId(alloc, newStatementId);
        }
        if (types.length != paramCount) {
            throw new IllegalArgumentException("types has " + types.length + " entries for " + paramCount + " parameters");
        }
        int headLength = HEADER + nullBitmap.length + 1 + 2 * paramCount;
        ByteBuf head = alloc.buffer(headLength);
        head.writeByte(MySqlCommand.COM_STMT_EXECUTE.code()).writeIntLE((int) newStatementId).writeByte(flags)
                .writeIntLE((int) iterationCount).writeBytes(nullBitmap).writeByte(1);
        for (int t : types) {
            head.writeShortLE(t);
        }
        int rest = payload.writerIndex() - valuesStart;
        if (rest == 0) {
            return head;
        }
        CompositeByteBuf c = alloc.compositeBuffer(2);
        c.addComponents(true, head, payload.retainedSlice(valuesStart, rest));
        return c;
    }

    /**
     * Writes a COM_STMT_EXECUTE with new-params-bound 1. Values: null, {@link Long}/{@link Integer}/
     * {@link Short}/{@link Byte} (LONGLONG), {@link Double} (DOUBLE), {@link Float} (FLOAT), {@link BigDecimal}
     * (NEWDECIMAL), {@code byte[]} (BLOB), anything else as its {@code toString()} in UTF-8 (VAR_STRING).
     *
     * @param alloc the allocator
     * @param statementId the statement id
     * @param flags the flags byte (cursor type)
     * @param values the parameter values
     * @return the payload; the caller owns it
     */
    public static ByteBuf write(ByteBufAllocator alloc, long statementId, int flags, Object... values) {
        ByteBuf out = alloc.buffer(HEADER + 16 * values.length);
        out.writeByte(MySqlCommand.COM_STMT_EXECUTE.code()).writeIntLE((int) statementId).writeByte(flags).writeIntLE(1);
        if (values.length == 0) {
            return out;
        }
        byte[] bitmap = new byte[(values.length + 7) / 8];
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                bitmap[i >> 3] |= (byte) (1 << (i & 7));
            }
        }
        out.writeBytes(bitmap).writeByte(1);
        for (Object v : values) {
            out.writeShortLE(typeOf(v));
        }
        for (Object v : values) {
            if (v == null) {
                continue;
            }
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                out.writeLongLE(((Number) v).longValue());
            } else if (v instanceof Double d) {
                out.writeDoubleLE(d);
            } else if (v instanceof Float f) {
                out.writeFloatLE(f);
            } else if (v instanceof BigDecimal d) {
                Wire.writeLenencString(out, d.toPlainString());
            } else if (v instanceof byte[] bytes) {
                Wire.writeLenencBytes(out, bytes);
            } else {
                Wire.writeLenencString(out, v.toString());
            }
        }
        return out;
    }

    private static int typeOf(Object v) {
        if (v == null) {
            return MySqlTypes.MYSQL_TYPE_NULL;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return MySqlTypes.MYSQL_TYPE_LONGLONG;
        }
        if (v instanceof Double) {
            return MySqlTypes.MYSQL_TYPE_DOUBLE;
        }
        if (v instanceof Float) {
            return MySqlTypes.MYSQL_TYPE_FLOAT;
        }
        if (v instanceof BigDecimal) {
            return MySqlTypes.MYSQL_TYPE_NEWDECIMAL;
        }
        if (v instanceof byte[]) {
            return MySqlTypes.MYSQL_TYPE_BLOB;
        }
        return MySqlTypes.MYSQL_TYPE_VAR_STRING;
    }
}
