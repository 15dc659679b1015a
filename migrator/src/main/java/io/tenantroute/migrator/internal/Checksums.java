package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Order-independent checksum of a tenant's rows in one table: each row is encoded canonically (column values
 * as text by Java type: numbers without trailing zeros, booleans 1/0, bytes as hex, timestamps as ISO local
 * date-time, NULL as a marker, fields length-prefixed), hashed with SHA-256, and the first 16 bytes of the
 * hashes are summed modulo 2^128 (a sum, not XOR, so duplicate rows count). Streams rows; memory is constant
 * except when listing mismatches.
 */
public final class Checksums {
    /** Test aid: {@code -Dtenantroute.verify.debug=true} puts the canonical rows into mismatch lines (tenant data!). */
    private static final boolean DEBUG = Boolean.getBoolean("tenantroute.verify.debug");

    private Checksums() {
    }

    /** Count and checksum; {@code perKey} (nullable) receives key → row hash for mismatch listing. */
    public record Result(long rows, String checksum) {
    }

    public static Result compute(Dialect e, Connection c, String schema, TableJob job, String tenant, Map<String, String> perKey)
            throws SQLException {
        String sql = "SELECT " + job.selectList(e, false) + job.own().fromWhereTenant(e, schema);
        List<String> cols = job.columns();
        List<Integer> keyIdx = new ArrayList<>();
        for (String k : job.def().keyColumns()) {
            keyIdx.add(cols.indexOf(k));
        }
        Sum sum = new Sum();
        MessageDigest md = sha256();
        String[] vals = new String[cols.size()];
        stream(e, c, sql, tenant, r -> {
            String row = encode(r, vals);
            long[] h = rowHash(md, row);
            sum.add(h);
            if (perKey != null) {
                StringBuilder k = new StringBuilder("[");
                for (int i = 0; i < keyIdx.size(); i++) {
                    k.append(i > 0 ? ", " : "").append(keyIdx.get(i) < 0 ? "?" : vals[keyIdx.get(i)]);
                }
                perKey.put(k.append(']').toString(), Sum.hex(h[0], h[1]) + (DEBUG ? " " + row : ""));
            }
        });
        return new Result(sum.rows(), sum.hex());
    }

    /** Takes one row of a streamed read (the result set positioned on it). */
    @FunctionalInterface
    interface RowReader {
        void row(ResultSet r) throws SQLException;
    }

