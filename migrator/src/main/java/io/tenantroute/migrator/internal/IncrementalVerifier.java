package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import io.tenantroute.migrator.TableVerification;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verification for the online cutover that costs, inside the freeze, only the rows changed since the copy was
 * last compared — not the whole tenant.
 *
 * <p>Before the freeze, {@link #baseline} reads every row of the tenant on both sides and keeps, per table, the
 * source's row hash by key, the keys whose target row differs (D), and both sides' count and checksum (the
 * same sum {@link Checksums#compute} gives). From then on the replayer reports every key it applies
 * ({@link #replayed}): the hashes of the source rows it wrote, which are compared with the target rows read back
 * right after its commit. Keys changed on the target otherwise (uncaptured cascades the mover applies) go to a set
 * C ({@link #changed}). {@link #refresh} re-reads D ∪ C by key on both sides. Every step updates hashes, counts
 * and checksums. Inside the freeze, after the final replay, {@link #finish} re-reads what still differs and
 * reports.
 *
 * <p>Why that suffices: every change of the tenant's rows on the source after capture started leaves a change
 * row (same transaction), and every change row is consumed by the replayer after it committed; the target is
 * written only by the replayer and the mover. So a key outside D ∪ C was equal on both sides when last read, its
 * source row has not changed since (its change row would have been replayed, and the key compared again) and
 * neither has its target row. Every read happens
 * between replay rounds, on the replaying thread. A mistake anywhere (a key rendered two ways, a lost hash) makes
 * the maintained checksums disagree and fails the verification: it can cost a cutover, never hide a difference.
 *
 * <p>Memory: one entry per tenant row (key text + 16-byte hash, roughly 100–150 bytes) for the whole move.
 * Not thread-safe: one replaying thread drives it.
 */
public final class IncrementalVerifier {
    private static final int BATCH = 500;
    /** Marks "no row on this side" in {@link TableState#targetDiff}. */
    private static final long[] ABSENT = new long[0];

    private final Dialect e;
    private final String srcSchema;
    private final String tgtSchema;
    private final String tenant;
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private final MessageDigest md = Checksums.sha256();

    /** Per-table state: see the class comment. */
    private static final class TableState {
        final TableJob job;
        /** key → source row hash {high, low, seen-on-target flag}; only keys with a source row. */
        final Map<String, long[]> source = new HashMap<>();
        /** key → target row hash, or {@link #ABSENT}, for keys whose target row differs from the source's (D). */
        final Map<String, long[]> targetDiff = new LinkedHashMap<>();
        /** keys applied by the replayer since the last refresh (C). */
        final Set<String> changed = new LinkedHashSet<>();
        Checksums.Sum sourceSum = new Checksums.Sum();
        Checksums.Sum targetSum = new Checksums.Sum();

        TableState(TableJob job) {
            this.job = job;
        }

        long[] targetHash(String key) {
            long[] d = targetDiff.get(key);
            if (d != null) {
                return d == ABSENT ? null : d;
            }
            return source.get(key);
        }
    }

    /**
     * @param jobs the moved tables; each needs key columns (online moves refuse keyless tables)
     */
    public IncrementalVerifier(Dialect e, String srcSchema, String tgtSchema, List<TableJob> jobs, String tenant) {
        this.e = e;
        this.srcSchema = srcSchema;
        this.tgtSchema = tgtSchema;
        this.tenant = tenant;
        for (TableJob j : jobs) {
            tables.put(j.name(), new TableState(j));
        }
    }

    /**
     * Records that this key (text as the capture trigger writes it, {@link TableJob#keyJson}) was changed on the
     * target: applied by the replayer, or by the mover itself (an uncaptured cascade it applied).
     */
    public void changed(String table, String key) {
        TableState t = tables.get(table);
        if (t != null) {
            t.changed.add(key);
        }
    }

    /** @return keys a refresh would re-read now: D ∪ C over all tables */
    public long toRecheck() {
        long n = 0;
        for (TableState t : tables.values()) {
            n += t.changed.size() + t.targetDiff.size();
        }
        return n;
    }

    /**
     * Reads every tenant row on both sides (source first, then target) and sets the comparison base; forgets
     * C. Call between replay rounds.
     *
     * @throws SQLException from either database
     */
    public void baseline(Connection src, Connection tgt) throws SQLException {
        for (TableState t : tables.values()) {
            t.source.clear();
            t.targetDiff.clear();
            t.changed.clear();
            t.sourceSum = new Checksums.Sum();
            t.targetSum = new Checksums.Sum();
            stream(src, t.job, srcSchema, (key, h) -> {
                t.source.put(key, new long[] {h[0], h[1], 0});
                t.sourceSum.add(h);
            });
            stream(tgt, t.job, tgtSchema, (key, h) -> {
                t.targetSum.add(h);
                long[] s = t.source.get(key);
                if (s == null) {
                    t.targetDiff.put(key, h);
                } else {
                    s[2] = 1;
                    if (s[0] != h[0] || s[1] != h[1]) {
                        t.targetDiff.put(key, h);
                    }
                }
            });
            for (Map.Entry<String, long[]> en : t.source.entrySet()) {
                if (en.getValue()[2] == 0) {
                    t.targetDiff.put(en.getKey(), ABSENT);
                }
            }
        }
    }

    private interface RowSink {
        void row(String key, long[] hash) throws SQLException;
    }

    private void stream(Connection c, TableJob j, String schema, RowSink sink) throws SQLException {
        int cols = j.columns().size();
        String sql = "SELECT " + j.selectList(e, false) + ", " + j.keyJson(e, "t0.") + j.own().fromWhereTenant(e, schema);
        String[] vals = new String[cols];
        Checksums.stream(e, c, sql, tenant, r -> sink.row(r.getString(cols + 1), Checksums.rowHash(md, Checksums.encode(r, vals))));
    }

    /**
     * Re-reads D ∪ C by key on both sides and updates the hashes, counts and checksums; C is then empty and D holds
     * the keys that still differ. Call between replay rounds.
     *
     * @return keys re-read
     */
    public long refresh(Connection src, Connection tgt) throws SQLException {
        long total = 0;
        for (TableState t : tables.values()) {
            Set<String> keys = new LinkedHashSet<>(t.targetDiff.keySet());
            keys.addAll(t.changed);
            t.changed.clear();
            List<String> batch = new ArrayList<>(BATCH);
            for (String k : keys) {
                batch.add(k);
                if (batch.size() == BATCH) {
                    recheck(t, src, tgt, batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                recheck(t, src, tgt, batch);
            }
            total += keys.size();
        }
        return total;
    }

    private void recheck(TableState t, Connection src, Connection tgt, List<String> keys) throws SQLException {
        List<List<String>> parsed = parse(keys);
        if (!parsed.isEmpty()) {
            update(t, keys, read(t, src, srcSchema, parsed), read(t, tgt, tgtSchema, parsed));
        }
    }

    private static List<List<String>> parse(java.util.Collection<String> keys) {
        List<List<String>> parsed = new ArrayList<>(keys.size());
        for (String k : keys) {
            List<String> v = JsonArray.parse(k);
            if (!v.contains(null)) {
                parsed.add(v);
            }
        }
        return parsed;
    }

    /**
     * Takes a batch the replayer just committed on the target: {@code sourceRows} are the hashes of the source
     * rows it read and wrote (keys it asked for and did not find were deleted on the target). Reads those keys
     * back from the target and compares; the keys are then verified as of now, and leave C.
     *
     * @param keys the keys the batch asked for, as the capture trigger wrote them
     */
    public void replayed(Connection tgt, String table, Set<String> keys, Map<String, long[]> sourceRows) throws SQLException {
        TableState t = tables.get(table);
        if (t == null) {
            return;
        }
        Set<String> all = new LinkedHashSet<>(keys);
        all.addAll(sourceRows.keySet());
        List<List<String>> parsed = parse(all);
        Map<String, long[]> there = new HashMap<>();
        for (int i = 0; i < parsed.size(); i += BATCH) {
            there.putAll(read(t, tgt, tgtSchema, parsed.subList(i, Math.min(parsed.size(), i + BATCH))));
        }
        update(t, all, sourceRows, there);
        t.changed.removeAll(all);
    }

    /** Moves the comparison base of {@code keys} to these source and target hashes (absent: no row). */
    private void update(TableState t, java.util.Collection<String> keys, Map<String, long[]> now, Map<String, long[]> there) {
        Set<String> all = new LinkedHashSet<>(keys);
        all.addAll(now.keySet()); // a key rendered differently than asked is still accounted for, not lost
        all.addAll(there.keySet());
        for (String k : all) {
            long[] oldSource = t.source.get(k);
            long[] oldTarget = t.targetHash(k);
            if (oldSource != null) {
                t.sourceSum.subtract(oldSource);
            }
            if (oldTarget != null) {
                t.targetSum.subtract(oldTarget);
            }
            long[] s = now.get(k);
            long[] g = there.get(k);
            if (s != null) {
                t.sourceSum.add(s);
                t.source.put(k, new long[] {s[0], s[1], 1});
            } else {
                t.source.remove(k);
            }
            if (g != null) {
                t.targetSum.add(g);
            }
            boolean same = s == null ? g == null : g != null && s[0] == g[0] && s[1] == g[1];
            if (same) {
                t.targetDiff.remove(k);
            } else {
                t.targetDiff.put(k, g == null ? ABSENT : g);
            }
        }
    }

    private Map<String, long[]> read(TableState t, Connection c, String schema, List<List<String>> keys) throws SQLException {
        TableJob j = t.job;
        int n = j.columns().size();
        String sql = "SELECT " + j.selectList(e, false) + ", " + j.keyJson(e, "t0.") + j.own().fromWhereTenant(e, schema)
                + " AND " + j.keyTuple(e, "t0.") + " IN " + j.keyMarks(e, schema, keys.size());
        Map<String, long[]> out = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            p.setString(i++, tenant);
            for (List<String> k : keys) {
                for (String v : k) {
                    p.setString(i++, v);
                }
            }
            String[] vals = new String[n];
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(n + 1), Checksums.rowHash(md, Checksums.encode(r, vals)));
                }
            }
        }
        return out;
    }

    /**
     * The last refresh and the report: per table the maintained counts and checksums (equal to what a full
     * {@link Checksums#compute} would give now) and the first {@code limit} keys that differ.
     */
    public List<TableVerification> finish(Connection src, Connection tgt, int limit) throws SQLException {
        refresh(src, tgt);
        List<TableVerification> out = new ArrayList<>();
        for (TableState t : tables.values()) {
            List<String> mism = new ArrayList<>();
            for (Map.Entry<String, long[]> en : t.targetDiff.entrySet()) {
                if (mism.size() >= limit) {
                    break;
                }
                String k = en.getKey();
                mism.add("key=" + k + (en.getValue() == ABSENT ? " missing on target" : t.source.containsKey(k) ? " differs" : " extra on target"));
            }
            out.add(new TableVerification(t.job.name(), t.sourceSum.rows(), t.targetSum.rows(), t.sourceSum.hex(), t.targetSum.hex(),
                    mism));
        }
        return out;
    }
}
