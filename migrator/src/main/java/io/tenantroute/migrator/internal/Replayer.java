package io.tenantroute.migrator.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays captured changes idempotently: for each changed key it re-reads the row's current state on the
 * source (only if the tenant still owns it) and upserts it on the target, or deletes it there when gone.
 * Replaying the same change twice, or out of order, gives the same result.
 *
 * <p>Change rows are deleted on the source only after the target committed, and the change table is read
 * by "what is left", never by an id watermark (sequence values commit out of order).
 */
public final class Replayer {
    private static final int BATCH = 500;

    private final Engine e;
    private final SourceCapture capture;
    private final String srcSchema;
    private final String tgtSchema;
    private final Map<String, TableJob> jobs;
    private final String tenant;

    public Replayer(Engine e, SourceCapture capture, String srcSchema, String tgtSchema, Map<String, TableJob> jobs, String tenant) {
        this.e = e;
        this.capture = capture;
        this.srcSchema = srcSchema;
        this.tgtSchema = tgtSchema;
        this.jobs = jobs;
        this.tenant = tenant;
    }

    /** @return changes of the tenant still pending on the source */
    public long pending(Connection src) throws SQLException {
        try (PreparedStatement p = src.prepareStatement("SELECT COUNT(*) FROM " + capture.changeTable()
                + " WHERE sch = ? AND (tenant = ? OR tenant IS NULL)")) {
            p.setString(1, srcSchema);
            p.setString(2, tenant);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * Replays one round: the changes visible when the round starts (changes committed later, even with a
     * smaller id, are left for the next round). With {@code untilEmpty} it goes on until nothing is pending
     * (the final replay, when the source is fenced for the tenant).
     *
     * @return change rows consumed
     */
    public long round(Connection src, Connection tgt, boolean untilEmpty) throws SQLException {
        long total = 0;
        long upTo = Long.MAX_VALUE;
        if (!untilEmpty) {
            try (PreparedStatement p = src.prepareStatement("SELECT MAX(id) FROM " + capture.changeTable());
                 ResultSet r = p.executeQuery()) {
                r.next();
                upTo = r.getLong(1);
            }
        }
        while (true) {
            List<Long> ids = new ArrayList<>();
            Map<String, Set<String>> keys = new LinkedHashMap<>();
            try (PreparedStatement p = src.prepareStatement("SELECT id, tbl, pk FROM " + capture.changeTable()
                    + " WHERE sch = ? AND (tenant = ? OR tenant IS NULL) AND id <= ? ORDER BY id LIMIT " + BATCH)) {
                p.setString(1, srcSchema);
                p.setString(2, tenant);
                p.setLong(3, upTo);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getLong(1));
                        keys.computeIfAbsent(r.getString(2), k -> new LinkedHashSet<>()).add(r.getString(3));
                    }
                }
            }
            if (ids.isEmpty()) {
                return total;
            }
            tgt.setAutoCommit(false);
            try {
                // read every changed row first, then delete children before parents and upsert parents before
                // children (jobs are in load order): a destination that already has its foreign keys (a rollback
                // onto the old source) never sees an intermediate state that breaks one
                List<TableJob> order = new ArrayList<>();
                List<List<List<String>>> keysOf = new ArrayList<>();
                List<List<Object[]>> rowsOf = new ArrayList<>();
                for (TableJob job : jobs.values()) {
                    Set<String> changed = keys.get(job.name());
                    if (changed == null) {
                        continue; // tables outside this move are skipped
                    }
                    List<List<String>> parsed = new ArrayList<>();
                    for (String pk : changed) {
                        List<String> k = JsonArray.parse(pk);
                        if (!k.contains(null)) {
                            parsed.add(k);
                        }
                    }
                    if (!parsed.isEmpty()) {
                        order.add(job);
                        keysOf.add(parsed);
                        rowsOf.add(fetch(src, job, parsed));
                    }
                }
                for (int i = order.size() - 1; i >= 0; i--) {
                    deleteMissing(tgt, order.get(i), keysOf.get(i), rowsOf.get(i));
                }
                for (int i = 0; i < order.size(); i++) {
                    upsert(tgt, order.get(i), rowsOf.get(i));
                }
                tgt.commit();
            } catch (SQLException ex) {
                Copier.safeRollback(tgt);
                throw ex;
            } finally {
                tgt.setAutoCommit(true);
            }
            StringBuilder in = new StringBuilder();
            for (Long id : ids) {
                in.append(in.length() > 0 ? "," : "").append(id);
            }
            try (PreparedStatement p = src.prepareStatement("DELETE FROM " + capture.changeTable() + " WHERE id IN (" + in + ")")) {
                p.executeUpdate();
            }
            total += ids.size();
        }
    }

    private String keyParam(TableJob job, String col) {
        return e == Engine.POSTGRESQL ? "CAST(? AS " + job.type(col) + ")" : "?";
    }

    private String keyTuple(TableJob job, String alias) {
        List<String> k = job.def().keyColumns();
        if (k.size() == 1) {
            return alias + e.q(k.get(0));
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < k.size(); i++) {
            b.append(i > 0 ? ", " : "").append(alias).append(e.q(k.get(i)));
        }
        return b.append(')').toString();
    }

    private String keyMarks(TableJob job, int n) {
        List<String> k = job.def().keyColumns();
        StringBuilder one = new StringBuilder(k.size() > 1 ? "(" : "");
        for (int i = 0; i < k.size(); i++) {
            one.append(i > 0 ? ", " : "").append(keyParam(job, k.get(i)));
        }
        if (k.size() > 1) {
            one.append(')');
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? ", " : "").append(one);
        }
        return b.append(')').toString();
    }

    /**
     * Reads the current source rows of a set of keys of one table (owned by the tenant): one SELECT. Keys are
     * compared by the databases (bound and cast to the column types), never as Java text.
     */
    private List<Object[]> fetch(Connection src, TableJob job, List<List<String>> keys) throws SQLException {
        List<String> cols = job.columns();
        String sel = "SELECT " + job.selectList(e, e == Engine.POSTGRESQL) + job.own().fromWhere(e, srcSchema, job.own().tenantParam(e))
                + " AND " + keyTuple(job, "t0.") + " IN " + keyMarks(job, keys.size());
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement p = src.prepareStatement(sel)) {
            int n = 1;
            p.setString(n++, tenant);
            for (List<String> k : keys) {
                for (String v : k) {
                    p.setString(n++, v);
                }
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Object[] row = new Object[cols.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = job.read(e, r, i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private int[] keyIndexes(TableJob job) {
        List<String> keyCols = job.def().keyColumns();
        List<String> cols = job.columns();
        int[] keyIdx = new int[keyCols.size()];
        for (int i = 0; i < keyIdx.length; i++) {
            keyIdx[i] = cols.indexOf(keyCols.get(i));
        }
        return keyIdx;
    }

    /** One DELETE on the target for the requested keys that the source no longer has (for this tenant). */
    private void deleteMissing(Connection tgt, TableJob job, List<List<String>> keys, List<Object[]> rows) throws SQLException {
        int[] keyIdx = keyIndexes(job);
        String tbl = e.q(tgtSchema, job.name());
        // delete what the source no longer has (for this tenant)
        StringBuilder del = new StringBuilder("DELETE FROM ").append(tbl).append(" WHERE ").append(keyTuple(job, "")).append(" IN ")
                .append(keyMarks(job, keys.size()));
        if (!rows.isEmpty()) {
            del.append(" AND NOT ").append(keyTuple(job, "")).append(" IN ").append(keyMarks(job, rows.size()));
        }
        try (PreparedStatement p = tgt.prepareStatement(del.toString())) {
            int n = 1;
            for (List<String> k : keys) {
                for (String v : k) {
                    p.setString(n++, v);
                }
            }
            for (Object[] row : rows) {
                for (int i : keyIdx) {
                    p.setObject(n++, row[i]);
                }
            }
            p.executeUpdate();
        }
    }

    /** A batch of upserts on the target. */
    private void upsert(Connection tgt, TableJob job, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> keyCols = job.def().keyColumns();
        List<String> cols = job.columns();
        String tbl = e.q(tgtSchema, job.name());
        StringBuilder values = new StringBuilder();
        StringBuilder set = new StringBuilder();
        for (String c : cols) {
            values.append(values.length() > 0 ? ", " : "").append(e == Engine.POSTGRESQL ? "CAST(? AS " + job.type(c) + ")" : "?");
            if (!keyCols.contains(c)) {
                set.append(set.length() > 0 ? ", " : "").append(e.q(c)).append(" = ")
                        .append(e == Engine.POSTGRESQL ? "EXCLUDED." + e.q(c) : "VALUES(" + e.q(c) + ")");
            }
        }
        StringBuilder keyList = new StringBuilder();
        for (String k : keyCols) {
            keyList.append(keyList.length() > 0 ? ", " : "").append(e.q(k));
        }
        String upsert;
        if (e == Engine.POSTGRESQL) {
            // OVERRIDING SYSTEM VALUE: a destination table may have GENERATED ALWAYS identity columns (a rollback's old tables)
            upsert = "INSERT INTO " + tbl + " (" + job.columnList(e) + ") OVERRIDING SYSTEM VALUE VALUES (" + values + ") ON CONFLICT (" + keyList + ") DO "
                    + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
        } else {
            upsert = "INSERT INTO " + tbl + " (" + job.columnList(e) + ") VALUES (" + values + ") ON DUPLICATE KEY UPDATE "
                    + (set.length() == 0 ? e.q(keyCols.get(0)) + " = " + e.q(keyCols.get(0)) : set);
        }
        try (PreparedStatement p = tgt.prepareStatement(upsert)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    p.setObject(i + 1, row[i]);
                }
                p.addBatch();
            }
            p.executeBatch();
        }
    }
}
