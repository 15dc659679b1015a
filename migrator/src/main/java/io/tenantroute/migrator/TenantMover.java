package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.CatchUp;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Checksums;
import io.tenantroute.migrator.internal.Copier;
import io.tenantroute.migrator.internal.FlywaySchema;
import io.tenantroute.migrator.internal.IncrementalVerifier;
import io.tenantroute.migrator.internal.MoveMetrics;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.PgTypes;
import io.tenantroute.migrator.internal.Planner;
import io.tenantroute.migrator.internal.ReferenceTables;
import io.tenantroute.migrator.internal.Replayer;
import io.tenantroute.migrator.internal.SourceCapture;
import io.tenantroute.migrator.internal.TableJob;
import io.tenantroute.migrator.internal.TargetDataSource;
import io.tenantroute.migrator.internal.TargetSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one tenant between targets: the move's state machine.
 *
 * <p>Online: plan and pre-check → create the tables on the destination (no FKs yet) → start change capture on
 * the source and wait for older transactions → copy every owned table from its own snapshot (in parallel) →
 * replay captured changes in rounds until the lag is small → freeze the route (compare-and-set) → fence the
 * tenant on the source (waits for its in-flight writers, bounded) → final replay → add FKs, bump identity
 * counters → verify counts and checksums → flip the route to the destination, active (compare-and-set on the
 * frozen version). A failure before the flip unfences and unfreezes: the tenant stays on the source, fully
 * working. After the flip the source stays fenced for the tenant; its old rows remain there until cleanup.
 *
 * <p>Offline: suspend → fence → copy → verify → flip, active.
 *
 * <p>Thread-safe for different tenants; two moves of one tenant are refused by the journal lock. Every method
 * blocks on the databases involved.
 */
public final class TenantMover {
    private static final Logger LOG = LoggerFactory.getLogger(TenantMover.class);

