package io.tenantroute.routing.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A value that names a tenant — a SQL literal, a JDBC bound value, a PostgreSQL Bind value, a MySQL COM_STMT_EXECUTE
 * value — as the tenant id it names. Numbers name the tenant written as their canonical decimal text, whatever type
 * carried them: {@code 3}, {@code 3L}, {@code 3.0} (a double, as mysql2 sends every JavaScript number), {@code 3.00}
 * (a DECIMAL) and the string {@code '3'} all name tenant {@code 3}; {@code 2.5} names {@code 2.5}. Strings are taken as
 * they are (no trimming: a tenant id is data). Pure functions; thread-safe.
 */
public final class TenantValues {
    private TenantValues() {
    }

    /**
     * @param value a non-null value: a {@link CharSequence}, a {@link Number}, a {@code byte[]} (UTF-8 text), or
     *     anything else (its {@code toString()})
     * @return the tenant id it names (not validated here: see {@link io.tenantroute.config.TenantIds})
     */
    public static String asTenant(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            return canonical((BigDecimal) value);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return value.toString();
            }
            // Float's own decimal text, so that 0.1f names 0.1, not 0.100000001490116
            return canonical(new BigDecimal(value instanceof Float ? Float.toString((Float) value) : Double.toString(d)));
        }
        if (value instanceof byte[]) {
            return new String((byte[]) value, StandardCharsets.UTF_8);
        }
        return value.toString();
    }

    /**
     * @param numericLiteral the text of a SQL numeric literal, e.g. {@code 3}, {@code 3.0}, {@code -7}, {@code 1e3}
     * @return the tenant it names ({@code 3}, {@code 3}, {@code -7}, {@code 1000}); the text unchanged when it is not a number
     */
    public static String ofNumericLiteral(String numericLiteral) {
        try {
            return canonical(new BigDecimal(numericLiteral));
        } catch (NumberFormatException e) {
            return numericLiteral;
        }
    }

    private static String canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }
}
