package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.archive.ArchiveManifest;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.SourceCapture;
import io.tenantroute.migrator.internal.TableJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a tenant's old rows from the source of its completed move: archive first, then delete, then drop the
 * tenant's fence and captured changes there.
 *
 * <p>Only after a move of kind {@code move} or {@code rollback} (the tenant's newest of either; after a rollback the
 * rows left behind are those on the rolled-back move's destination), status {@code done}, whose journal has its {@code verify} table steps
 * and its {@code flip}, that was not rolled back, and whose target the tenant's route points at now; optionally
 * only when it finished at least {@link CleanupRequest#olderThan()} ago. Every refusal is a {@code TR011} before
 * anything changed (no journal row, no file, no row).
 *
 * <p>Steps, journaled as kind {@link JournalKind#CLEANUP} naming the move ({@link MigrationJournal.Migration#cleanedMoveId()}, see
 * {@link MigrationJournal#cleanedUp(long)}): {@code archive} (the tenant's rows still on the old source, one
 * read-only snapshot, manifest written last; the path in an {@code archive-file} step), {@code delete} (reverse FK
 * order, batches of {@link CleanupRequest#batchRows()} rows, each in its own short transaction), {@code unfence}
 * (the tenant's fence row and captured changes on the old source). The capture triggers stay: they are per table
 * and shared with other tenants' moves from the same schema, and do nothing without a fence row.
 *
 * <p>The old source fences the tenant (its triggers reject the tenant's writes with {@code TR003}). The delete
 * session passes the fence without lifting it for anyone else, by the same bypass a rollback's sessions use
 * ({@link SourceCapture#grantBypass}: its writes of that tenant are neither rejected nor captured, a write of it that
 * reaches another tenant's row fails with {@code TR011}); the bypass is removed when the deletes end, whatever the
 * outcome. Other sessions' writes of the tenant are rejected as before, without waiting.
 *
 * <p>Resumable: a re-run after an interruption (the journal row still holds the tenant's lock, or failed) keeps a
 * complete archive and continues deleting; it never writes a second archive once rows were deleted. Thread-safe;
 * blocks on the databases and the file system.
 */
public final class TenantCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(TenantCleanup.class);

    private final TenantMapStore store;
    private final MigrationJournal journal;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /**
     * @param store the tenant map
     * @param journal the journal in the control database
     * @param connector opens connections to targets
     * @param sharedTarget the {@code shared} database when the map does not define a target of that name; may be null
     */
    public TenantCleanup(TenantMapStore store, MigrationJournal journal, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.journal = journal;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    /**
     * What to clean up.
     *
     * @param tenant the tenant id
     * @param archive the archive directory, or null for {@link #defaultArchive} (or the one an interrupted cleanup wrote)
     * @param olderThan refuse unless the move finished at least this long ago; null: no minimum age
     * @param tenantColumn the tenant column ({@code tenant_id})
     * @param batchRows rows deleted per transaction, ≥ 1
     * @param operator who runs it, for the journal
     */
    public record CleanupRequest(String tenant, Path archive, Duration olderThan, String tenantColumn, int batchRows, String operator) {
        public CleanupRequest {
            if (batchRows < 1) {
                throw new IllegalArgumentException("batchRows must be ≥ 1, was " + batchRows);
            }
        }

        /** @return defaults: default archive path, no minimum age, {@code tenant_id}, 1000 rows per batch */
        public static CleanupRequest of(String tenant) {
            return new CleanupRequest(tenant, null, null, "tenant_id", 1000, System.getProperty("user.name", "unknown"));
        }

        public CleanupRequest withArchive(Path p) {
            return new CleanupRequest(tenant, p, olderThan, tenantColumn, batchRows, operator);
        }

        public CleanupRequest withOlderThan(Duration d) {
            return new CleanupRequest(tenant, archive, d, tenantColumn, batchRows, operator);
        }

        public CleanupRequest withBatchRows(int n) {
            return new CleanupRequest(tenant, archive, olderThan, tenantColumn, n, operator);
        }

        public CleanupRequest withTenantColumn(String c) {
            return new CleanupRequest(tenant, archive, olderThan, c, batchRows, operator);
        }
    }

    /**
     * A cleanup's outcome.
     *
     * @param migrationId the cleanup's journal id
     * @param moveId the move whose old rows were removed
     * @param source where they were (target name)
     * @param sourceSchema and schema
     * @param archive the archive directory
     * @param manifest its manifest
     * @param archiveReused whether an earlier, interrupted cleanup's complete archive was kept
     * @param deleted rows deleted by this run per table, in delete order
     */
    public record CleanupResult(long migrationId, long moveId, String source, String sourceSchema, Path archive, ArchiveManifest manifest,
            boolean archiveReused, Map<String, Long> deleted) {
    }

    /** @return the default archive directory of a cleanup: {@code tenantroute-archive-<tenant>-move<id>} in the working directory */
    public static Path defaultArchive(String tenant, long moveId) {
        return Path.of("tenantroute-archive-" + tenant.replaceAll("[^A-Za-z0-9_.-]", "_") + "-move" + moveId);
    }

    /**
     * Archives and deletes the tenant's old rows (or resumes an interrupted cleanup).
     *
     * @throws SQLException {@code TR011} when refused (no completed verified move, route not on the move's target,
     *     rolled back, already cleaned up, {@code olderThan} not reached, another operation holds the tenant's lock,
     *     archive path holds something else) — nothing changed; {@code TR011} when a step fails (re-run to resume);
     *     {@code TR006} invalid tenant; {@code TR005} unknown target
     */
    public CleanupResult cleanup(CleanupRequest req, MoveListener l) throws SQLException {
        String tenant = TenantIds.requireValid(req.tenant());
        String who = "cleanup of tenant '" + tenant + "'";
        Long resumeId = null;
        MigrationJournal.Migration move;
        Long active = journal.activeMigration(tenant);
        if (active != null) {
            MigrationJournal.Migration a = journal.get(active);
            if (a != null && a.is(JournalKind.CLEANUP)) {
                resumeId = active;
                move = journal.get(a.cleanedMoveId());
            } else if (a != null && a.is(JournalKind.MOVE)) {
                throw refused(who, "move " + a.id() + " to " + a.target() + " is running or was interrupted at step " + a.step()
                        + "; cleanup needs a completed move whose verification passed (finish it with migrate --resume, or --abort)");
            } else {
                throw refused(who, (a == null ? "an operation" : a.kind() + " " + a.id()) + " holds the tenant's lock (running or interrupted)");
            }
        } else {
            move = lastCompletedMove(tenant, who);
        }
        checkMove(tenant, who, move, resumeId == null ? req.olderThan() : null);
        Target src = Archiving.resolve(store, sharedTarget, move.source());
        String schema = move.sourceSchema();
        Path requested = archivePath(req, tenant, move);
        boolean zip = Archiving.isZip(requested);
        // a .zip archive is written as a directory next to it and zipped once complete
        Path dir = zip ? requested.resolveSibling(requested.getFileName() + ".parts") : requested;
        boolean deletionStarted = journal.cleanedUp(move.id()) != null;
        ArchiveManifest existing = null;
        if (zip && Files.isRegularFile(requested)) {
            Path unpacked = Archiving.unzip(requested);
            try {
                existing = ArchiveManifest.read(unpacked);
            } catch (IOException ex) {
                throw refused(who, ex.getMessage());
            } finally {
                Archiving.removeIncomplete(unpacked);
            }
            if (!tenant.equals(existing.tenant()) || !"cleanup".equals(existing.kind()) || !Long.valueOf(move.id()).equals(existing.cleanedMigrationId())) {
                throw refused(who, requested + " holds another archive (" + existing.kind() + " of tenant '" + existing.tenant() + "'); give another --archive");
            }
        } else if (ArchiveManifest.exists(dir)) {
            try {
                existing = ArchiveManifest.read(dir);
            } catch (IOException ex) {
                throw refused(who, ex.getMessage());
            }
            if (!tenant.equals(existing.tenant()) || !"cleanup".equals(existing.kind()) || !Long.valueOf(move.id()).equals(existing.cleanedMigrationId())) {
                throw refused(who, dir + " holds another archive (" + existing.kind() + " of tenant '" + existing.tenant() + "'); give another --archive");
            }
        } else if (deletionStarted) {
            throw refused(who, "an earlier cleanup of move " + move.id() + " already deleted rows, and " + dir + " holds no complete archive;"
                    + " give --archive <the directory it wrote> (journal step archive-file)");
        } else if (Files.exists(dir) && !onlyArchiveFiles(dir)) {
            throw refused(who, dir + " exists and is not an archive of this cleanup; give another --archive");
        }
        try (Connection s = connector.open(src)) {
            Dialect e = Dialect.of(s);
            List<TableJob> jobs = Archiving.jobs(s, e, schema, req.tenantColumn());
            if (jobs.isEmpty()) {
                throw refused(who, "no table in " + src.name() + "/" + schema + " has the column " + req.tenantColumn());
            }
            long id = resumeId != null ? resumeId : journal.begin(JournalKind.CLEANUP, tenant, move.source(), move.sourceSchema(),
                    move.target(), move.targetSchema(), "online", move.id(), req.operator());
            Operation op = new Operation(journal, id, l);
            ArchiveManifest reusable = existing;
            try {
                // 1. archive (or keep the complete one an interrupted run wrote)
                boolean reused = reusable != null;
                op.enter(MoveStep.ARCHIVE, reused ? "complete archive kept: " + dir + " (" + reusable.totalRows() + " rows)"
                        : jobs.size() + " table(s) of " + src.name() + "/" + schema + " to " + dir);
                String shown = requested.toAbsolutePath().toString();
                journal.tableStep(id, MoveStep.ARCHIVE_FILE, shown.length() <= 128 ? shown : requested.getFileName().toString(), -1, null);
                ArchiveManifest m;
                if (reused) {
                    m = reusable;
                } else {
                    if (Files.exists(dir)) {
                        Archiving.removeIncomplete(dir);
                    }
                    // a failed cleanup keeps a complete archive (a re-run resumes with it), never a partial one
                    op.undoable("remove the incomplete archive " + dir, () -> {
                        if (!ArchiveManifest.exists(dir)) {
                            Archiving.removeIncomplete(dir);
                        }
                    });
                    Archiving.prepareDirectory(dir, tenant);
                    m = Archiving.write(e, s, src, schema, jobs, tenant, dir, "cleanup", id, move.id(), journal, "archive", l);
                    if (zip) {
                        Archiving.zip(dir, requested, tenant);
                    }
                }
                // 2. delete, children first, in short transactions (resumable, not undone: a re-run continues)
                op.pointOfNoReturn();
                SourceCapture cap = new SourceCapture(e, schema);
                boolean fenceTable = cap.tablesExist(s);
                for (TableJob j : jobs) {
                    ArchiveManifest.Table t = m.table(j.name());
                    long left = Archiving.count(e, s, schema, j, tenant);
                    if (left > 0 && (t == null || left > t.rows())) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception(who + ": " + j.name() + " holds " + left + " row(s) of the tenant but the archive "
                                + (t == null ? "has no such table" : t.rows()) + " — rows were written after the archive; nothing of this table deleted");
                    }
                }
                op.enter(MoveStep.DELETE, "batches of " + req.batchRows() + " rows, reverse FK order");
                Map<String, Long> deleted = new LinkedHashMap<>();
                if (fenceTable) {
                    // the one bypass a rollback uses too: this session (only) passes the tenant's fence, uncaptured
                    cap.createTables(s);
                    cap.grantBypass(s, tenant, id);
                }
                try {
                    for (int i = jobs.size() - 1; i >= 0; i--) {
                        TableJob j = jobs.get(i);
                        l.tableStarted(j.name(), Archiving.count(e, s, schema, j, tenant));
                        long n = deleteAll(e, s, schema, j, tenant, req.batchRows(), rows -> l.tableProgress(j.name(), rows));
                        deleted.put(j.name(), n);
                        journal.tableStep(id, MoveStep.DELETE, j.name(), n, null);
                        l.tableDone(j.name(), n);
                    }
                } finally {
                    if (fenceTable) {
                        cap.revokeBypass(s, tenant);
                    }
                }
                // 3. the tenant's fence row and captured changes; the shared triggers stay
                op.enter(MoveStep.UNFENCE, src.name() + "/" + schema
                        + " (capture triggers left in place: shared with other tenants' moves, inert without a fence row)");
                cap.unfence(s, tenant);
                op.done(null);
                l.step(MoveStep.DONE.journalName(), "tenant '" + tenant + "': old rows of move " + move.id() + " removed from " + src.name() + "; archive " + dir);
                LOG.info("{}: move {} cleaned up on {}/{}, archive {}", who, move.id(), src.name(), schema, dir);
                return new CleanupResult(id, move.id(), src.name(), schema, requested, m, reused, deleted);
            } catch (SQLException | RuntimeException ex) {
                throw op.failed(ex, who, "; run cleanup again to resume");
            }
        }
    }

    private static SQLException refused(String who, String why) {
        return TenantRouteSqlState.MIGRATION_FAILED.exception(who + " refused: " + why);
    }

    private MigrationJournal.Migration lastCompletedMove(String tenant, String who) throws SQLException {
        List<MigrationJournal.Migration> h = journal.history(tenant, 10_000);
        MigrationJournal.Migration newest = null;
        for (MigrationJournal.Migration m : h) {
            // a rollback is a move too here: after one, its source (the former destination) holds the stale rows
            if (!m.is(JournalKind.MOVE) && !m.is(JournalKind.ROLLBACK)) {
                continue;
            }
            if (newest == null) {
                newest = m;
            }
            if (m.is(JournalStatus.DONE)) {
                return m;
            }
        }
        throw refused(who, "the tenant has no completed move" + (newest == null ? ""
                : " (its last, migration " + newest.id() + " to " + newest.target() + ", is " + newest.status() + " at step " + newest.step() + ")"));
    }

    private void checkMove(String tenant, String who, MigrationJournal.Migration move, Duration olderThan) throws SQLException {
        boolean verified = false;
        boolean flipped = false;
        for (MigrationJournal.Step s : journal.steps(move.id())) {
            verified |= MoveStep.VERIFY.is(s.step()) && s.table() != null;
            flipped |= MoveStep.FLIP.is(s.step());
        }
        if (!move.is(JournalStatus.DONE) || !verified || !flipped) {
            throw refused(who, "move " + move.id() + " to " + move.target() + " has not passed verification (status " + move.status()
                    + ", step " + move.step() + "); cleanup needs a completed move whose verification passed");
        }
        for (MigrationJournal.Migration m : journal.history(tenant, 10_000)) {
            if (m.id() > move.id() && m.is(JournalKind.ROLLBACK) && m.is(JournalStatus.DONE)) {
                throw refused(who, "move " + move.id() + " was rolled back (migration " + m.id() + "): its old rows are live data again");
            }
            if (m.is(JournalKind.CLEANUP) && m.is(JournalStatus.DONE)
                    && Long.valueOf(move.id()).equals(m.cleanedMoveId())) {
                throw refused(who, "move " + move.id() + " was already cleaned up (migration " + m.id() + ")");
            }
        }
        Route route = store.route(tenant).orElse(Route.implicitShared(tenant));
        boolean sameTarget = move.target().equals(move.source());
        boolean onTarget = route.target().equals(move.target()) && (route.schema() == null ? !sameTarget
                : Objects.equals(route.schema(), move.targetSchema()));
        if (!onTarget) {
            throw refused(who, "its route points at " + route.target() + (route.schema() == null ? "" : "/" + route.schema()) + ", not at "
                    + move.target() + "/" + move.targetSchema() + ", the target of move " + move.id() + " (moved again, or rolled back?)");
        }
        if (olderThan != null) {
            Instant ended = move.endedAt() == null ? Instant.now() : move.endedAt().toInstant();
            Instant allowed = ended.plus(olderThan);
            if (Instant.now().isBefore(allowed)) {
                throw refused(who, "move " + move.id() + " finished at " + ended + ", less than " + human(olderThan) + " ago (allowed after "
                        + allowed + ")");
            }
        }
    }

    private Path archivePath(CleanupRequest req, String tenant, MigrationJournal.Migration move) throws SQLException {
        if (req.archive() != null) {
            return req.archive();
        }
        // an interrupted cleanup of this move names its archive in an archive-file step
        for (MigrationJournal.Migration m : journal.history(tenant, 10_000)) {
            if (m.is(JournalKind.CLEANUP) && Long.valueOf(move.id()).equals(m.cleanedMoveId())) {
                for (MigrationJournal.Step s : journal.steps(m.id())) {
                    if (MoveStep.ARCHIVE_FILE.is(s.step()) && s.table() != null) {
                        return Path.of(s.table());
                    }
                }
            }
        }
        return defaultArchive(tenant, move.id());
    }

    private static boolean onlyArchiveFiles(Path dir) {
        try (var s = Files.list(dir)) {
            return s.allMatch(p -> p.getFileName().toString().endsWith(".jsonl.gz") || p.getFileName().toString().startsWith(ArchiveManifest.FILE));
        } catch (IOException ex) {
            return false;
        }
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** Deletes the tenant's rows of one table in batches, each batch its own transaction. */
    private static long deleteAll(Dialect e, Connection s, String schema, TableJob j, String tenant, int batch,
            LongConsumer progress) throws SQLException {
        long total = 0;
        boolean auto = s.getAutoCommit();
        s.setAutoCommit(false);
        try {
            while (true) {
                int n;
                try {
                    n = deleteBatch(e, s, schema, j, tenant, batch);
                    s.commit();
                } catch (SQLException | RuntimeException ex) {
                    s.rollback();
                    throw ex;
                }
                if (n == 0) {
                    long left = Archiving.count(e, s, schema, j, tenant);
                    if (left > 0) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception(j.name() + ": " + left + " row(s) of the tenant reference each other in a"
                                + " cycle and cannot be deleted leaves first; break the cycle (set the reference to NULL) and run cleanup again");
                    }
                    return total;
                }
                total += n;
                progress.accept(total);
            }
        } finally {
            s.setAutoCommit(auto);
        }
    }

    private static int deleteBatch(Dialect e, Connection s, String schema, TableJob j, String tenant, int batch) throws SQLException {
        try (Statement st = s.createStatement()) {
            st.execute(e == Dialect.POSTGRESQL ? "SET LOCAL lock_timeout = 5000" : "SET SESSION innodb_lock_wait_timeout = 5");
        }
        return deleteRows(e, s, schema, j, tenant, batch);
    }

    private static int deleteRows(Dialect e, Connection s, String schema, TableJob j, String tenant, int batch) throws SQLException {
        // Self-referencing rows (a category tree) go leaves first: a row still referenced by another is left for a
        // later batch, so no batch removes a parent before its children (MySQL checks FKs row by row, and
        // PostgreSQL at the end of each statement, i.e. of each batch).
        StringBuilder leaves = new StringBuilder();
        for (Catalog.ForeignKey fk : j.def().foreignKeys()) {
            if (fk.refTable().equals(j.name())) {
                leaves.append(" AND NOT EXISTS (SELECT 1 FROM ").append(e.q(schema, j.name())).append(" x WHERE ");
                for (int i = 0; i < fk.columns().size(); i++) {
                    leaves.append(i > 0 ? " AND " : "").append("x.").append(e.q(fk.columns().get(i))).append(" = t0.").append(e.q(fk.refColumns().get(i)));
                }
                leaves.append(')');
            }
        }
        String from = j.own().fromWhereTenant(e, schema) + leaves;
        if (e == Dialect.POSTGRESQL) {
            try (PreparedStatement p = s.prepareStatement("DELETE FROM " + e.q(schema, j.name()) + " WHERE ctid = ANY(ARRAY(SELECT t0.ctid" + from
                    + " LIMIT " + batch + "))")) {
                p.setString(1, tenant);
                return p.executeUpdate();
            }
        }
        List<String> key = j.def().keyColumns();
        if (key.isEmpty()) {
            String sql = j.own().hops().isEmpty()
                    ? "DELETE FROM " + e.q(schema, j.name()) + " WHERE " + e.q(j.own().tenantColumn()) + " = ? LIMIT " + batch
                    : "DELETE t0" + from; // a multi-table DELETE takes no LIMIT: keyless child tables go in one statement
            try (PreparedStatement p = s.prepareStatement(sql)) {
                p.setString(1, tenant);
                return p.executeUpdate();
            }
        }
        StringBuilder cols = new StringBuilder();
        for (String k : key) {
            cols.append(cols.length() > 0 ? ", " : "").append("t0.").append(e.q(k));
        }
        List<Object[]> keys = new ArrayList<>();
        try (PreparedStatement p = s.prepareStatement("SELECT " + cols + from + " LIMIT " + batch)) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Object[] k = new Object[key.size()];
                    for (int i = 0; i < k.length; i++) {
                        k[i] = r.getObject(i + 1);
                    }
                    keys.add(k);
                }
            }
        }
        if (keys.isEmpty()) {
            return 0;
        }
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(e.q(schema, j.name())).append(" WHERE (");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(e.q(key.get(i)));
        }
        sql.append(") IN (");
        String tuple = "(" + "?, ".repeat(key.size() - 1) + "?)";
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(tuple);
        }
        sql.append(')');
        try (PreparedStatement p = s.prepareStatement(sql.toString())) {
            int at = 1;
            for (Object[] k : keys) {
                for (Object v : k) {
                    p.setObject(at++, v);
                }
            }
            return p.executeUpdate();
        }
    }
}