    private final TenantMapStore store;
    private final MigrationJournal journal;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /**
     * @param store the tenant map (source of truth)
     * @param journal the move journal in the control database
     * @param connector opens connections to targets
     * @param sharedTarget the {@code shared} database when the map does not define a target of that name; may be null
     */
    public TenantMover(TenantMapStore store, MigrationJournal journal, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.journal = journal;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    private Target resolve(String name) throws SQLException {
        return Archiving.resolve(store, sharedTarget, name);
    }

    private static String defaultSchema(Dialect e, Connection c) throws SQLException {
        return Archiving.defaultSchema(e, c);
    }

    /** Everything a move needs, resolved once. */
    private final class Ctx {
        final MoveRequest req;
        final Route route;
        final Target src;
        final Target dst;
        Dialect se;
        Dialect de;
        String srcSchema;
        String dstSchema;
        Map<String, Catalog.Table> tables = Map.of();
        List<TableJob> jobs = List.of();
        MovePlan plan;
        /** {@code --copy-reference}: reference tables to copy whole (absent or empty on the destination at plan time). */
        List<Catalog.Table> references = List.of();
        /** Reference tables the destination keeps as they are (they already had rows). */
        List<String> referencesKept = List.of();
        /** When continuing an interrupted move: its id; its tables already copied; the tables it created. */
        Long resumeOf;
        Set<String> alreadyCopied = Set.of();
        List<String> createdEarlier = List.of();
        /** ... and the types it created (PostgreSQL, in the destination schema). */
        List<String> createdTypesEarlier = List.of();
        /** PostgreSQL: enum / domain / composite types the moved tables use, dependencies first (see {@link PgTypes}). */
        List<PgTypes.Type> types = List.of();
        Reverse reverse; // non-null: a rollback (TenantRollback) onto the tenant's fenced old rows

        Ctx(MoveRequest req) throws SQLException {
            this.req = req;
            this.route = store.route(req.tenant()).orElse(Route.implicitShared(req.tenant()));
            this.src = resolve(route.target());
            this.dst = resolve(req.target());
        }

        Map<String, TableJob> jobMap() {
            Map<String, TableJob> m = new LinkedHashMap<>();
            for (TableJob j : jobs) {
                m.put(j.name(), j);
            }
            return m;
        }
    }

    /**
     * Builds the plan and runs the pre-checks; changes nothing ({@code --dry-run}).
     *
     * @return the plan; {@link MovePlan#ready()} tells whether the move may start
     * @throws SQLException {@code TR006} invalid tenant, {@code TR005} unknown target, {@code TR010} map unreadable
     */
    public MovePlan plan(MoveRequest req) throws SQLException {
        MigrationJournal.Migration left = leftBehind(req);
        if (left != null) {
            return rollbacks().planMoveBack(req, left);
        }
        return plan(new Ctx(req)).plan;
    }

    private TenantRollback rollbacks() {
        return new TenantRollback(store, journal, connector, sharedTarget);
    }

    /**
     * Blue-green: the destination is a former location of the tenant that still holds its fenced, stale rows (the
     * former destination of a rolled-back move, or the source of a move that was not cleaned up).
     *
     * @return the journaled operation that left them there, or null
     */
    private MigrationJournal.Migration leftBehind(MoveRequest req) throws SQLException {
        TenantIds.requireValid(req.tenant());
        Route route = store.route(req.tenant()).orElse(Route.implicitShared(req.tenant()));
        if (route.target().equals(req.target()) || route.state() != RouteState.ACTIVE) {
            return null; // same target (schema moves) or not movable now: the normal plan says why
        }
        return rollbacks().leftBehindAt(req.tenant(), req.target(), req.targetSchema());
    }

    private Ctx plan(Ctx x) throws SQLException {
        MoveRequest req = x.req;
        List<PreCheck> checks = new ArrayList<>();
        List<PlannedTable> planned = new ArrayList<>();
        long totalBytes = 0;
        checks.add(new PreCheck("route active", x.route.state() == RouteState.ACTIVE,
                "tenant '" + req.tenant() + "' is on " + x.route.target() + ", " + x.route.state().label()));
        try (Connection s = connector.open(x.src)) {
            x.se = Dialect.of(s);
            x.srcSchema = x.route.schema() != null ? x.route.schema() : defaultSchema(x.se, s);
            checks.add(new PreCheck("source reachable", true, x.src.name() + " (" + x.se.name().toLowerCase() + ")"));
            x.tables = Catalog.read(s, x.se, x.srcSchema);
            List<Ownership> owned = Planner.owned(x.tables, req.tenantColumn(), req.tenantColumns());
            List<TableJob> jobs = new ArrayList<>();
            int order = 0;
            Set<String> ownedNames = new HashSet<>();
            List<String> keyless = new ArrayList<>();
            for (Ownership o : owned) {
                Catalog.Table t = x.tables.get(o.table());
                TableJob j = new TableJob(t, o);
                jobs.add(j);
                ownedNames.add(t.name());
                long rows = count(x.se, s, x.srcSchema, j, req.tenant());
                long bytes = t.estimatedRows() > 0 ? t.sizeBytes() * Math.min(rows, t.estimatedRows()) / t.estimatedRows() : 0;
                totalBytes += bytes;
                planned.add(new PlannedTable(t.name(), o.hops().isEmpty() ? "owned" : "child", o.describe(), t.keyColumns(), rows, bytes, order++));
                if (t.keyColumns().isEmpty()) {
                    keyless.add(t.name());
                }
            }
            for (Catalog.Table t : x.tables.values()) {
                if (!ownedNames.contains(t.name())) {
                    planned.add(new PlannedTable(t.name(), "reference", "", t.keyColumns(), -1, t.sizeBytes(), -1));
                }
            }
            x.jobs = jobs;
            if (x.se == Dialect.POSTGRESQL) {
                List<Catalog.Table> typed = new ArrayList<>();
                for (Catalog.Table t : x.tables.values()) {
                    if (ownedNames.contains(t.name()) || req.copyReference()) {
                        typed.add(t); // reference tables the destination lacks are created too with --copy-reference
                    }
                }
                x.types = PgTypes.used(s, x.srcSchema, typed);
            }
            checks.add(new PreCheck("tenant tables found", !jobs.isEmpty(),
                    jobs.size() + " owned/child table(s) in " + x.srcSchema + " with column " + req.tenantColumn()));
            checks.add(new PreCheck("keys for online capture", keyless.isEmpty() || req.mode() == MoveMode.OFFLINE,
                    keyless.isEmpty() ? "every table has a primary key or NOT NULL unique key"
                            : "no primary key or NOT NULL unique key: " + String.join(", ", keyless)
                                    + (req.mode() == MoveMode.OFFLINE ? " (accepted offline)" : " — online mode refuses them; add a key or use --mode offline")));
            checks.add(sourcePrivileges(x.se, s, x.srcSchema, jobs));
        } catch (SQLException ex) {
            checks.add(new PreCheck("source reachable", false, x.src.name() + ": " + oneLine(ex)));
        }
        try (Connection d = connector.open(x.dst)) {
            x.de = Dialect.of(d);
            x.dstSchema = req.targetSchema() != null ? req.targetSchema() : defaultSchema(x.de, d);
            checks.add(new PreCheck("target reachable", true, x.dst.name() + " (" + x.de.name().toLowerCase() + ")"));
            if (x.se != null) {
                checks.add(new PreCheck("same engine", x.se == x.de, x.se == x.de ? "" : "cross-engine moves are not supported yet"));
            }
            checks.add(new PreCheck("source and target differ", !(x.src.name().equals(x.dst.name()) && x.dstSchema != null
                    && x.dstSchema.equals(x.srcSchema)), x.dst.name() + " / " + x.dstSchema));
            boolean schemaOk = x.dstSchema != null && (TargetSchema.schemaExists(x.de, d, x.dstSchema) || req.createSchema());
            checks.add(new PreCheck("target schema", schemaOk, x.dstSchema == null ? "no default schema: give --schema"
                    : TargetSchema.schemaExists(x.de, d, x.dstSchema) ? x.dstSchema + " exists" : x.dstSchema + (req.createSchema() ? " will be created" : " is absent: use --create")));
            if (req.schemaFrom() != null) {
                checks.add(schemaFromCheck(x));
            } else if (schemaOk && x.se == x.de && !x.types.isEmpty()) {
                checks.add(typesCheck(x, d));
            }
            if (schemaOk && x.se == x.de && x.reverse != null) {
                checks.addAll(x.reverse.destinationChecks(x.se, x.srcSchema, d, x.dstSchema, x.jobs));
            } else if (schemaOk && x.se == x.de) {
                List<String> busy = new ArrayList<>();
                for (TableJob j : x.jobs) {
                    boolean all = true;
                    for (String t : j.own().tables()) {
                        all &= TargetSchema.tableExists(x.de, d, x.dstSchema, t);
                    }
                    if (x.resumeOf != null && x.createdEarlier.contains(j.name())) {
                        continue; // its rows are the interrupted move's own copy
                    }
                    if (all && count(x.de, d, x.dstSchema, j, req.tenant()) > 0) {
                        busy.add(j.name());
                    } else if (TargetSchema.tableExists(x.de, d, x.dstSchema, j.name()) && !all) {
                        busy.add(j.name() + " (exists, but not its ownership chain)");
                    }
                }
                checks.add(new PreCheck("target empty for tenant", busy.isEmpty(),
                        busy.isEmpty() ? "" : "tenant rows already in " + String.join(", ", busy) + " (an earlier move? clean up or --abort)"));
                if (req.copyReference()) {
                    checks.add(referencePlan(x, d));
                }
            }
        } catch (SQLException ex) {
            checks.add(new PreCheck("target reachable", false, x.dst.name() + ": " + oneLine(ex)));
        }
        Long running = journal.activeMigration(req.tenant());
        boolean free = running == null || running.equals(x.resumeOf);
        checks.add(new PreCheck("no other move of tenant", free, free ? (running == null ? "" : "continuing migration " + running)
                : "migration " + running + " holds the lock"));
        x.plan = new MovePlan(req.tenant(), x.src.name(), x.srcSchema, x.dst.name(), x.dstSchema, req.mode(), planned, checks,
                Math.max(1, totalBytes / 50_000_000L));
        return x;
    }

    private PreCheck sourcePrivileges(Dialect e, Connection s, String schema, List<TableJob> jobs) throws SQLException {
        List<String> missing = new ArrayList<>();
        if (e == Dialect.POSTGRESQL) {
            for (TableJob j : jobs) {
                try (PreparedStatement p = s.prepareStatement("SELECT has_table_privilege(quote_ident(?) || '.' || quote_ident(?), 'TRIGGER')")) {
                    p.setString(1, schema);
                    p.setString(2, j.name());
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        if (!r.getBoolean(1)) {
                            missing.add("TRIGGER on " + j.name());
                        }
                    }
                }
            }
            try (PreparedStatement p = s.prepareStatement("SELECT has_database_privilege(current_database(), 'CREATE')"
                    + " OR EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'tenantroute' AND has_schema_privilege('tenantroute', 'CREATE'))");
                 ResultSet r = p.executeQuery()) {
                r.next();
                if (!r.getBoolean(1)) {
                    missing.add("CREATE on the database (schema tenantroute)");
                }
            }
        } else {
            try (PreparedStatement p = s.prepareStatement(
                    "SELECT privilege_type FROM information_schema.user_privileges WHERE grantee = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1),"
                            + " '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') UNION SELECT privilege_type FROM information_schema.schema_privileges"
                            + " WHERE table_schema = ? AND grantee = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
                            + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')")) {
                p.setString(1, schema);
                Set<String> privs = new HashSet<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        privs.add(r.getString(1));
                    }
                }
                for (String need : new String[] {"TRIGGER", "CREATE", "SELECT", "INSERT", "DELETE"}) {
                    if (!privs.contains(need)) {
                        missing.add(need + " on " + schema);
                    }
                }
            }
        }
        return new PreCheck("source privileges", missing.isEmpty(), missing.isEmpty() ? "" : "missing " + String.join(", ", missing));
    }

    private static long count(Dialect e, Connection c, String schema, TableJob j, String tenant) throws SQLException {
        return Archiving.count(e, c, schema, j, tenant);
    }

    static String oneLine(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        m = Target.maskUrl(m);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Moves the tenant (online or offline, per the request).
     *
     * @return the outcome; the route now points at the destination, active
     * @throws SQLException {@code TR011} when a pre-check fails or a step fails (the tenant then stays on its
     *     source, active and unfenced); {@code TR008} when the route changed under the move; vendor errors with
     *     their own state, wrapped in {@code TR011}
     */
    public MoveResult move(MoveRequest req, MoveListener listener) throws SQLException {
        MigrationJournal.Migration left = leftBehind(req);
        if (left != null) {
            LOG.info("tenant '{}': {} holds its fenced rows left by {} {}; they are replaced by this move", req.tenant(), req.target(),
                    left.kind(), left.id());
            return rollbacks().moveBack(req, left, listener);
        }
        Ctx x = plan(new Ctx(req));
        if (!x.plan.ready()) {
            StringBuilder b = new StringBuilder();
            for (PreCheck c : x.plan.checks()) {
                if (!c.passed()) {
                    b.append(b.length() > 0 ? "; " : "").append(c.name()).append(": ").append(c.detail());
                }
            }
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("move of tenant '" + req.tenant() + "' to " + req.target() + " refused: " + b);
        }
        long id = journal.begin(req.tenant(), x.src.name(), x.srcSchema, x.dst.name(), x.dstSchema, req.mode(), req.operator());
        return run(x, id, listener);
    }

    private MoveResult run(Ctx x, long id, MoveListener l) throws SQLException {
        MoveRequest req = x.req;
        String tenant = req.tenant();
        SourceCapture cap = new SourceCapture(x.se, x.srcSchema);
        List<String> created = new ArrayList<>(x.createdEarlier);
        List<String> createdTypes = new ArrayList<>(x.createdTypesEarlier);
        // the route version this move last wrote (destination hint, throttle, freeze); null while it has not touched the route
        Long routeVersion = null;
        long[] lastRouteVersion = {0};
        boolean flipped = false;
        boolean dstFenced = true; // offline: lifted at the flip without looking first
        AtomicLong copied = new AtomicLong();
        long replayed = 0;
        IncrementalVerifier verifier = null;
        Map<String, List<String>> unvalidated = new LinkedHashMap<>();
        Operation op = new Operation(journal, id, l);
        // undone in reverse order of registration when the move fails before the flip
        op.undoable("drop the tables and types created on " + x.dst.name(), () -> dropCreated(x, created, createdTypes));
        try (Connection src = connector.open(x.src); Connection dst = connector.open(x.dst)) {
            // 1. schema on the target
            op.enter(MoveStep.SCHEMA, x.dst.name() + "/" + x.dstSchema);
            if (req.createSchema()) {
                TargetSchema.createSchema(x.de, dst, x.dstSchema);
            }
            if (req.schemaFrom() != null) {
                schemaFromMigrations(x, dst, id, l, created);
            } else {
                // the types the tables use first (PostgreSQL): their DDL names them
                for (String t : PgTypes.create(dst, x.dstSchema, x.types)) {
                    createdTypes.add(t);
                    journal.tableStep(id, MoveStep.CREATE_TYPE, t, 0, null);
                }
                for (TableJob j : x.jobs) {
                    if (!TargetSchema.tableExists(x.de, dst, x.dstSchema, j.name())) {
                        TargetSchema.createTable(x.de, dst, x.dstSchema, j);
                        created.add(j.name());
                        journal.tableStep(id, MoveStep.CREATE, j.name(), 0, null);
                    }
                }
            }
            for (Catalog.Table t : x.references) {
                if (!TargetSchema.tableExists(x.de, dst, x.dstSchema, t.name())) {
                    TargetSchema.createTable(x.de, dst, x.dstSchema, ReferenceTables.job(t));
                    created.add(t.name());
                    journal.tableStep(id, MoveStep.CREATE, t.name(), 0, null);
                }
            }
            Map<String, TableJob> jobMap = x.jobMap();
            Replayer replayer = new Replayer(x.se, cap, x.srcSchema, x.dstSchema, jobMap, tenant);
            // 2. capture (online) or suspend + fence (offline), before any row is read
            op.enter(req.mode() == MoveMode.ONLINE ? MoveStep.CAPTURE : MoveStep.SUSPEND, x.src.name() + "/" + x.srcSchema);
            op.undoable("unfence the tenant on " + x.src.name(), () -> unfence(x, cap));
            cap.createTables(src);
            if (req.mode() == MoveMode.OFFLINE) {
                routeVersion = store.compareAndSetRoute(tenant, x.route.version(), x.route.target(), x.route.schema(), RouteState.SUSPENDED);
                lastRouteVersion[0] = routeVersion;
                op.undoable("set the route active again on " + x.src.name(), () -> routeBack(x, lastRouteVersion[0]));
                op.undoable("unfence the tenant on " + x.src.name(), () -> unfence(x, cap)); // before the route: no TR003 window
                op.pauseStartsNow();
            }
            for (TableJob j : x.jobs) {
                cap.installTriggers(src, j.own(), j.def().keyColumns(), req.settleTimeoutMs());
            }
            cap.setState(src, tenant, req.mode() == MoveMode.ONLINE ? SourceCapture.FenceState.CAPTURE : SourceCapture.FenceState.FENCED, id,
                    req.fenceTimeoutMs());
            cap.waitForOlderTransactions(src, req.settleTimeoutMs());
            boolean bulk = x.reverse == null || x.reverse.beforeCopy(id, src, dst, x.dstSchema, x.jobs);
            // 3. copy (when continuing an interrupted move: only the tables it had not finished, from scratch)
            op.enter(MoveStep.COPY, (x.jobs.size() - x.alreadyCopied.size()) + " table(s), parallel " + req.parallel()
                    + (x.alreadyCopied.isEmpty() ? "" : ", " + x.alreadyCopied.size() + " copied before the interruption"));
            for (TableJob j : x.jobs) {
                if (x.resumeOf != null && !x.alreadyCopied.contains(j.name())) {
                    TargetSchema.truncate(x.de, dst, x.dstSchema, j.name()); // created by the interrupted move: only its rows
                }
            }
            if (bulk) {
                copyAll(x, id, l, copied, created);
            }
            Map<String, Checksums.Result> referenceSums = copyReferences(x, id, l, src, dst);
            if (bulk) {
                for (TableJob j : x.jobs) {
                    TargetSchema.analyze(x.de, dst, x.dstSchema, j.name()); // plans for the by-key reads that follow
                }
            }
            // 4. catch up
            if (req.mode() == MoveMode.ONLINE) {
                op.enter(MoveStep.CATCHUP, replayer.pending(src) + " change(s) pending");
                long[] sinceVacuum = {0};
                replayed += CatchUp.run(replayer, src, dst, CatchUp.Policy.untilLag(req.maxCatchUpRounds(), req.lagRows()), (round, n, pending) -> {
                    sinceVacuum[0] = vacuumEvery(cap, src, sinceVacuum[0] + n);
                    MoveMetrics.catchUpLag(x.dst.name(), pending);
                    l.step(MoveStep.CATCHUP.journalName(), "round " + round + ", " + pending + " pending");
                });
                // 5. compare everything once, before the freeze; from here on only changed keys are re-read
                op.enter(MoveStep.PREVERIFY, "");
                // name the destination in the route: routers open connections to it now, not when the flip releases
                // every held transaction at once (a pool that starts empty opens its connections one at a time)
                routeVersion = store.compareAndSetRoute(tenant, x.route.version(), x.route.target(), x.route.schema(), RouteState.ACTIVE,
                        x.dst.name());
                lastRouteVersion[0] = routeVersion;
                op.undoable("set the route active again on " + x.src.name(), () -> routeBack(x, lastRouteVersion[0]));
                verifier = new IncrementalVerifier(x.se, x.srcSchema, x.dstSchema, x.jobs, tenant);
                replayer.track(verifier);
                requeueUncapturedCascades(x, cap, src, dst);
                if (x.reverse == null) {
                    // a range far above anything the source hands out meanwhile: safe to set before the freeze
                    for (TableJob j : x.jobs) {
                        bumpIdentities(x, id, src, dst, j);
                    }
                }
                checkReferences(x, src, referenceSums);
                verifier.baseline(src, dst);
                l.step(MoveStep.PREVERIFY.journalName(), verifier.toRecheck() + " key(s) differ after the copy");
                // writers as fast as the replay: once the backlog no longer shrinks, cut over near its low point rather
                // than after it has grown again (the final replay, inside the freeze, is this backlog)
                IncrementalVerifier v = verifier;
                replayed += CatchUp.run(replayer, src, dst, CatchUp.Policy.untilLag(req.maxCatchUpRounds(), req.lagRows()).whileShrinking(3),
                        (round, n, pending) -> {
                            sinceVacuum[0] = vacuumEvery(cap, src, sinceVacuum[0] + n);
                            MoveMetrics.catchUpLag(x.dst.name(), pending);
                            l.step(MoveStep.PREVERIFY.journalName(), "round " + round + ": " + v.toRecheck() + " key(s) differ, " + pending
                                    + " change(s) pending");
                        });
                long pending = replayer.pending(src);
                if (req.throttle() && pending > req.lagRows() && pending > req.throttleAboveRows()) {
                    routeVersion = store.compareAndSetRoute(tenant, routeVersion, x.route.target(), x.route.schema(), RouteState.THROTTLED,
                            x.dst.name());
                    lastRouteVersion[0] = routeVersion;
                    replayed += drainThrottled(x, l, replayer, src, dst, pending);
                }
                // a fence of this tenant on the destination (it lived there before) is lifted at the flip; looked up
                // now so that the common case, no fence there, costs nothing inside the write pause
                dstFenced = new SourceCapture(x.de, x.dstSchema).state(dst, tenant) != null;
                cap.vacuum(src); // the final replay reads the change table inside the freeze: without the dead rows
                verifier.refresh(src, dst);
                // what arrived during the vacuum (0.1-2.5 s under 3,200 writes/s) and the re-read: replayed now, in
                // rounds while they shrink, so that the freeze replays only what one short round lets through
                replayed += CatchUp.run(replayer, src, dst, CatchUp.Policy.shrinkingRounds(6, req.lagRows()), (round, n, left) -> { });
                // 6. freeze, fence, final replay
                op.enter(MoveStep.FREEZE, "");
                routeVersion = store.compareAndSetRoute(tenant, routeVersion, x.route.target(), x.route.schema(), RouteState.FROZEN,
                        x.dst.name());
                lastRouteVersion[0] = routeVersion;
                op.freeze();
                op.enter(MoveStep.FENCE, "waiting up to " + req.fenceTimeoutMs() + " ms for in-flight transactions");
                op.undoable("unfence the tenant on " + x.src.name(), () -> unfence(x, cap)); // before the route: no TR003 window
                cap.setState(src, tenant, SourceCapture.FenceState.FENCED, id, req.fenceTimeoutMs());
                op.enter(MoveStep.REPLAY, "");
                replayed += finalReplay(x, cap, replayer, src, dst);
            }
            // 7. constraints, counters, verify
            op.enter(MoveStep.CONSTRAINTS, "");
            Set<String> moved = new java.util.HashSet<>(jobMap.keySet());
            x.references.forEach(t -> moved.add(t.name())); // FKs from owned tables to copied reference tables come along
            moved.addAll(x.referencesKept);
            for (TableJob j : x.jobs) {
                // online: no scan inside the freeze (see TargetSchema.addForeignKeys); offline: validated now
                List<String> added = TargetSchema.addForeignKeys(x.de, dst, x.dstSchema, j, moved, verifier == null);
                if (verifier != null && !added.isEmpty()) {
                    unvalidated.put(j.name(), added);
                }
                if (verifier == null || x.reverse != null) {
                    bumpIdentities(x, id, src, dst, j); // above the copied maximum: after the last write
                }
            }
            if (verifier == null) {
                checkReferences(x, src, referenceSums);
            }
            op.enter(MoveStep.VERIFY, verifier == null ? "every row" : verifier.toRecheck() + " changed key(s)");
            VerifyReport report = verifier == null
                    ? verify(x.se, src, x.srcSchema, dst, x.dstSchema, x.jobs, tenant, x.src.name(), x.dst.name(), req.mismatchLimit())
                    : new VerifyReport(tenant, x.src.name(), x.dst.name(), verifier.finish(src, dst, req.mismatchLimit()));
            if (!report.matches()) {
                journalVerification(id, report);
                StringBuilder b = new StringBuilder();
                for (TableVerification tv : report.tables()) {
                    if (!tv.matches()) {
                        b.append(b.length() > 0 ? "; " : "").append(tv.table()).append(": rows ").append(tv.sourceRows()).append("/")
                                .append(tv.targetRows()).append(' ').append(tv.mismatches());
                    }
                }
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("verification failed for tenant '" + tenant + "': " + b);
            }
            // 7. flip: lift any stale fence of this tenant on the destination (it may have lived there before)
            op.enter(MoveStep.FLIP, x.dst.name());
            if (dstFenced) {
                new SourceCapture(x.de, x.dstSchema).unfence(dst, tenant);
            }
            long v = store.compareAndSetRoute(tenant, routeVersion, x.dst.name(), req.targetSchema(), RouteState.ACTIVE);
            flipped = true;
            op.pointOfNoReturn();
            long pauseMs = op.unfreeze();
            journalVerification(id, report);
            MoveMetrics.writePause(x.dst.name(), pauseMs);
            MoveMetrics.rowsCopied(x.dst.name(), copied.get());
            validateAfterFlip(x, dst, unvalidated, id);
            try {
                replayer.clearFenced(src);
                cap.clearChanges(src, tenant);
            } catch (SQLException ex) {
                LOG.warn("tenant '{}' moved; clearing its captured changes on {} failed: {}", tenant, x.src.name(), oneLine(ex));
            }
            op.done(null);
            l.step(MoveStep.DONE.journalName(), "tenant '" + tenant + "' now on " + x.dst.name() + ", write pause " + pauseMs + " ms"
                    + (op.pauseParts().isEmpty() ? "" : " (" + op.pauseParts() + " ms)"));
            LOG.info("tenant '{}' moved from {} to {}: {} rows copied, {} changes replayed, write pause {} ms", tenant, x.src.name(),
                    x.dst.name(), copied.get(), replayed, pauseMs);
            return new MoveResult(id, x.plan, report, copied.get(), replayed, pauseMs, v);
        } catch (SQLException | RuntimeException ex) {
            if (flipped) {
                op.done("after flip: " + oneLine(ex));
                throw ex;
            }
            LOG.warn("move of tenant '{}' to {} failed at {}; rolling back, tenant stays on {}", tenant, x.dst.name(), op.step(), x.src.name());
            throw op.failed(ex, "move of tenant '" + tenant + "' to " + x.dst.name(), "; the tenant stays on " + x.src.name());
        }
    }

    /**
     * MySQL: queues, as changes, the target rows left behind by FK actions the source applied without firing the
     * capture triggers (see {@link TargetSchema#uncapturedCascadeKeys}); the replayer then re-reads them.
     *
     * @return keys queued
     */
    private long requeueUncapturedCascades(Ctx x, SourceCapture cap, Connection src, Connection dst) throws SQLException {
        if (x.de != Dialect.MYSQL) {
            return 0;
        }
        long n = 0;
        Set<String> moved = x.jobMap().keySet();
        for (TableJob j : x.jobs) {
            List<String> keys = TargetSchema.uncapturedCascadeKeys(x.de, dst, x.dstSchema, j, moved);
            cap.enqueue(src, j.name(), x.req.tenant(), keys);
            n += keys.size();
        }
        if (n > 0) {
            LOG.info("tenant '{}': {} row(s) changed on the source by FK actions (no trigger fires for them) queued for replay", x.req.tenant(), n);
        }
        return n;
    }

    /** How long a move throttles the tenant's transactions at most, waiting for the backlog to drain (ms). */
    static final long THROTTLE_MAX_MS = 10_000;

    /**
     * The tenant's writers keep the catch-up backlog from draining (they use the database's whole capacity, and the
     * replay is one client among them): throttle the tenant ({@link RouteState#THROTTLED} — every router lets only a
     * few of its transactions run at once, each waiting a bounded time for its turn) and replay until the backlog is
     * at most {@link MoveRequest#lagRows()}, it stops shrinking for 3 rounds, or {@link #THROTTLE_MAX_MS} passed. The
     * route stays throttled until the freeze; a failure before the flip makes it active again (the undo registered at the pre-verification).
     * Called with the route just set throttled.
     *
     * @return changes replayed
     */
    private long drainThrottled(Ctx x, MoveListener l, Replayer replayer, Connection src, Connection dst, long pending) throws SQLException {
        String tenant = x.req.tenant();
        long replayed = 0;
        long start = System.nanoTime();
        l.step(MoveStep.THROTTLE.journalName(), pending + " change(s) pending and not draining: the tenant's transactions are throttled until the cutover");
        LOG.info("tenant '{}': {} change(s) pending and not draining; throttling its transactions until the cutover", tenant, pending);
        long[] left = {pending};
        replayed += CatchUp.run(replayer, src, dst, CatchUp.Policy.untilLag(Integer.MAX_VALUE, x.req.lagRows()).whileShrinking(3)
                .atMostMillis(THROTTLE_MAX_MS).from(pending), (round, n, now) -> {
                    left[0] = now;
                    MoveMetrics.catchUpLag(x.dst.name(), now);
                    l.step(MoveStep.THROTTLE.journalName(), "round " + round + ": " + now + " change(s) pending");
                });
        LOG.info("tenant '{}': throttled {} ms, {} change(s) pending", tenant, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), left[0]);
        return replayed;
    }

    /** Changes consumed between two vacuums of the change table during catch-up (see {@link SourceCapture#vacuum}). */
    private static final long VACUUM_EVERY = 20_000;

    /** @return the changes consumed since the change table was last vacuumed (0 when it was just now) */
    private static long vacuumEvery(SourceCapture cap, Connection src, long consumed) throws SQLException {
        if (consumed < VACUUM_EVERY) {
            return consumed;
        }
        cap.vacuum(src);
        return 0;
    }

    /** Final replay inside the freeze, until no uncaptured cascade is left behind (a few passes at most). */
    private long finalReplay(Ctx x, SourceCapture cap, Replayer replayer, Connection src, Connection dst) throws SQLException {
        long n = replayer.fencedRound(src, dst);
        for (int pass = 0; pass < 3 && requeueUncapturedCascades(x, cap, src, dst) > 0; pass++) {
            n += replayer.fencedRound(src, dst);
        }
        return n;
    }

    /** {@code --copy-reference} in the plan: which reference tables are copied whole and which the destination keeps. */
    private PreCheck referencePlan(Ctx x, Connection d) throws SQLException {
        Set<String> owned = x.jobMap().keySet();
        List<Catalog.Table> copy = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> keptDetail = new ArrayList<>();
        for (Catalog.Table t : x.tables.values()) {
            if (owned.contains(t.name())) {
                continue;
            }
            long rows = ReferenceTables.rows(x.de, d, x.dstSchema, t.name());
            if (rows > 0 && !x.createdEarlier.contains(t.name())) {
                kept.add(t.name());
                keptDetail.add(t.name() + " (" + rows + " rows there, kept)");
            } else {
                copy.add(t);
            }
        }
        x.references = copy;
        x.referencesKept = kept;
        List<String> names = copy.stream().map(Catalog.Table::name).toList();
        return new PreCheck("reference tables (--copy-reference)", true, (names.isEmpty() ? "none to copy" : "copied whole: "
                + String.join(", ", names)) + (kept.isEmpty() ? "" : "; " + String.join(", ", keptDetail)));
    }

    /**
     * Copies the reference tables whole (after the tenant's tables, before catch-up) and checksums the copies.
     *
     * @return table → checksum of what was copied, for {@link #checkReferences}
     */
    private Map<String, Checksums.Result> copyReferences(Ctx x, long id, MoveListener l, Connection src, Connection dst) throws SQLException {
        Map<String, Checksums.Result> sums = new LinkedHashMap<>();
        for (Catalog.Table t : x.references) {
            if (x.resumeOf != null) {
                TargetSchema.truncate(x.de, dst, x.dstSchema, t.name());
            }
            long n = ReferenceTables.copy(x.se, src, x.srcSchema, dst, x.dstSchema, t);
            journal.tableStep(id, MoveStep.COPY_REFERENCE, t.name(), n, null);
            l.step(MoveStep.COPY.journalName(), "reference table " + t.name() + ": " + n + " row(s) copied whole");
            sums.put(t.name(), ReferenceTables.checksum(x.de, dst, x.dstSchema, t));
        }
        return sums;
    }

    /**
     * Before the freeze: reference tables are not captured, so each copied one must still equal the source's.
     *
     * @throws SQLException {@code TR011} naming the table when it changed during the move
     */
    private void checkReferences(Ctx x, Connection src, Map<String, Checksums.Result> sums) throws SQLException {
        for (Catalog.Table t : x.references) {
            Checksums.Result now = ReferenceTables.checksum(x.se, src, x.srcSchema, t);
            Checksums.Result copy = sums.get(t.name());
            if (copy != null && !now.equals(copy)) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("reference table " + t.name() + " changed on " + x.src.name()
                        + " during the move of tenant '" + x.req.tenant() + "' (" + copy.rows() + " rows copied, " + now.rows()
                        + " now; reference tables are copied once, not captured): run the move again");
            }
        }
    }

    /**
     * After the flip, outside the write pause: checks the copied rows against the foreign keys added NOT VALID
     * inside the freeze (PostgreSQL). A violation cannot come from the move (the rows equal the source's, where
     * the constraint holds) but from data the source's constraints did not cover; it is logged and journaled, and
     * the constraint stays enforced for new writes.
     */
    private void validateAfterFlip(Ctx x, Connection dst, Map<String, List<String>> unvalidated, long id) {
        for (Map.Entry<String, List<String>> en : unvalidated.entrySet()) {
            try {
                TargetSchema.validateForeignKeys(x.de, dst, x.dstSchema, en.getKey(), en.getValue());
            } catch (SQLException ex) {
                LOG.warn("tenant '{}' moved to {}; foreign key(s) {} of {} stay NOT VALID: {}", x.req.tenant(), x.dst.name(), en.getValue(),
                        en.getKey(), oneLine(ex));
                try {
                    journal.tableStep(id, MoveStep.FK_NOT_VALID, en.getKey(), -1, null);
                } catch (SQLException je) {
                    LOG.warn("could not journal it: {}", oneLine(je));
                }
            }
        }
    }

    private void journalVerification(long id, VerifyReport report) throws SQLException {
        for (TableVerification tv : report.tables()) {
            journal.tableStep(id, MoveStep.VERIFY, tv.table(), tv.targetRows(), tv.targetChecksum());
        }
    }



    /** Undo: the tenant's fence row and captured changes on the source removed (it writes there again, uncaptured). */
    private void unfence(Ctx x, SourceCapture cap) throws SQLException {
        try (Connection src = connector.open(x.src)) {
            cap.unfence(src, x.req.tenant());
        }
    }

    /** Undo: the route active again on the source (unfrozen, unthrottled, resumed, without the destination hint). */
    private void routeBack(Ctx x, long routeVersion) throws SQLException {
        store.compareAndSetRoute(x.req.tenant(), routeVersion, x.route.target(), x.route.schema(), RouteState.ACTIVE);
    }

    /** Undo: the tables and types this move created on the destination dropped (never ones that were there). */
    private void dropCreated(Ctx x, List<String> created, List<String> createdTypes) throws SQLException {
        if (created.isEmpty() && createdTypes.isEmpty()) {
            return;
        }
        try (Connection dst = connector.open(x.dst)) {
            for (String t : created) {
                TargetSchema.dropTable(x.de, dst, x.dstSchema, t);
            }
            PgTypes.drop(dst, x.dstSchema, createdTypes);
        }
    }

    /**
     * PostgreSQL plan pre-check: the enum / domain / composite types the tables use, against the destination
     * ({@link PgTypes#check}): which are created, which are there already; a type there with another definition
     * (or a type of another schema absent there) refuses the move, named.
     */
    private static PreCheck typesCheck(Ctx x, Connection d) throws SQLException {
        PgTypes.Check ck = PgTypes.check(d, x.dstSchema, x.types);
        List<String> detail = new ArrayList<>();
        if (!ck.toCreate().isEmpty()) {
            detail.add("created in " + x.dstSchema + ": " + String.join(", ", ck.toCreate().stream().map(PgTypes.Type::name).toList()));
        }
        if (!ck.present().isEmpty()) {
            detail.add("already there, same definition: " + String.join(", ", ck.present().stream().map(t -> t.qualified(x.dstSchema)).toList()));
        }
        detail.addAll(ck.conflicts());
        return new PreCheck("custom types", ck.conflicts().isEmpty(), String.join("; ", detail));
    }

    /**
     * Destination tables this move did not create (moving back into a shared database) keep their foreign keys, and
     * the per-table copy snapshots disagree with each other until the catch-up (a child copied after a parent row it
     * references was inserted). PostgreSQL: the copy sessions defer the checks as {@code pg_restore --disable-triggers}
     * does, {@code SET session_replication_role = replica} (superuser, or {@code GRANT SET ON PARAMETER
     * session_replication_role} on PostgreSQL 15+); the catch-up and final replay, with the checks on, bring the rows
     * to a consistent state, and verification compares every row. MySQL: the load session already runs with
     * {@code foreign_key_checks = 0}.
     */
    private static void deferForeignKeysForCopy(Ctx x, Connection d, List<String> created) throws SQLException {
        if (x.de != Dialect.POSTGRESQL) {
            return;
        }
        Set<String> moved = x.jobMap().keySet();
        boolean constrained = false;
        for (TableJob j : x.jobs) {
            if (!created.contains(j.name()) && j.def().foreignKeys().stream().anyMatch(fk -> moved.contains(fk.refTable()))) {
                constrained = true;
            }
        }
        if (!constrained) {
            return;
        }
        try (var st = d.createStatement()) {
            st.execute("SET session_replication_role = replica");
        } catch (SQLException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("the tables of tenant '" + x.req.tenant() + "' on " + x.dst.name() + "/"
                    + x.dstSchema + " already exist with foreign keys; copying into them needs the checks deferred"
                    + " (SET session_replication_role: superuser, or GRANT SET ON PARAMETER session_replication_role): " + oneLine(ex), ex);
        }
    }

    private void copyAll(Ctx x, long id, MoveListener l, AtomicLong copied, List<String> created) throws SQLException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(x.req.parallel(), Math.max(1, x.jobs.size())), r -> {
            Thread t = new Thread(r, "tenantroute-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Long> expected = new LinkedHashMap<>();
            for (PlannedTable p : x.plan.tables()) {
                expected.put(p.name(), p.tenantRows());
            }
            List<Future<?>> fs = new ArrayList<>();
            for (TableJob j : x.jobs) {
                if (x.alreadyCopied.contains(j.name())) {
                    continue;
                }
                fs.add(pool.submit(() -> {
                    l.tableStarted(j.name(), expected.getOrDefault(j.name(), 0L));
                    try (Connection s = connector.open(x.src); Connection d = connector.open(x.dst)) {
                        deferForeignKeysForCopy(x, d, created);
                        long n = Copier.copy(x.se, s, x.srcSchema, d, x.dstSchema, j, x.req.tenant(), rows -> l.tableProgress(j.name(), rows));
                        copied.addAndGet(n);
                        journal.tableStep(id, MoveStep.COPY, j.name(), n, null);
                        l.tableDone(j.name(), n);
                    }
                    return null;
                }));
            }
            SQLException first = null;
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException ee) {
                    Throwable c = ee.getCause();
                    SQLException se = c instanceof SQLException ? (SQLException) c : new SQLException(oneLine(c), c);
                    if (first == null) {
                        first = se;
                        fs.forEach(o -> o.cancel(true));
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted during copy");
                } catch (java.util.concurrent.CancellationException ignored) {
                    // cancelled after the first failure
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static VerifyReport verify(Dialect e, Connection src, String srcSchema, Connection dst, String dstSchema, List<TableJob> jobs,
            String tenant, String srcName, String dstName, int limit) throws SQLException {
        List<TableVerification> out = new ArrayList<>();
        // Source and target are read at the same time (two connections, two databases): inside the freeze the
        // verification is the longest step, and each side is mostly reading and hashing rows.
        ExecutorService sourceSide = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tenantroute-verify-source");
            t.setDaemon(true);
            return t;
        });
        try {
            for (TableJob j : jobs) {
                out.add(verifyTable(e, src, srcSchema, dst, dstSchema, j, tenant, limit, sourceSide));
            }
        } finally {
            sourceSide.shutdownNow();
        }
        return new VerifyReport(tenant, srcName, dstName, out);
    }

    private static TableVerification verifyTable(Dialect e, Connection src, String srcSchema, Connection dst, String dstSchema,
            TableJob j, String tenant, int limit, ExecutorService sourceSide) throws SQLException {
        Future<Checksums.Result> sourceResult = sourceSide.submit(() -> Checksums.compute(e, src, srcSchema, j, tenant, null));
        Checksums.Result b;
        try {
            b = Checksums.compute(e, dst, dstSchema, j, tenant, null);
        } catch (SQLException | RuntimeException ex) {
            // never leave the source connection busy on another thread while the caller rolls back with it
            try {
                awaitSource(sourceResult);
            } catch (SQLException | RuntimeException other) {
                ex.addSuppressed(other);
            }
            throw ex;
        }
        Checksums.Result a = awaitSource(sourceResult);
        List<String> mism = List.of();
        if (a.rows() != b.rows() || !a.checksum().equals(b.checksum())) {
            Map<String, String> ka = Checksums.newKeyMap();
            Map<String, String> kb = Checksums.newKeyMap();
            Checksums.compute(e, src, srcSchema, j, tenant, ka);
            Checksums.compute(e, dst, dstSchema, j, tenant, kb);
            mism = Checksums.diff(ka, kb, limit);
        }
        return new TableVerification(j.name(), a.rows(), b.rows(), a.checksum(), b.checksum(), mism);
    }

    private static Checksums.Result awaitSource(Future<Checksums.Result> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted while verifying", ex);
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            if (c instanceof SQLException) {
                throw (SQLException) c;
            }
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("verification of the source failed: " + c, c);
        }
    }

    /**
     * Compares the tenant's rows where it lives now with another target (e.g. the source of its last move).
     *
     * @param tenant the tenant
     * @param against the other target's name
     * @param againstSchema schema / database there, or null for its default
     * @param tenantColumn the tenant column (normally {@code tenant_id})
     * @return per-table counts, checksums and the first mismatches
     * @throws SQLException {@code TR005} unknown target, vendor errors when a database is unreachable
     */
    public VerifyReport verify(String tenant, String against, String againstSchema, String tenantColumn) throws SQLException {
        TenantIds.requireValid(tenant);
        Route route = store.route(tenant).orElse(Route.implicitShared(tenant));
        Target here = resolve(route.target());
        Target there = resolve(against);
        try (Connection a = connector.open(here); Connection b = connector.open(there)) {
            Dialect e = Dialect.of(a);
            String sa = route.schema() != null ? route.schema() : defaultSchema(e, a);
            String sb = againstSchema != null ? againstSchema : defaultSchema(Dialect.of(b), b);
            Map<String, Catalog.Table> tables = Catalog.read(a, e, sa);
            List<TableJob> jobs = new ArrayList<>();
            for (Ownership o : Planner.owned(tables, tenantColumn, Map.of())) {
                jobs.add(new TableJob(tables.get(o.table()), o));
            }
            return verify(e, a, sa, b, sb, jobs, tenant, here.name(), there.name(), 10);
        }
    }

    /**
     * Abandons an interrupted or failed move of the tenant: if the route was not flipped, unfences the source,
     * makes the route active on the source again and drops the tables the move created on the destination;
     * then releases the journal lock.
     *
     * @return the aborted migration id, or -1 when no move of the tenant holds the lock
     * @throws SQLException when a database is unreachable (the lock stays; run abort again)
     */
    public long abort(String tenant) throws SQLException {
        TenantIds.requireValid(tenant);
        Long id = journal.activeMigration(tenant);
        if (id == null) {
            return -1;
        }
        MigrationJournal.Migration m = journal.get(id);
        Route route = store.route(tenant).orElse(Route.implicitShared(tenant));
        boolean flipped = route.target().equals(m.target()) && (!m.target().equals(m.source())
                || java.util.Objects.equals(route.schema(), emptyToNull(m.targetSchema())));
        if (flipped) {
            journal.finish(id, JournalStatus.DONE, "aborted after the flip: the tenant already lives on " + m.target());
            return id;
        }
        Target src = resolve(m.source());
        try (Connection s = connector.open(src)) {
            new SourceCapture(Dialect.of(s), m.sourceSchema()).unfence(s, tenant);
        }
        if ((route.state() != RouteState.ACTIVE || route.nextTarget() != null) && route.target().equals(m.source())) {
            store.compareAndSetRoute(tenant, route.version(), route.target(), route.schema(), RouteState.ACTIVE); // also drops the hint
        }
        List<String> created = new ArrayList<>();
        List<String> createdTypes = new ArrayList<>();
        for (MigrationJournal.Step st : journal.steps(id)) {
            if (MoveStep.CREATE.is(st.step()) && st.table() != null) {
                created.add(st.table());
            } else if (MoveStep.CREATE_TYPE.is(st.step()) && st.table() != null) {
                createdTypes.add(st.table());
            }
        }
        if (!created.isEmpty() || !createdTypes.isEmpty()) {
            Target dst = resolve(m.target());
            try (Connection d = connector.open(dst)) {
                Dialect e = Dialect.of(d);
                for (String t : created) {
                    TargetSchema.dropTable(e, d, m.targetSchema(), t);
                }
                if (e == Dialect.POSTGRESQL) {
                    PgTypes.drop(d, m.targetSchema(), createdTypes);
                }
            }
        }
        journal.finish(id, JournalStatus.ABORTED, null);
        return id;
    }

    /**
     * Resumes an interrupted move. When its route already flipped, the journal is closed as done. When it had
     * copied at least one table online, created every table it copies into, and change capture for it is still
     * on at the source, it continues: the route is made active on the source again (it may have been killed while
     * frozen), the source goes back from fenced to capturing, tables it had not finished are emptied and copied
     * again, and the move goes on from catch-up — captured changes replay over the kept copy. Otherwise the
     * interrupted attempt is rolled back ({@link #abort}) and the move starts again from the plan with {@code req}.
     * Nothing is lost either way: before the flip the tenant's data of record is on the source, and every change
     * since the copy began is captured.
     *
     * @return the move's result, or null when the interrupted move had already flipped
     * @throws SQLException {@code TR011} when the move fails again (the tenant then stays on its source)
     */
    public MoveResult resume(MoveRequest req, MoveListener listener) throws SQLException {
        Long id = journal.activeMigration(req.tenant());
        if (id == null) {
            return move(req, listener);
        }
        MigrationJournal.Migration m = journal.get(id);
        Ctx cont = continuation(req, m);
        if (cont != null) {
            LOG.info("continuing move {} of tenant '{}' to {}: {} of {} table(s) already copied", id, req.tenant(), m.target(),
                    cont.alreadyCopied.size(), cont.jobs.size());
            journal.step(id, MoveStep.RESUME);
            return run(cont, id, listener);
        }
        abort(req.tenant());
        MigrationJournal.Migration after = journal.get(id);
        if (after.is(JournalStatus.DONE)) {
            return null;
        }
        LOG.info("resuming move of tenant '{}' (migration {} from {} rolled back, starting again)", req.tenant(), id, m.source());
        return move(req, listener);
    }

    /** @return a context that continues move {@code m} from its catch-up, or null when it has to start again */
    private Ctx continuation(MoveRequest req, MigrationJournal.Migration m) throws SQLException {
        if (!m.is(JournalKind.MOVE) || !"online".equals(m.mode()) || req.mode() != MoveMode.ONLINE
                || !m.target().equals(req.target())) {
            return null;
        }
        Route route = store.route(req.tenant()).orElse(Route.implicitShared(req.tenant()));
        if (!route.target().equals(m.source())) {
            return null; // flipped (abort closes it) or changed by hand
        }
        if (rollbacks().leftBehindAt(req.tenant(), m.target(), m.targetSchema()) != null) {
            return null; // a move back into a former location replaces its rows under the fence: started again, not continued
        }
        Set<String> copiedTables = new java.util.HashSet<>();
        List<String> createdTables = new ArrayList<>();
        List<String> createdTypes = new ArrayList<>();
        for (MigrationJournal.Step st : journal.steps(m.id())) {
            if (MoveStep.COPY.is(st.step()) && st.table() != null) {
                copiedTables.add(st.table());
            } else if (MoveStep.CREATE.is(st.step()) && st.table() != null) {
                createdTables.add(st.table());
            } else if (MoveStep.CREATE_TYPE.is(st.step()) && st.table() != null) {
                createdTypes.add(st.table());
            }
        }
        Target src = resolve(m.source());
        SourceCapture.FenceState state;
        Long owner;
        try (Connection s = connector.open(src)) {
            SourceCapture cap = new SourceCapture(Dialect.of(s), m.sourceSchema());
            state = cap.fenceState(s, req.tenant());
            owner = cap.migrationOf(s, req.tenant());
        }
        if (copiedTables.isEmpty() || owner == null || owner != m.id() || state == null) {
            return null;
        }
        // back to capturing on an active route before planning (the plan wants an active route)
        try (Connection s = connector.open(src)) {
            new SourceCapture(Dialect.of(s), m.sourceSchema()).setState(s, req.tenant(), SourceCapture.FenceState.CAPTURE, m.id(), req.fenceTimeoutMs());
        }
        if (route.state() == RouteState.FROZEN || route.state() == RouteState.THROTTLED || route.nextTarget() != null) {
            // the interrupted move froze or throttled it, or named its destination: active again, without the hint
            store.compareAndSetRoute(req.tenant(), route.version(), route.target(), route.schema(), RouteState.ACTIVE);
        }
        Ctx x = new Ctx(req);
        x.resumeOf = m.id();
        x.createdEarlier = createdTables;
        x.createdTypesEarlier = createdTypes;
        plan(x);
        Set<String> jobNames = x.jobMap().keySet();
        if (!createdTables.containsAll(jobNames) || !x.plan.ready() || !java.util.Objects.equals(x.dstSchema, m.targetSchema())) {
            return null; // a table it did not create may hold other rows: start again cleanly
        }
        copiedTables.retainAll(jobNames);
        x.alreadyCopied = copiedTables;
        return x;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * Plan pre-check of {@code --schema-from flyway:…}: the location parses and holds migrations; reads the
     * destination's Flyway history, changes nothing.
     */
    private PreCheck schemaFromCheck(Ctx x) {
        String name = "schema from " + x.req.schemaFrom();
        try {
            FlywaySchema fs = FlywaySchema.parse(x.req.schemaFrom());
            int[] n = fs.info(new TargetDataSource(connector, x.dst), x.dstSchema);
            return new PreCheck(name, n[0] > 0, n[0] + " migration(s) found" + (n[0] == 0 ? " at " + fs.location()
                    : ", " + n[1] + " pending on " + x.dst.name() + "/" + x.dstSchema));
        } catch (SQLException ex) {
            return new PreCheck(name, false, oneLine(ex));
        }
    }

    /**
     * The schema step with {@code --schema-from flyway:…}: runs the app's migrations into the destination schema,
     * records every table they created (absent before, Flyway's history table included) as created by this move
     * (dropped again if the move fails or is aborted), refuses with {@code TR011} when a moved table or column
     * does not match the source (every difference named {@code table.column}), and drops the migrations' foreign
     * keys on the moved tables for the copy (the constraints step adds the source's definitions back).
     */
    private void schemaFromMigrations(Ctx x, Connection dst, long id, MoveListener l, List<String> created) throws SQLException {
        FlywaySchema fs = FlywaySchema.parse(x.req.schemaFrom());
        Set<String> before = FlywaySchema.tableNames(x.de, dst, x.dstSchema);
        int ran;
        try {
            ran = fs.migrate(new TargetDataSource(connector, x.dst), x.dstSchema);
        } catch (SQLException ex) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("move of tenant '" + x.req.tenant() + "' to " + x.dst.name()
                    + " failed at step schema: " + oneLine(ex) + "; the tables the migrations created are dropped, the tenant stays on "
                    + x.src.name(), ex);
        } finally {
            for (String t : FlywaySchema.tableNames(x.de, dst, x.dstSchema)) {
                if (!before.contains(t)) {
                    created.add(t);
                    journal.tableStep(id, MoveStep.CREATE, t, 0, null);
                }
            }
        }
        l.step(MoveStep.SCHEMA.journalName(), ran + " migration(s) applied from " + fs.location() + ", " + created.size() + " table(s) created");
        Map<String, Catalog.Table> have = Catalog.read(dst, x.de, x.dstSchema);
        List<String> diffs = FlywaySchema.differences(x.de, x.jobs, have);
        if (!diffs.isEmpty()) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("schema from " + fs.spec() + " does not match the source for tenant '"
                    + x.req.tenant() + "' on " + x.dst.name() + "/" + x.dstSchema + ": " + String.join("; ", diffs) + " — move refused before any copy;"
                    + " the tables the migrations created are dropped, the tenant stays on " + x.src.name());
        }
        List<String> dropped = FlywaySchema.dropForeignKeys(x.de, dst, x.dstSchema, x.jobMap().keySet(), have);
        if (!dropped.isEmpty()) {
            l.step(MoveStep.SCHEMA.journalName(), "foreign keys off for the copy (the source's come back at the constraints step): " + String.join(", ", dropped));
        }
    }

    /**
     * Sets the destination's identity counters: a move starts them in a range disjoint from the source's
     * ({@link TargetSchema#startIdentities}) and journals each range as step {@code identity} (table, first value,
     * column in the checksum field); a rollback only moves them above the copied maximum.
     */
    private void bumpIdentities(Ctx x, long id, Connection src, Connection dst, TableJob j) throws SQLException {
        if (x.reverse != null) {
            TargetSchema.bumpIdentities(x.de, dst, x.dstSchema, j);
            return;
        }
        for (TargetSchema.IdentityRange r : TargetSchema.startIdentities(x.de, dst, x.dstSchema, j, src, x.srcSchema)) {
            journal.identityRange(id, r.table(), r.column(), r.start());
            LOG.info("tenant '{}': {}.{} starts at {} on {} (source next {}, type max {})", x.req.tenant(), r.table(), r.column(), r.start(),
                    x.dst.name(), r.sourceNext(), r.typeMax());
        }
    }

    /** What a rollback changes in the move's machinery; see {@link TenantRollback}. */
    interface Reverse {
        /** Replaces the "target empty for tenant" pre-check: the destination holds the tenant's fenced old rows. */
        List<PreCheck> destinationChecks(Dialect e, String srcSchema, Connection dst, String dstSchema, List<TableJob> jobs) throws SQLException;

        /**
         * Runs after capture started on the source, before the copy: prepares the destination's old rows.
         *
         * @return whether the bulk copy runs; false when the hook copied the rows itself
         */
        boolean beforeCopy(long id, Connection src, Connection dst, String dstSchema, List<TableJob> jobs) throws SQLException;
    }

    /** The plan of a reverse move (a rollback), changing nothing. */
    MovePlan planReverse(MoveRequest req, Reverse r) throws SQLException {
        Ctx x = new Ctx(req);
        x.reverse = r;
        return plan(x).plan;
    }

    /** Runs the online move machinery in reverse onto a location holding the tenant's fenced old rows, journaled as {@code kind}. */
    MoveResult moveReverse(MoveRequest req, Reverse r, JournalKind kind, MoveListener listener) throws SQLException {
        Ctx x = new Ctx(req);
        x.reverse = r;
        plan(x);
        if (!x.plan.ready()) {
            StringBuilder b = new StringBuilder();
            for (PreCheck c : x.plan.checks()) {
                if (!c.passed()) {
                    b.append(b.length() > 0 ? "; " : "").append(c.name()).append(": ").append(c.detail());
                }
            }
            throw TenantRouteSqlState.MIGRATION_FAILED.exception((kind == JournalKind.ROLLBACK ? "rollback" : "move") + " of tenant '"
                    + req.tenant() + "' to " + req.target() + " refused: " + b);
        }
        long id = journal.begin(kind, req.tenant(), x.src.name(), x.srcSchema, x.dst.name(), x.dstSchema,
                req.mode().name().toLowerCase(java.util.Locale.ROOT), null, req.operator());
        return run(x, id, listener);
    }
}
