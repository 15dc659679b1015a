package io.tenantroute.migrator.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
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

    public static Result compute(Engine e, Connection c, String schema, TableJob job, String tenant, Map<String, String> perKey)
            throws SQLException {
        String sql = "SELECT " + job.selectList(e, false) + job.own().fromWhere(e, schema, job.own().tenantParam(e));
        List<String> cols = job.columns();
        List<Integer> keyIdx = new ArrayList<>();
        for (String k : job.def().keyColumns()) {
            keyIdx.add(cols.indexOf(k));
        }
        BigInteger sum = BigInteger.ZERO;
        BigInteger mod = BigInteger.ONE.shiftLeft(128);
        long rows = 0;
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // pgjdbc streams with a fetch size only inside a transaction
        try (PreparedStatement p = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            p.setFetchSize(e == Engine.POSTGRESQL ? 2000 : Integer.MIN_VALUE);
            p.setString(1, tenant);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    StringBuilder b = new StringBuilder();
                    String[] vals = new String[cols.size()];
                    for (int i = 0; i < vals.length; i++) {
                        vals[i] = canonical(r.getObject(i + 1));
                        b.append(vals[i] == null ? "N" : vals[i].length() + ":" + vals[i]).append('|');
                    }
                    byte[] h = md.digest(b.toString().getBytes(StandardCharsets.UTF_8));
                    byte[] first = new byte[17];
                    System.arraycopy(h, 0, first, 1, 16);
                    sum = sum.add(new BigInteger(first)).mod(mod);
                    rows++;
                    if (perKey != null) {
                        StringBuilder k = new StringBuilder("[");
                        for (int i = 0; i < keyIdx.size(); i++) {
                            k.append(i > 0 ? ", " : "").append(keyIdx.get(i) < 0 ? "?" : vals[keyIdx.get(i)]);
                        }
                        perKey.put(k.append(']').toString(), new BigInteger(first).toString(16) + (DEBUG ? " " + b : ""));
                    }
                }
            }
            c.commit();
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        } finally {
            Copier.safeRollback(c);
            c.setAutoCommit(auto);
        }
        String hex = sum.toString(16);
        return new Result(rows, "0".repeat(Math.max(0, 32 - hex.length())) + hex);
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
    /**
     * Accumulates the checksum of rows given as the JDBC values {@link #compute} reads ({@code ResultSet.getObject},
     * columns in table order), in the same canonical encoding: the rows {@code compute} would read give the same
     * {@link Result}. Used where the rows are streamed for another purpose (an archive) inside a transaction that
     * {@code compute} must not commit. Not thread-safe.
     */
    public static final class Sum {
        private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);
        private final MessageDigest md;
        private BigInteger sum = BigInteger.ZERO;
        private long rows;

        public Sum() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }

        /** Adds one row: its column values as {@code ResultSet.getObject} returned them. */
        public void add(Object[] values) {
            StringBuilder b = new StringBuilder();
            for (Object v : values) {
                String c = canonical(v);
                b.append(c == null ? "N" : c.length() + ":" + c).append('|');
            }
            byte[] h = md.digest(b.toString().getBytes(StandardCharsets.UTF_8));
            byte[] first = new byte[17];
            System.arraycopy(h, 0, first, 1, 16);
            sum = sum.add(new BigInteger(first)).mod(MOD);
            rows++;
        }

        /** @return rows added and their checksum (32 hex digits) */
        public Result result() {
            String hex = sum.toString(16);
            return new Result(rows, "0".repeat(Math.max(0, 32 - hex.length())) + hex);
        }
    }
}
