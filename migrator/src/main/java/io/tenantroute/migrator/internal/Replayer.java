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
     * Replays everything pending now (one round).
     *
     * @return change rows consumed
     */
    public long round(Connection src, Connection tgt) throws SQLException {
        long total = 0;
        while (true) {
            List<Long> ids = new ArrayList<>();
            Map<String, Set<String>> keys = new LinkedHashMap<>();
            try (PreparedStatement p = src.prepareStatement("SELECT id, tbl, pk FROM " + capture.changeTable()
                    + " WHERE sch = ? AND (tenant = ? OR tenant IS NULL) ORDER BY id LIMIT " + BATCH)) {
                p.setString(1, srcSchema);
                p.setString(2, tenant);
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
                for (Map.Entry<String, Set<String>> en : keys.entrySet()) {
                    TableJob job = jobs.get(en.getKey());
                    if (job == null) {
                        continue; // a table outside this move
                    }
                    for (String pk : en.getValue()) {
                        apply(src, tgt, job, JsonArray.parse(pk));
                    }
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

    private void apply(Connection src, Connection tgt, TableJob job, List<String> key) throws SQLException {
        List<String> keyCols = job.def().keyColumns();
        StringBuilder where = new StringBuilder();
        for (String k : keyCols) {
            where.append(" AND t0.").append(e.q(k)).append(" = ").append(keyParam(job, k));
        }
        String sel = "SELECT " + job.selectList(e, e == Engine.POSTGRESQL) + job.own().fromWhere(e, srcSchema, job.own().tenantParam(e)) + where;
        List<String> cols = job.columns();
        Object[] row = null;
        try (PreparedStatement p = src.prepareStatement(sel)) {
            p.setString(1, tenant);
            for (int i = 0; i < key.size(); i++) {
                p.setString(2 + i, key.get(i));
            }
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    row = new Object[cols.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = job.read(e, r, i + 1);
                    }
                }
            }
        }
        String tbl = e.q(tgtSchema, job.name());
        if (row == null) {
            StringBuilder w = new StringBuilder();
            for (String k : keyCols) {
                w.append(w.length() > 0 ? " AND " : "").append(e.q(k)).append(" = ").append(keyParam(job, k));
            }
            try (PreparedStatement p = tgt.prepareStatement("DELETE FROM " + tbl + " WHERE " + w)) {
                for (int i = 0; i < key.size(); i++) {
                    p.setString(1 + i, key.get(i));
                }
                p.executeUpdate();
            }
            return;
        }
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
            upsert = "INSERT INTO " + tbl + " (" + job.columnList(e) + ") VALUES (" + values + ") ON CONFLICT (" + keyList + ") DO "
                    + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
        } else {
            upsert = "INSERT INTO " + tbl + " (" + job.columnList(e) + ") VALUES (" + values + ") ON DUPLICATE KEY UPDATE "
                    + (set.length() == 0 ? e.q(keyCols.get(0)) + " = " + e.q(keyCols.get(0)) : set);
        }
        try (PreparedStatement p = tgt.prepareStatement(upsert)) {
            for (int i = 0; i < row.length; i++) {
                p.setObject(i + 1, row[i]);
            }
            p.executeUpdate();
        }
    }
}