    /**
     * Streams the rows of a query in a short transaction of its own (pgjdbc streams with a fetch size only inside a
     * transaction; Connector/J with {@code Integer.MIN_VALUE}), then restores the connection's autocommit. What
     * verification, the cutover's baseline and reference-table checksums read this way stays off the heap.
     *
     * @param tenant bound as the query's only parameter, or null when it has none
     */
    static void stream(Dialect e, Connection c, String sql, String tenant, RowReader each) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            p.setFetchSize(e == Dialect.POSTGRESQL ? 2000 : Integer.MIN_VALUE);
            if (tenant != null) {
                p.setString(1, tenant);
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    each.row(r);
                }
            }
            c.commit();
        } finally {
            Copier.safeRollback(c);
            c.setAutoCommit(auto);
        }
    }

    /** @return a SHA-256 digest (one per thread: digests are not thread-safe) */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The canonical encoding of the current row's first {@code vals.length} columns: each value by
     * {@link #canonical}, length-prefixed, NULL as {@code N}, {@code |}-separated. Fills {@code vals}.
     */
    static String encode(ResultSet r, String[] vals) throws SQLException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < vals.length; i++) {
            vals[i] = canonical(r.getObject(i + 1));
            b.append(vals[i] == null ? "N" : vals[i].length() + ":" + vals[i]).append('|');
        }
        return b.toString();
    }

    /** @return the row's hash: the first 16 bytes of SHA-256 of its encoding, as {high, low} 64-bit halves */
    static long[] rowHash(MessageDigest md, String encoded) {
        byte[] h = md.digest(encoded.getBytes(StandardCharsets.UTF_8));
        return new long[] {ByteBuffer.wrap(h, 0, 8).getLong(), ByteBuffer.wrap(h, 8, 8).getLong()};
    }

    /**
     * An order-independent table checksum: the sum of row hashes modulo 2^128 (a sum, not XOR, so duplicate rows
     * count; rows can be taken out again with {@link #subtract}). Rows given as the JDBC values {@link #compute}
     * reads ({@code ResultSet.getObject}, columns in table order) are encoded the same way, so the rows
     * {@code compute} would read give the same {@link Result}: used where rows are streamed for another purpose
     * (an archive) inside a transaction that {@code compute} must not commit. Not thread-safe.
     */
    public static final class Sum {
        private long hi;
        private long lo;
        private long rows;
        private MessageDigest md;

        public Sum() {
        }

        /** Adds one row: its column values as {@code ResultSet.getObject} returned them. */
        public void add(Object[] values) {
            StringBuilder b = new StringBuilder();
            for (Object v : values) {
                String c = canonical(v);
                b.append(c == null ? "N" : c.length() + ":" + c).append('|');
            }
            if (md == null) {
                md = sha256();
            }
            add(rowHash(md, b.toString()));
        }

        /** @return rows added and their checksum (32 hex digits) */
        public Result result() {
            return new Result(rows, hex());
        }

        void add(long[] h) {
            long l = lo + h[1];
            hi += h[0] + (Long.compareUnsigned(l, lo) < 0 ? 1 : 0);
            lo = l;
            rows++;
        }

        void subtract(long[] h) {
            long l = lo - h[1];
            hi -= h[0] + (Long.compareUnsigned(lo, h[1]) < 0 ? 1 : 0);
            lo = l;
            rows--;
        }

        long rows() {
            return rows;
        }

        /** @return 32 lower-case hex digits */
        String hex() {
            return hex(hi, lo);
        }

        static String hex(long hi, long lo) {
            return String.format("%016x%016x", hi, lo);
        }
    }

    /** @return mismatch lines (first {@code limit}) between two key → hash maps */
    public static List<String> diff(Map<String, String> src, Map<String, String> tgt, int limit) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> en : src.entrySet()) {
            if (out.size() >= limit) {
                return out;
            }
            String t = tgt.get(en.getKey());
            if (t == null) {
                out.add("key=" + en.getKey() + " missing on target");
            } else if (!t.equals(en.getValue())) {
                out.add("key=" + en.getKey() + " differs" + (DEBUG ? ": " + en.getValue() + " vs " + t : ""));
            }
        }
        for (String k : tgt.keySet()) {
            if (out.size() >= limit) {
                return out;
            }
            if (!src.containsKey(k)) {
                out.add("key=" + k + " extra on target");
            }
        }
        return out;
    }

    /** @return new map for {@link #compute} mismatch collection */
    public static Map<String, String> newKeyMap() {
        return new HashMap<>();
    }

    static String canonical(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal) {
            BigDecimal d = ((BigDecimal) v).stripTrailingZeros();
            return d.signum() == 0 ? "0" : d.toPlainString();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Float || v instanceof Double) {
            return Double.toString(((Number) v).doubleValue());
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? "1" : "0";
        }
        if (v instanceof byte[]) {
            StringBuilder b = new StringBuilder("x");
            for (byte x : (byte[]) v) {
                b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            }
            return b.toString();
        }
        if (v instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) v).toLocalDateTime().toString();
        }
        if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate().toString();
        }
        if (v instanceof java.sql.Time) {
            return ((java.sql.Time) v).toLocalTime().toString();
        }
        if (v instanceof java.time.OffsetDateTime) {
            return ((java.time.OffsetDateTime) v).toInstant().toString();
        }
        return v.toString();
    }
}
