package io.tenantroute.routing.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Bound values as the wire carries them, decoded to the Java values {@link TenantValues} reads — for the wire proxy,
 * whose statements arrive as bytes where the driver's arrive as JDBC setter calls. Only the types a tenant id can be
 * are decoded; anything else is null (it names no tenant). Pure functions; thread-safe.
 */
public final class WireValues {
    /** PostgreSQL type OIDs (the manual's {@code pg_type} catalog, {@code src/include/catalog/pg_type.dat}). */
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int OID = 26;
    private static final int NAME = 19;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int UNKNOWN = 705;
    private static final int BPCHAR = 1042;
    private static final int VARCHAR = 1043;
    private static final int NUMERIC = 1700;
    private static final int UUID_OID = 2950;

    private WireValues() {
    }

    /**
     * A PostgreSQL Bind parameter value (frontend/backend protocol 3.0, "Bind" in "Message Formats"; the binary forms
     * are those of the types' {@code *send} functions).
     *
     * @param typeOid the parameter's type as the Parse declared it, or 0 when unspecified (the server infers it)
     * @param binary true for format code 1 (binary), false for 0 (text)
     * @param value the value's bytes (never null: a NULL parameter names no tenant and is not decoded)
     * @return a {@link String}, {@link Long}, {@link Double}, {@link BigDecimal} or UUID text; null when the type cannot
     *     carry a tenant id or the bytes are not a value of it
     */
    public static Object pg(int typeOid, boolean binary, byte[] value) {
        if (!binary) {
            String s = new String(value, StandardCharsets.UTF_8);
            switch (typeOid) {
                case INT2: case INT4: case INT8: case OID: case NUMERIC: case FLOAT4: case FLOAT8:
                    try {
                        return new BigDecimal(s.trim());
                    } catch (NumberFormatException e) {
                        return s;
                    }
                default:
                    return s;
            }
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        switch (typeOid) {
            case INT2:
                return value.length == 2 ? (long) b.getShort() : null;
            case INT4:
                return value.length == 4 ? (long) b.getInt() : null;
            case OID:
                return value.length == 4 ? b.getInt() & 0xFFFF_FFFFL : null;
            case INT8:
                return value.length == 8 ? b.getLong() : null;
            case FLOAT4:
                return value.length == 4 ? (double) b.getFloat() : null;
            case FLOAT8:
                return value.length == 8 ? b.getDouble() : null;
            case NUMERIC:
                return numeric(b);
            case UUID_OID:
                return value.length == 16 ? new UUID(b.getLong(), b.getLong()).toString() : null;
            case TEXT: case VARCHAR: case BPCHAR: case NAME: case UNKNOWN:
                return new String(value, StandardCharsets.UTF_8);
            default:
                return null;
        }
    }

    /** numeric_send: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits (int16). */
    private static BigDecimal numeric(ByteBuffer b) {
        if (b.remaining() < 8) {
            return null;
        }
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xFFFF;
        b.getShort(); // dscale: display scale, not needed for the value
        if (sign != 0x0000 && sign != 0x4000 || ndigits < 0 || b.remaining() != ndigits * 2) {
            return null; // NaN, infinities, or malformed
        }
        BigInteger unscaled = BigInteger.ZERO;
        BigInteger base = BigInteger.valueOf(10_000);
        for (int i = 0; i < ndigits; i++) {
            unscaled = unscaled.multiply(base).add(BigInteger.valueOf(b.getShort()));
        }
        // the value is unscaled * 10000^(weight - ndigits + 1)
        BigDecimal v = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
        return sign == 0x4000 ? v.negate() : v;
    }
}
