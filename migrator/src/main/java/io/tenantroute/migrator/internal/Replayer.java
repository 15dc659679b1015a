package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
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
 * by "what is left", never by an id watermark (sequence values commit out of order) — except by
 * {@link #fencedRound}, once the tenant is fenced: no transaction that wrote the tenant's rows is still open then,
 * so the tenant's change rows no longer change and one pass by id reads each once.
 */
public final class Replayer {
    private static final int BATCH = 2000;
    /** Bind parameters per upsert statement (PostgreSQL's protocol allows 65,535). */
    private static final int MAX_PARAMS = 30_000;

    private final Dialect e;
    private final SourceCapture capture;
    private final String srcSchema;
    private final String tgtSchema;
    private final Map<String, TableJob> jobs;
    private final String tenant;
    private IncrementalVerifier verifier;
    /** {@link #fencedRound}: the largest change id it consumed (its rows stay until the move clears them). */
    private long fencedMark = Long.MIN_VALUE;
    /** {@link #fencedRound}: the ids it consumed, for {@link #clearFenced} after the flip. */
    private final List<Long> fencedIds = new ArrayList<>();

    public Replayer(Dialect e, SourceCapture capture, String srcSchema, String tgtSchema, Map<String, TableJob> jobs, String tenant) {
        this.e = e;
        this.capture = capture;
        this.srcSchema = srcSchema;
        this.tgtSchema = tgtSchema;
        this.jobs = jobs;
        this.tenant = tenant;
    }

    /**
     * From now on, hands every batch this replayer applies to the verifier once the target committed it: the keys
     * (as the capture trigger wrote them) and the hashes of the source rows that were written, so the verifier
     * can compare them with the target's rows read back (see {@link IncrementalVerifier#replayed}).
     */
    public void track(IncrementalVerifier v) {
        this.verifier = v;
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
     * The final replay, with the tenant fenced on the source: every change not yet consumed, in one pass by id,
     * without deleting the change rows (the move clears them after the flip, or unfences on failure; a change
     * replayed twice gives the same result). Saves the per-batch DELETE and the closing empty read of
     * {@link #round} inside the write pause. Changes queued later by the mover itself ({@link SourceCapture#enqueue})
     * get larger ids and are read by the next call.
     *
     * <p>Only correct once the fence is held: the fence waits for every transaction that wrote the tenant's rows
     * (see {@link SourceCapture}), so no change of the tenant can still commit with a smaller id.
     *
     * @return change rows consumed
     */
    public long fencedRound(Connection src, Connection tgt) throws SQLException {
        long total = 0;
        while (true) {
            int n = batch(src, tgt, fencedMark, false);
            total += n;
            if (n < BATCH) {
                return total;
            }
        }
    }

    /**
     * Deletes the change rows {@link #fencedRound} consumed, after the flip (outside the write pause): the tenant's
     * own are also cleared by {@link SourceCapture#clearChanges}, this also removes the rows without a tenant (owned
     * through a path that no longer resolves) it read. Autocommit connection.
     */
    public void clearFenced(Connection src) throws SQLException {
        for (int i = 0; i < fencedIds.size(); i += BATCH) {
            deleteChanges(src, fencedIds.subList(i, Math.min(fencedIds.size(), i + BATCH)));
        }
        fencedIds.clear();
    }

    /** Deletes change rows by id (ids are the change table's own numbers, never tenant data). */
    private void deleteChanges(Connection src, List<Long> ids) throws SQLException {
        StringBuilder in = new StringBuilder();
        for (Long id : ids) {
            in.append(in.length() > 0 ? "," : "").append(id);
        }
        try (PreparedStatement p = src.prepareStatement("DELETE FROM " + capture.changeTable() + " WHERE id IN (" + in + ")")) {
            p.executeUpdate();
        }
    }

    /**
     * Replays one round: the changes visible when the round starts (changes committed later, even with a
     * smaller id, are left for the next round), each change row deleted once the target committed it.
     *
     * @return change rows consumed
     */
    public long round(Connection src, Connection tgt) throws SQLException {
        long upTo;
        try (PreparedStatement p = src.prepareStatement("SELECT MAX(id) FROM " + capture.changeTable());
             ResultSet r = p.executeQuery()) {
            r.next();
            upTo = r.getLong(1);
        }
        long total = 0;
        while (true) {
            int n = batch(src, tgt, upTo, true);
            total += n;
            if (n < BATCH) {
                return total; // a short batch read everything of this round: no closing empty read
            }
        }
    }

    /**
     * Replays one batch of at most {@link #BATCH} change rows, in id order.
     *
     * @param bound with {@code consume}: the largest id to read (the round's start); without: read ids above it
     *     ({@link #fencedMark}, which this then advances)
     * @param consume delete the change rows once the target committed (else they stay)
     * @return change rows read
     */
    private int batch(Connection src, Connection tgt, long bound, boolean consume) throws SQLException {
        List<Long> ids = new ArrayList<>();
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement p = src.prepareStatement("SELECT id, tbl, pk FROM " + capture.changeTable()
                + " WHERE sch = ? AND (tenant = ? OR tenant IS NULL) AND id " + (consume ? "<=" : ">") + " ? ORDER BY id LIMIT " + BATCH)) {
            p.setString(1, srcSchema);
            p.setString(2, tenant);
            p.setLong(3, bound);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                    keys.computeIfAbsent(r.getString(2), k -> new LinkedHashSet<>()).add(r.getString(3));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        Map<String, Map<String, long[]>> written = new LinkedHashMap<>();
        tgt.setAutoCommit(false);
        try {
            // read every changed row first, then delete children before parents and upsert parents before
            // children (jobs are in load order): a destination that already has its foreign keys (a rollback
            // onto the old source) never sees an intermediate state that breaks one
            List<TableJob> order = new ArrayList<>();
            List<List<List<String>>> keysOf = new ArrayList<>();
            List<List<Row>> rowsOf = new ArrayList<>();
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
                    Map<String, long[]> hashes = new LinkedHashMap<>();
                    rowsOf.add(fetch(src, job, parsed, hashes));
                    written.put(job.name(), hashes);
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
        if (verifier != null) {
            for (Map.Entry<String, Map<String, long[]>> en : written.entrySet()) {
                verifier.replayed(tgt, en.getKey(), keys.get(en.getKey()), en.getValue());
            }
        }
        if (consume) {
            deleteChanges(src, ids);
        } else {
            fencedMark = Math.max(fencedMark, ids.get(ids.size() - 1));
            fencedIds.addAll(ids);
        }
        return ids.size();
    }

    /**
     * One source row to write: the values of the {@linkplain TableJob#written() written columns} and, separately, its
     * key (a key column may be a generated column, which is read but never written).
     */
    private record Row(Object[] values, Object[] key) {
    }

    /**
     * Reads the current source rows of a set of keys of one table (owned by the tenant): one SELECT. Keys are
     * compared by the databases (bound and cast to the column types), never as Java text.
     *
     * @param hashes receives key (as {@link TableJob#keyJson}) → hash of each row read, as verification hashes it
     *     (every column, generated ones included)
     * @return the rows, values ready to write on the same engine
     */
    private List<Row> fetch(Connection src, TableJob job, List<List<String>> keys, Map<String, long[]> hashes) throws SQLException {
        List<Catalog.Column> all = job.def().columns();
        List<Catalog.Column> written = job.written();
        List<String> keyCols = job.def().keyColumns();
        // every column typed (hashed as verification does), then on PostgreSQL the written ones as ::text (written: the
        // server's own text output, whatever pgjdbc's transfer mode), then the key as JSON, then (PostgreSQL) the key
        // columns as ::text
        int n0 = all.size();
        boolean pg = e == Dialect.POSTGRESQL;
        StringBuilder keyText = new StringBuilder();
        for (String k : keyCols) {
            keyText.append(", t0.").append(e.q(k)).append("::text");
        }
        String sel = "SELECT " + job.selectList(e, false) + (pg ? ", " + job.writeSelectList(e, true) : "") + ", " + job.keyJson(e, "t0.")
                + (pg ? keyText : "") + job.own().fromWhereTenant(e, srcSchema) + " AND " + job.keyTuple(e, "t0.") + " IN "
                + job.keyMarks(e, srcSchema, keys.size());
        int nw = written.size();
        int[] writtenAt = new int[nw]; // MySQL: position of each written column among all columns
        for (int i = 0, w = 0; i < n0; i++) {
            if (!all.get(i).generated()) {
                writtenAt[w++] = i;
            }
        }
        int jsonAt = pg ? n0 + nw + 1 : n0 + 1;
        int[] keyAt = new int[keyCols.size()];
        for (int i = 0; i < keyAt.length; i++) {
            keyAt[i] = pg ? jsonAt + 1 + i : job.columns().indexOf(keyCols.get(i)) + 1;
        }
        java.security.MessageDigest md = Checksums.sha256();
        String[] vals = new String[n0];
        List<Row> rows = new ArrayList<>();
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
                    Object[] values = new Object[nw];
                    for (int i = 0; i < nw; i++) {
                        values[i] = pg ? r.getString(n0 + i + 1) : TableJob.read(e, r, writtenAt[i] + 1, written.get(i));
                    }
                    Object[] key = new Object[keyAt.length];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = pg ? r.getString(keyAt[i]) : TableJob.read(e, r, keyAt[i], job.def().column(keyCols.get(i)));
                    }
                    rows.add(new Row(values, key));
                    hashes.put(r.getString(jsonAt), Checksums.rowHash(md, Checksums.encode(r, vals)));
                }
            }
        }
        return rows;
    }

    /** One DELETE on the target for the requested keys that the source no longer has (for this tenant). */
    private void deleteMissing(Connection tgt, TableJob job, List<List<String>> keys, List<Row> rows) throws SQLException {
        if (rows.size() >= keys.size()) {
            // every row read matched at least one requested key and a key matches at most one row (it is the row key):
            // as many rows as keys means every key has its row on the source, so there is nothing to delete
            return;
        }
        String tbl = e.q(tgtSchema, job.name());
        // delete what the source no longer has (for this tenant)
        StringBuilder del = new StringBuilder("DELETE FROM ").append(tbl).append(" WHERE ").append(job.keyTuple(e, "")).append(" IN ")
                .append(job.keyMarks(e, tgtSchema, keys.size()));
        if (!rows.isEmpty()) {
            del.append(" AND NOT ").append(job.keyTuple(e, "")).append(" IN ").append(job.keyMarks(e, tgtSchema, rows.size()));
        }
        try (PreparedStatement p = tgt.prepareStatement(del.toString())) {
            int n = 1;
            for (List<String> k : keys) {
                for (String v : k) {
                    p.setString(n++, v);
                }
            }
            for (Row row : rows) {
                for (Object v : row.key()) {
                    p.setObject(n++, v);
                }
            }
            p.executeUpdate();
        }
    }

    /** A batch of upserts on the target. */
    private void upsert(Connection tgt, TableJob job, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> keyCols = job.def().keyColumns();
        List<String> cols = job.writtenNames(); // generated columns are computed by the target
        String tbl = e.q(tgtSchema, job.name());
        StringBuilder one = new StringBuilder("(");
        StringBuilder set = new StringBuilder();
        for (String c : cols) {
            one.append(one.length() > 1 ? ", " : "").append(e == Dialect.POSTGRESQL ? "CAST(? AS " + job.type(c, tgtSchema) + ")" : "?");
            if (!keyCols.contains(c)) {
                set.append(set.length() > 0 ? ", " : "").append(e.q(c)).append(" = ")
                        .append(e == Dialect.POSTGRESQL ? "EXCLUDED." + e.q(c) : "VALUES(" + e.q(c) + ")");
            }
        }
        one.append(')');
        StringBuilder keyList = new StringBuilder();
        for (String k : keyCols) {
            keyList.append(keyList.length() > 0 ? ", " : "").append(e.q(k));
        }
        // one multi-row statement per chunk, not one execution per row: the rows are distinct keys (read by key), so
        // no statement touches a row twice; chunks stay far below the 65,535 bind parameters of the PostgreSQL protocol
        int perStatement = Math.max(1, Math.min(rows.size(), MAX_PARAMS / cols.size()));
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                values.append(i > 0 ? ", " : "").append(one);
            }
            String upsert;
            if (e == Dialect.POSTGRESQL) {
                // OVERRIDING SYSTEM VALUE: a destination table may have GENERATED ALWAYS identity columns (a rollback's old tables)
                upsert = "INSERT INTO " + tbl + " (" + job.writeColumnList(e) + ") OVERRIDING SYSTEM VALUE VALUES " + values + " ON CONFLICT ("
                        + keyList + ") DO " + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
            } else {
                upsert = "INSERT INTO " + tbl + " (" + job.writeColumnList(e) + ") VALUES " + values + " ON DUPLICATE KEY UPDATE "
                        + (set.length() == 0 ? e.q(keyCols.get(0)) + " = " + e.q(keyCols.get(0)) : set);
            }
            try (PreparedStatement p = tgt.prepareStatement(upsert)) {
                int n = 1;
                for (Row row : chunk) {
                    for (Object v : row.values()) {
                        p.setObject(n++, v);
                    }
                }
                p.executeUpdate();
            }
        }
    }
}
