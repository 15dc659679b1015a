package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.KeyCollisions;
import io.tenantroute.migrator.internal.SourceCapture;
import io.tenantroute.migrator.internal.TableJob;
import io.tenantroute.migrator.internal.TargetSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a tenant back to where its last completed move came from, with every write made on the move's
 * destination since the cutover: the online move run in reverse ({@link TenantMover}'s own machinery). Capture
 * on the current target, replace the tenant's old rows on the old source (still fenced for the tenant: stale
 * writers keep getting {@code TR003} there; only the rollback's own sessions may rewrite the tenant's rows,
 * see {@link SourceCapture#grantBypass}), copy, catch up, freeze, fence the current target, final replay,
 * verify, flip the route back (compare-and-set), unfence the old source. Any failure before the flip leaves the
 * tenant active on its current target and the old source fenced. Journaled as kind {@code rollback}.
 *
 * <p>Refused with {@code TR011}, changing nothing: no completed move of the tenant; the route no longer points
 * at that move's destination; a {@code cleanup} of the tenant finished after the move (its old rows are gone);
 * the tenant is not fenced on the old source; a key of the tenant's current rows is held on the old source by
 * a row that is not the tenant's (first ones listed by table and key). Identity counters of a move start in a
 * range disjoint from the source's ({@link TargetSchema#startIdentities}), so such collisions come only from
 * keys the application chose itself.
 *
 * <p>Thread-safe for different tenants; one operation per tenant at a time (journal lock). Blocks on the
 * databases involved.
 */
public final class TenantRollback {
    private static final Logger LOG = LoggerFactory.getLogger(TenantRollback.class);
    private static final int HISTORY = 1000;
    private static final int COLLISIONS_LISTED = 5;

    private final TenantMapStore store;
    private final MigrationJournal journal;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /** Same arguments as {@link TenantMover#TenantMover}. */
    public TenantRollback(TenantMapStore store, MigrationJournal journal, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.journal = journal;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    /**
     * Builds the rollback's plan and pre-checks (old rows fenced and present, no key collisions, the move's
     * identity ranges), changing nothing ({@code --dry-run}).
     *
     * @param tenantColumn the tenant column, normally {@code tenant_id}
     * @return the plan: source = where the tenant lives now, target = the old source; {@link MovePlan#ready()}
     *     tells whether the rollback may start
     * @throws SQLException {@code TR011} no completed move, route moved on, or cleaned up; {@code TR006} invalid tenant
     */
    public MovePlan plan(String tenant, MoveMode mode, String tenantColumn) throws SQLException {
        Attempt a = new Attempt(tenant, mode, tenantColumn);
        return a.mover.planReverse(a.req, a);
    }

    /**
     * Rolls the tenant's last completed move back (see the class comment).
     *
     * @return the outcome; the route points at the old source again, active
     * @throws SQLException {@code TR011} when refused (nothing changed) or when a step failed (the tenant stays
     *     active on its current target, the old source stays fenced); {@code TR006} invalid tenant
     */
    public MoveResult rollback(String tenant, MoveMode mode, String tenantColumn, MoveListener listener) throws SQLException {
        return run(new Attempt(tenant, mode, tenantColumn), JournalKind.ROLLBACK, listener);
    }

    /** Runs the move machinery onto the attempt's old location; whatever happens, that location stays fenced until the flip. */
    private MoveResult run(Attempt a, JournalKind kind, MoveListener listener) throws SQLException {
        a.listener = listener;
        try {
            MoveResult r = a.mover.moveReverse(a.req, a, kind, listener);
            return new MoveResult(r.migrationId(), r.plan(), r.verification(), r.rowsCopied() + a.copied, r.rowsReplayed(),
                    r.writePauseMillis(), r.newRouteVersion());
        } catch (SQLException | RuntimeException ex) {
            a.refenceIfNotFlipped(ex);
            throw ex;
        } finally {
            a.disarm();
        }
    }

    /**
     * The journaled operation that left the tenant's fenced, stale rows at {@code target} / {@code schema}: the newest
     * completed move or rollback of the tenant whose source is that location, when no later one brought the tenant
     * there again and no cleanup removed those rows. A move back into that location (blue-green: the former
     * destination of a rolled-back move) replaces them instead of being refused for "target empty".
     *
     * @param schema the location's schema, or null to match the target alone
     * @return that operation, or null when the location holds no such rows of the tenant
     */
    MigrationJournal.Migration leftBehindAt(String tenant, String target, String schema) throws SQLException {
        for (MigrationJournal.Migration h : journal.history(tenant, HISTORY)) {
            if (!h.is(JournalStatus.DONE) || !(h.is(JournalKind.MOVE) || h.is(JournalKind.ROLLBACK))) {
                continue;
            }
            if (h.target().equals(target) && (schema == null || schema.equals(h.targetSchema()))) {
                return null; // the tenant arrived there after: its rows there are live (or were left by a newer operation)
            }
            if (h.source().equals(target) && (schema == null || schema.equals(h.sourceSchema()))) {
                return journal.cleanedUp(h.id()) == null ? h : null;
            }
        }
        return null;
    }

    /** The plan of a move into the location {@code left} left the tenant's stale rows at; see {@link #leftBehindAt}. */
    MovePlan planMoveBack(MoveRequest req, MigrationJournal.Migration left) throws SQLException {
        Attempt a = new Attempt(left, req);
        return a.mover.planReverse(a.req, a);
    }

    /**
     * Moves the tenant into the location {@code left} left its fenced, stale rows at (blue-green: back to the former
     * destination of a rolled-back move): the rollback's machinery — capture on the current target, the stale rows
     * replaced under the fence by this operation's own sessions, one-snapshot copy, catch-up, freeze, fence, final
     * replay, verify, flip, the location unfenced — journaled as kind {@code move}.
     */
    MoveResult moveBack(MoveRequest req, MigrationJournal.Migration left, MoveListener listener) throws SQLException {
        return run(new Attempt(left, req), JournalKind.MOVE, listener);
    }

    private Target resolve(String name) throws SQLException {
        return Archiving.resolve(store, sharedTarget, name);
    }

    /** One rollback: the move it reverses, the request, and the hooks the mover calls. */
    private final class Attempt implements TenantMover.Reverse {
        final String tenant;
        final MigrationJournal.Migration move;
        final Route before;
        final Target current;
        final Target old;
        final MoveRequest req;
        final TenantMover mover;
        volatile Long armed; // the rollback's migration id once old-source connections get the bypass
        String curSchema;
        long copied; // rows copied from one snapshot by the hook
        MoveListener listener = MoveListener.NONE;

        Attempt(String tenant, MoveMode mode, String tenantColumn) throws SQLException {
            TenantIds.requireValid(tenant);
            this.tenant = tenant;
            List<MigrationJournal.Migration> history = journal.history(tenant, HISTORY);
            MigrationJournal.Migration m = null;
            for (MigrationJournal.Migration h : history) {
                if (h.is(JournalKind.MOVE) && h.is(JournalStatus.DONE)) {
                    m = h;
                    break;
                }
            }
            if (m == null) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("rollback of tenant '" + tenant + "' refused: no completed move of the tenant"
                        + " in the journal");
            }
            MigrationJournal.Migration cleaned = journal.cleanedUp(m.id());
            if (cleaned != null) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("rollback of tenant '" + tenant + "' refused: its old rows on "
                        + m.source() + " were cleaned up (cleanup " + cleaned.id() + " of move " + m.id() + ", status " + cleaned.status()
                        + "; the archive is named in its journal)");
            }
            for (MigrationJournal.Migration h : history) {
                if (h.id() > m.id() && h.is(JournalStatus.DONE) && h.is(JournalKind.CLEANUP)) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("rollback of tenant '" + tenant + "' refused: its old rows on "
                            + m.source() + " were cleaned up (cleanup " + h.id() + " after move " + m.id() + ")");
                }
                if (h.id() > m.id() && h.is(JournalStatus.DONE) && h.is(JournalKind.ROLLBACK)) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("rollback of tenant '" + tenant + "' refused: move " + m.id()
                            + " was already rolled back (rollback " + h.id() + ")");
                }
            }
            this.move = m;
            Route route = store.route(tenant).orElse(Route.implicitShared(tenant));
            this.before = route;
            boolean onTarget = route.target().equals(m.target()) && (route.schema() == null || route.schema().equals(m.targetSchema()));
            if (!onTarget) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("rollback of tenant '" + tenant + "' refused: its route points at "
                        + route.target() + (route.schema() == null ? "" : "/" + route.schema()) + ", no longer at " + m.target()
                        + " where move " + m.id() + " put it");
            }
            this.current = resolve(route.target());
            this.old = resolve(m.source());
            this.req = MoveRequest.of(tenant, m.source()).withSchema(routeSchema(m), false).withMode(mode).withParallel(1)
                    .withTenantColumn(null, tenantColumn);
            this.mover = new TenantMover(store, journal, this::open, sharedTarget);
        }

        /** A move into the location {@code left} left the tenant's stale rows at, with the caller's options. */
        Attempt(MigrationJournal.Migration left, MoveRequest asked) throws SQLException {
            this.tenant = asked.tenant();
            this.move = left;
            this.before = store.route(tenant).orElse(Route.implicitShared(tenant));
            this.current = resolve(before.target());
            this.old = resolve(left.source());
            this.req = asked.withSchema(routeSchema(left), asked.createSchema()).withParallel(1);
            this.mover = new TenantMover(store, journal, this::open, sharedTarget);
        }

        /** The route's schema at {@code m}'s source as it was: none when it is that target's default schema. */
        private String routeSchema(MigrationJournal.Migration m) throws SQLException {
            String schema = m.sourceSchema();
            try (Connection c = connector.open(old)) {
                Dialect e = Dialect.of(c);
                String def = e == Dialect.MYSQL ? c.getCatalog() : defaultPgSchema(c);
                return Objects.equals(def, schema) ? null : schema;
            }
        }

        /** Connections to the old source get the bypass (and MySQL no FK checks) once the rollback is armed. */
        private Connection open(Target t) throws SQLException {
            Connection c = connector.open(t);
            Long id = armed;
            if (id != null && t.name().equals(old.name())) {
                try {
                    prepare(c, id);
                } catch (SQLException | RuntimeException ex) {
                    c.close();
                    throw ex;
                }
            }
            return c;
        }

        private void prepare(Connection c, long id) throws SQLException {
            Dialect e = Dialect.of(c);
            new SourceCapture(e, move.sourceSchema()).grantBypass(c, tenant, id);
            if (e == Dialect.MYSQL) {
                try (Statement s = c.createStatement()) {
                    // the old tables keep their foreign keys: copy and replay order rows freely, verification checks the result
                    s.execute("SET SESSION foreign_key_checks = 0");
                }
            }
        }

        @Override
        public List<PreCheck> destinationChecks(Dialect e, String srcSchema, Connection dst, String dstSchema, List<TableJob> jobs)
                throws SQLException {
            curSchema = srcSchema;
            List<PreCheck> checks = new ArrayList<>();
            SourceCapture.FenceState state = new SourceCapture(e, dstSchema).fenceState(dst, tenant);
            checks.add(new PreCheck("old rows fenced", state == SourceCapture.FenceState.FENCED, state == SourceCapture.FenceState.FENCED
                    ? old.name() + "/" + dstSchema + " rejects the tenant's writes since move " + move.id()
                    : "tenant '" + tenant + "' is not fenced on " + old.name() + "/" + dstSchema + " (" + (state == null ? "no fence" : state.stored())
                            + "): its old rows may have changed since move " + move.id()));
            List<String> missing = new ArrayList<>();
            for (TableJob j : jobs) {
                if (!TargetSchema.tableExists(e, dst, dstSchema, j.name())) {
                    missing.add(j.name());
                }
            }
            checks.add(new PreCheck("old tables present", missing.isEmpty(), missing.isEmpty() ? "" : "missing on " + old.name() + ": "
                    + String.join(", ", missing)));
            if (missing.isEmpty()) {
                List<String> hits;
                try (Connection cur = connector.open(current)) {
                    hits = KeyCollisions.find(e, cur, srcSchema, dst, dstSchema, jobs, tenant, COLLISIONS_LISTED);
                }
                checks.add(new PreCheck("no key collisions", hits.isEmpty(), hits.isEmpty()
                        ? "no key of the tenant on " + current.name() + " is held by another row on " + old.name()
                        : "keys of tenant '" + tenant + "' on " + current.name() + " are held by rows of other tenants on " + old.name()
                                + ": " + String.join("; ", hits)));
            }
            List<String> ranges = new ArrayList<>();
            for (MigrationJournal.IdentityRange r : journal.identityRanges(move.id())) {
                ranges.add(r.table() + "." + r.column() + " from " + r.start());
            }
            checks.add(new PreCheck("identity ranges", true, ranges.isEmpty() ? "none recorded by move " + move.id()
                    + " (no identity columns, or a move before ranges were kept apart): the key check above is the guard"
                    : "move " + move.id() + " started " + current.name() + "'s counters apart from " + old.name() + "'s: " + String.join(", ", ranges)));
            return checks;
        }

        @Override
        public boolean beforeCopy(long id, Connection src, Connection dst, String dstSchema, List<TableJob> jobs) throws SQLException {
            Dialect e = Dialect.of(dst);
            SourceCapture oldCap = new SourceCapture(e, dstSchema);
            oldCap.createTables(dst);
            armed = id;
            prepare(dst, id);
            // The tenant's rows coming back carry values from the current target's range, and that range stays live there
            // (other tenants moved to it keep inserting). A counter of the old source put just above the copied maximum
            // would hand out that range a second time (PostgreSQL, issue 15: the next rollback refused for collisions, the
            // next move into the current target failing on a duplicate key); on MySQL the explicit ids inserted would drag
            // the InnoDB counter there by themselves. So the old source's counters start above both sides' counters and
            // maxima first, by the same rule a move uses, on both engines.
            for (TableJob j : jobs) {
                for (TargetSchema.IdentityRange r : TargetSchema.startIdentities(e, dst, dstSchema, j, src, curSchema)) {
                    journal.identityRange(id, r.table(), r.column(), r.start());
                }
            }
            listener.step(MoveStep.REPLACE.journalName(), "removing the tenant's old rows on " + old.name() + "/" + dstSchema);
            for (int i = jobs.size() - 1; i >= 0; i--) { // children first
                TableJob j = jobs.get(i);
                long n = deleteOld(e, dst, dstSchema, j);
                journal.tableStep(id, MoveStep.REPLACE, j.name(), n, null);
                LOG.info("rollback of tenant '{}': {} old row(s) of {} removed on {}", tenant, n, j.name(), old.name());
            }
            if (req.mode() == MoveMode.OFFLINE) {
                return true; // the tenant is suspended and fenced: per-table snapshots agree, the bulk copy (parents first) is safe
            }
            copyFromOneSnapshot(e, dst, dstSchema, jobs, id);
            return false;
        }

        /**
         * Copies every table of the tenant from ONE snapshot of the current target (a REPEATABLE READ transaction),
         * parents first, into the old tables. The old tables keep their foreign keys (other tenants use them), so the
         * move's per-table snapshots — which disagree with each other until the catch-up — would break them. Changes
         * captured meanwhile are replayed afterwards, as in a move. Rows travel as text, bound and cast to the column
         * types (PostgreSQL) / as the move's copy reads them (MySQL), in batches of 1000.
         */
        private void copyFromOneSnapshot(Dialect e, Connection dst, String dstSchema, List<TableJob> jobs, long id) throws SQLException {
            try (Connection read = connector.open(current)) {
                read.setAutoCommit(false);
                read.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                read.setReadOnly(true);
                try {
                    for (TableJob j : jobs) {
                        try (PreparedStatement p = read.prepareStatement("SELECT COUNT(*)" + j.own().fromWhereTenant(e, curSchema))) {
                            p.setString(1, tenant);
                            try (ResultSet r = p.executeQuery()) {
                                r.next();
                                listener.tableStarted(j.name(), r.getLong(1));
                            }
                        }
                        long n = copyTable(e, read, dst, dstSchema, j);
                        copied += n;
                        journal.tableStep(id, MoveStep.COPY, j.name(), n, null);
                        listener.tableDone(j.name(), n);
                    }
                    read.commit();
                } finally {
                    try {
                        read.rollback();
                    } catch (SQLException ignored) {
                        // read-only transaction
                    }
                }
            }
        }

        private long copyTable(Dialect e, Connection read, Connection dst, String dstSchema, TableJob j) throws SQLException {
            StringBuilder values = new StringBuilder();
            for (String c : j.writtenNames()) {
                values.append(values.length() > 0 ? ", " : "").append(e == Dialect.POSTGRESQL ? "CAST(? AS " + j.type(c, dstSchema) + ")" : "?");
            }
            String insert = "INSERT INTO " + e.q(dstSchema, j.name()) + " (" + j.writeColumnList(e) + ")"
                    + (e == Dialect.POSTGRESQL ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" + values + ")";
            String select = "SELECT " + j.writeSelectList(e, e == Dialect.POSTGRESQL) + j.own().fromWhereTenant(e, curSchema);
            int cols = j.written().size();
            long rows = 0;
            dst.setAutoCommit(false);
            try (PreparedStatement sel = read.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                 PreparedStatement ins = dst.prepareStatement(insert)) {
                sel.setFetchSize(e == Dialect.MYSQL ? Integer.MIN_VALUE : 1000);
                sel.setString(1, tenant);
                try (ResultSet r = sel.executeQuery()) {
                    int inBatch = 0;
                    while (r.next()) {
                        for (int i = 1; i <= cols; i++) {
                            ins.setObject(i, j.read(e, r, i));
                        }
                        ins.addBatch();
                        rows++;
                        if (++inBatch == 1000) {
                            ins.executeBatch();
                            dst.commit();
                            inBatch = 0;
                            listener.tableProgress(j.name(), rows);
                        }
                    }
                    if (inBatch > 0) {
                        ins.executeBatch();
                    }
                }
                dst.commit();
            } catch (SQLException ex) {
                try {
                    dst.rollback();
                } catch (SQLException other) {
                    ex.addSuppressed(other);
                }
                throw ex;
            } finally {
                dst.setAutoCommit(true);
            }
            return rows;
        }

        /**
         * Deletes the tenant's rows of one table on the old source. PostgreSQL: one statement (foreign keys, also
         * self-references, are checked at its end). MySQL: batches of 1000 (FK checks are off for this session), so
         * no long row or gap locks on a database other tenants are using.
         */
        private long deleteOld(Dialect e, Connection c, String schema, TableJob j) throws SQLException {
            List<String> key = j.def().keyColumns();
            String tbl = e.q(schema, j.name());
            String sql;
            if (key.isEmpty()) {
                if (!j.own().hops().isEmpty()) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("table " + j.name() + " has no key and no tenant column: cannot replace"
                            + " the tenant's old rows");
                }
                sql = "DELETE FROM " + tbl + " WHERE " + e.q(j.own().tenantColumn()) + " = " + j.own().tenantParam(e, schema)
                        + (e == Dialect.MYSQL ? " LIMIT 1000" : "");
            } else {
                StringBuilder tuple = new StringBuilder(key.size() > 1 ? "(" : "");
                StringBuilder sel = new StringBuilder();
                for (int i = 0; i < key.size(); i++) {
                    tuple.append(i > 0 ? ", " : "").append(e.q(key.get(i)));
                    sel.append(i > 0 ? ", " : "").append("t0.").append(e.q(key.get(i)));
                }
                if (key.size() > 1) {
                    tuple.append(')');
                }
                String inner = "SELECT " + sel + j.own().fromWhereTenant(e, schema);
                sql = e == Dialect.POSTGRESQL ? "DELETE FROM " + tbl + " WHERE " + tuple + " IN (" + inner + ")"
                        : "DELETE FROM " + tbl + " WHERE " + tuple + " IN (SELECT * FROM (" + inner + " LIMIT 1000) k)";
            }
            long total = 0;
            try (PreparedStatement p = c.prepareStatement(sql)) {
                while (true) {
                    p.setString(1, tenant);
                    int n = p.executeUpdate();
                    total += n;
                    if (e == Dialect.POSTGRESQL || n == 0) {
                        return total;
                    }
                }
            }
        }

        /** After a failure: when the route still points at the current target, the old source must stay fenced. */
        void refenceIfNotFlipped(Exception failure) {
            try {
                Route r = store.route(tenant).orElse(Route.implicitShared(tenant));
                if (!r.target().equals(before.target()) || !Objects.equals(r.schema(), before.schema())) {
                    return; // flipped: the old source is where the tenant lives now
                }
                try (Connection c = connector.open(old)) {
                    SourceCapture cap = new SourceCapture(Dialect.of(c), move.sourceSchema());
                    if (cap.fenceState(c, tenant) != SourceCapture.FenceState.FENCED) {
                        cap.createTables(c);
                        cap.setState(c, tenant, SourceCapture.FenceState.FENCED, move.id(), req.fenceTimeoutMs());
                        LOG.warn("rollback of tenant '{}' failed after the old source was unfenced: fenced {} again", tenant, old.name());
                    }
                }
            } catch (SQLException | RuntimeException ex) {
                failure.addSuppressed(ex);
                LOG.error("rollback of tenant '{}' failed; could not make sure {} is fenced for it: {}", tenant, old.name(), TenantMover.oneLine(ex));
            }
        }

        /** Removes the rollback's bypass rows on the old source, whatever the outcome. */
        void disarm() {
            if (armed == null) {
                return;
            }
            armed = null;
            try (Connection c = connector.open(old)) {
                new SourceCapture(Dialect.of(c), move.sourceSchema()).revokeBypass(c, tenant);
            } catch (SQLException ex) {
                LOG.error("rollback of tenant '{}': could not remove its bypass rows on {}: {}", tenant, old.name(), TenantMover.oneLine(ex));
            }
        }
    }

    private static String defaultPgSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            return r.getString(1);
        }
    }
}
