package io.tenantroute.migrator.schema;

import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.config.Dialect;
import io.tenantroute.migrator.internal.FlywaySchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's Flyway migrations across every location where its schema lives ({@code tenantroute schema status |
 * migrate}): the shared database (its default schema), every distinct (target, schema) a route names, and the
 * destination of every move, rollback or import in progress (from the journal; a route's {@code next_target} too).
 * Each location keeps its own Flyway history table ({@code flyway_schema_history} in that schema), exactly as Flyway
 * run by hand against it would, and is migrated with Flyway's Java API ({@link FlywayRunner}), on one session.
 *
 * <p>{@link #status}: per location its version, pending migrations and {@link SchemaState}; drift compares the
 * catalogs ({@link SchemaShape}) of the locations at the same version, each against the shape most of them share.
 *
 * <p>{@link #migrate}: checks every location as {@code status} does and refuses, before any DDL anywhere, when one
 * shows a checksum mismatch or drift. Then migrates: at most {@link SchemaRequest#parallel()} locations at once and
 * {@link SchemaRequest#perServer()} on one server ({@link FleetScheduler}); each DDL statement waits for a lock at most
 * {@link SchemaRequest#lockTimeoutMs()} and the location is retried with back-off, so readers never queue long behind
 * a blocked {@code ALTER}; a location whose failed migration the engine could not roll back (MySQL DDL) is repaired
 * first (Flyway {@code repair} of its failed row). A location with a move in progress (its source or destination) is
 * left to the end, waited for up to {@link SchemaRequest#moveWaitMs()}, then refused naming the move. Journaled in
 * {@link SchemaJournal}: one run, one record per location; {@code resume} continues the newest run and migrates only
 * what it has not done. Two runs against one control database exclude each other ({@link SchemaJournal#lockRuns()}).
 *
 * <p>Thread-safe: calls may run concurrently (two {@code migrate} calls exclude each other through the run lock).
 * Every method blocks on the databases involved.
 */
public final class SchemaFleet {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaFleet.class);


    private final TenantMapStore store;
    private final SchemaJournal journal;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /**
     * @param store the tenant map
     * @param journal the schema run journal (its tables must exist: {@link SchemaJournal#init()} or {@code tenantroute init})
     * @param connector opens connections to targets (one session per location at a time)
     * @param sharedTarget the {@code shared} database when the map does not define a target of that name; may be null
     *     (then the shared database is a location only when the map defines it)
     */
    public SchemaFleet(TenantMapStore store, SchemaJournal journal, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.journal = journal;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    /**
     * Reads every location's schema. Changes nothing (the journal is only read).
     *
     * @return one row per location; a location that cannot be read is {@link SchemaState#UNREACHABLE}, not an error
     * @throws SQLException {@code TR011} for a bad migrations location (not {@code flyway:…}, missing, no files);
     *     {@code TR005} for a {@code --target} the map does not define; {@code TR010} when the map cannot be read
     */
    public FleetStatus status(SchemaRequest req) throws SQLException {
        FlywayRunner runner = runner(req);
        return status(req, runner, req.targets());
    }

    private FlywayRunner runner(SchemaRequest req) throws SQLException {
        FlywaySchema spec = FlywaySchema.parse(req.migrations(), "--migrations");
        String loc = spec.location();
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                : SchemaFleet.class.getClassLoader();
        if (loc.startsWith("filesystem:")) {
            Path dir = Path.of(loc.substring("filesystem:".length()));
            if (!Files.isDirectory(dir)) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("--migrations " + req.migrations() + ": no directory " + dir);
            }
        } else {
            String path = loc.substring("classpath:".length());
            if (loader.getResource(path.startsWith("/") ? path.substring(1) : path) == null) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("--migrations " + req.migrations() + ": " + path + " is not on the class path");
            }
        }
        return new FlywayRunner(loc, loader);
    }

    // ------------------------------------------------------------------------------------------------ locations

    /** A location found in the map or the journal, before it is connected to (its schema may still be the default). */
    private static final class Candidate {
        final String targetName;
        final Target target; // null: the map names a target it does not define
        final String schema; // null: the target's default schema
        final List<String> roles = new ArrayList<>();
        final boolean shared;
        int tenants;

        Candidate(String targetName, Target target, String schema, boolean shared) {
            this.targetName = targetName;
            this.target = target;
            this.schema = schema;
            this.shared = shared;
        }
    }

    private List<Candidate> discover(List<String> filter, List<SchemaJournal.ActiveMove> moves) throws SQLException {
        Map<String, Target> targets = new HashMap<>();
        for (Target t : store.targets()) {
            targets.put(t.name(), t);
        }
        Target shared = targets.containsKey(Target.SHARED) ? targets.get(Target.SHARED) : sharedTarget;
        for (String f : filter) {
            if (!targets.containsKey(f) && !(Target.SHARED.equals(f) && shared != null)) {
                throw TenantRouteSqlState.UNKNOWN_TARGET.exception("--target " + f + ": target '" + f + "' is not defined in the tenant map");
            }
        }
        Map<String, Candidate> out = new LinkedHashMap<>();
        if (shared != null) {
            Candidate c = new Candidate(Target.SHARED, shared, null, true);
            c.roles.add("shared database");
            out.put(Target.SHARED + "/", c);
        }
        Set<String> movingTenants = new HashSet<>();
        for (SchemaJournal.ActiveMove m : moves) {
            movingTenants.add(m.tenant());
        }
        for (Route r : store.routes()) {
            Target t = Target.SHARED.equals(r.target()) ? shared : targets.get(r.target());
            String key = r.target() + "/" + (r.schema() == null ? "" : r.schema());
            Candidate c = out.computeIfAbsent(key, k -> new Candidate(r.target(), t, r.schema(), Target.SHARED.equals(r.target()) && r.schema() == null));
            c.tenants++;
            if (r.nextTarget() != null && !movingTenants.contains(r.tenant())) {
                // a move about to flip that the journal does not show (another journal): its destination, default schema
                Target n = Target.SHARED.equals(r.nextTarget()) ? shared : targets.get(r.nextTarget());
                Candidate d = out.computeIfAbsent(r.nextTarget() + "/", k -> new Candidate(r.nextTarget(), n, null, false));
                d.roles.add("next target of tenant '" + r.tenant() + "'");
            }
        }
        for (SchemaJournal.ActiveMove m : moves) {
            Target t = Target.SHARED.equals(m.target()) ? shared : targets.get(m.target());
            Candidate d = out.computeIfAbsent(m.target() + "/" + (m.targetSchema() == null ? "" : m.targetSchema()),
                    k -> new Candidate(m.target(), t, m.targetSchema(), false));
            d.roles.add("destination of " + m.kind() + " " + m.id());
        }
        List<Candidate> list = new ArrayList<>();
        for (Candidate c : out.values()) {
            if (c.tenants > 0) {
                c.roles.add(c.tenants + " tenant route(s)");
            }
            if (filter.isEmpty() || filter.contains(c.targetName)) {
                list.add(c);
            }
        }
        return list;
    }

    /** A location after connecting: what Flyway and the catalog say. */
    private static final class Probe {
        final Candidate candidate;
        final String server;
        String schema;
        Dialect engine;
        FlywayRunner.Info info;
        SchemaShape shape;
        String error;
        SchemaJournal.ActiveMove busy;
        boolean busyAsDestination;
        List<String> drift = List.of();
        int driftPeers;
        final List<String> roles = new ArrayList<>();

        Probe(Candidate c) {
            this.candidate = c;
            this.server = c.target == null ? "?" : serverOf(c.target.jdbcUrl());
            this.roles.addAll(c.roles);
        }

        String name() {
            return candidate.targetName + "/" + (schema != null ? schema : candidate.schema != null ? candidate.schema : "(default)");
        }
    }

    private Probe probe(Candidate c, FlywayRunner runner, String controlSchema) {
        Probe p = new Probe(c);
        if (c.target == null) {
            p.schema = c.schema;
            p.error = "target '" + c.targetName + "' is not defined in the tenant map";
            return p;
        }
        try (Connection conn = connector.open(c.target)) {
            p.engine = Dialect.of(conn);
            p.schema = c.schema != null ? c.schema : defaultSchema(p.engine, conn);
            if (p.schema == null || p.schema.isEmpty()) {
                p.error = "the URL of target '" + c.targetName + "' names no database (and no route names a schema)";
                return p;
            }
            p.info = runner.info(conn, p.schema, true);
            p.shape = SchemaShape.read(conn, p.engine, p.schema, controlSchema);
        } catch (SQLException | RuntimeException e) {
            p.error = (e instanceof SQLException && ((SQLException) e).getSQLState() != null ? "[" + ((SQLException) e).getSQLState() + "] " : "")
                    + oneLine(e);
        }
        return p;
    }

    private static String defaultSchema(Dialect e, Connection c) throws SQLException {
        if (e == Dialect.MYSQL) {
            return c.getCatalog();
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            return r.getString(1);
        }
    }

    private List<Probe> probeAll(List<Candidate> candidates, FlywayRunner runner, SchemaRequest req) {
        Map<Candidate, Probe> done = new ConcurrentHashMap<>();
        new FleetScheduler(req.parallel(), req.perServer()).run(candidates, c -> c.target == null ? "?" : serverOf(c.target.jdbcUrl()),
                c -> done.put(c, probe(c, runner, req.controlSchema())), () -> false, (c, e) -> {
                    Probe p = new Probe(c);
                    p.error = oneLine(e);
                    done.put(c, p);
                });
        // the same (target, schema) reached twice (a route naming the default schema by name): one location
        Map<String, Probe> merged = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            Probe p = done.get(c);
            String key = c.targetName + "/" + (p.schema == null ? "" : p.schema);
            Probe first = merged.get(key);
            if (first == null) {
                merged.put(key, p);
            } else {
                first.roles.addAll(p.roles);
            }
        }
        return new ArrayList<>(merged.values());
    }

    private FleetStatus status(SchemaRequest req, FlywayRunner runner, List<String> filter) throws SQLException {
        List<SchemaJournal.ActiveMove> moves = journal.activeMoves();
        List<Probe> probes = probeAll(discover(filter, moves), runner, req);
        for (Probe p : probes) {
            for (SchemaJournal.ActiveMove m : moves) {
                if (m.target().equals(p.candidate.targetName) && m.targetSchema() != null && m.targetSchema().equals(p.schema)) {
                    p.busy = m;
                    p.busyAsDestination = true;
                } else if (p.busy == null && m.source().equals(p.candidate.targetName) && m.sourceSchema() != null
                        && m.sourceSchema().equals(p.schema)) {
                    p.busy = m;
                }
            }
            if (p.busy == null && p.roles.stream().anyMatch(r -> r.startsWith("next target of"))) {
                p.busyAsDestination = true;
            }
        }
        findDrift(probes);
        Map<String, SchemaJournal.LocationRecord> last = journal.latestByLocation();
        String latest = null;
        List<LocationStatus> rows = new ArrayList<>();
        for (Probe p : probes) {
            if (p.info != null && p.info.latest() != null && (latest == null || FleetStatus.version(p.info.latest()).compareTo(FleetStatus.version(latest)) > 0)) {
                latest = p.info.latest();
            }
        }
        for (Probe p : probes) {
            rows.add(row(p, last.get(p.candidate.targetName + "/" + p.schema)));
        }
        rows.sort(Comparator.comparing((LocationStatus l) -> !l.roles().contains("shared database")).thenComparing(LocationStatus::target)
                .thenComparing(l -> l.schema() == null ? "" : l.schema()));
        if (probes.stream().anyMatch(p -> p.info != null && p.info.files() == 0)) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("--migrations " + req.migrations() + ": no Flyway migrations found at "
                    + runner.location());
        }
        return new FleetStatus(runner.location(), latest, rows);
    }

    /** Drift: within each group of locations at the same version, every shape against the one most of them share. */
    private static void findDrift(List<Probe> probes) {
        Map<String, List<Probe>> byVersion = new LinkedHashMap<>();
        for (Probe p : probes) {
            boolean comparable = p.error == null && p.info != null && p.shape != null && p.info.version() != null && p.info.failed().isEmpty()
                    && p.info.mismatched().isEmpty() && !p.busyAsDestination; // a destination being provisioned is not compared
            if (comparable) {
                byVersion.computeIfAbsent(p.info.version(), k -> new ArrayList<>()).add(p);
            }
        }
        for (List<Probe> group : byVersion.values()) {
            if (group.size() < 2) {
                continue;
            }
            Map<SchemaShape, List<Probe>> byShape = new LinkedHashMap<>();
            for (Probe p : group) {
                byShape.computeIfAbsent(p.shape, k -> new ArrayList<>()).add(p);
            }
            if (byShape.size() < 2) {
                continue;
            }
            SchemaShape reference = null;
            int best = -1;
            for (Map.Entry<SchemaShape, List<Probe>> e : byShape.entrySet()) {
                int n = e.getValue().size();
                boolean shared = e.getValue().stream().anyMatch(p -> p.candidate.shared);
                if (n > best || (n == best && shared)) {
                    reference = e.getKey();
                    best = n;
                }
            }
            for (Map.Entry<SchemaShape, List<Probe>> e : byShape.entrySet()) {
                if (e.getKey().equals(reference)) {
                    continue;
                }
                List<String> diffs = e.getKey().differencesFrom(reference);
                for (Probe p : e.getValue()) {
                    p.drift = diffs;
                    p.driftPeers = best;
                }
            }
        }
    }

    private static LocationStatus row(Probe p, SchemaJournal.LocationRecord last) {
        String busy = p.busy == null ? null : p.busy.describe() + (p.busyAsDestination ? ": its destination" : ": its source");
        if (p.busy == null && p.busyAsDestination) {
            busy = String.join(", ", p.roles.stream().filter(r -> r.startsWith("next target of")).toList()) + ": a move about to flip";
        }
        List<String> notes = new ArrayList<>();
        SchemaState state;
        String version = null;
        List<String> pending = List.of();
        if (p.error != null) {
            state = SchemaState.UNREACHABLE;
            notes.add(p.error);
        } else {
            FlywayRunner.Info i = p.info;
            version = i.version();
            pending = new ArrayList<>(i.pending());
            if (!i.mismatched().isEmpty()) {
                state = SchemaState.CHECKSUM_MISMATCH;
                notes.add(String.join("; ", i.mismatched()));
            } else if (!i.failed().isEmpty()) {
                state = SchemaState.FAILED;
                notes.add(String.join(", ", i.failed()) + " recorded failed in " + FlywayRunner.HISTORY_TABLE
                        + (p.engine == Dialect.MYSQL ? " (MySQL/MariaDB cannot roll DDL back: what ran of it stays applied)" : "")
                        + "; schema migrate repairs that row first, then retries");
                if (last != null && "failed".equals(last.status()) && last.error() != null) {
                    notes.add("last run: " + last.error());
                }
            } else if (!p.drift.isEmpty()) {
                state = SchemaState.DRIFT;
                notes.add("differs from " + p.driftPeers + " other location(s) at version " + version + ": " + summarize(p.drift, 6));
            } else if (last != null && "failed".equals(last.status()) && SchemaStep.MIGRATION_FAILED.journalName().equals(last.step()) && !i.pending().isEmpty()) {
                state = SchemaState.FAILED;
                notes.add("schema migrate failed here (journal " + last.migrationId() + "): " + (last.error() == null ? "" : last.error()));
            } else if (!i.ahead().isEmpty()) {
                state = SchemaState.AHEAD;
                notes.add("applied but not in the files: " + String.join(", ", i.ahead()) + " (migrated by a newer release?)");
            } else if (!i.pending().isEmpty() || !i.ignored().isEmpty()) {
                state = SchemaState.PENDING;
                if (!i.pending().isEmpty()) {
                    notes.add(summarize(i.pending(), 8) + " pending");
                }
                if (!i.ignored().isEmpty()) {
                    notes.add(String.join(", ", i.ignored()) + " never applied and older than version " + version
                            + " (Flyway refuses it without outOfOrder)");
                }
                if (i.appliedRows() == 0 && p.shape != null && !p.shape.tables().isEmpty()) {
                    notes.add("no " + FlywayRunner.HISTORY_TABLE + " but " + p.shape.tables().size() + " table(s): Flyway refuses to migrate"
                            + " a non-empty schema without history (provisioned without --schema-from? baseline it first)");
                }
            } else {
                state = SchemaState.UP_TO_DATE;
            }
        }
        if (busy != null) {
            notes.add(busy);
        }
        return new LocationStatus(p.candidate.targetName, p.schema, version, pending.size(), state, String.join("; ", notes), pending, p.server,
                List.copyOf(new java.util.LinkedHashSet<>(p.roles)), busy);
    }

    private static String summarize(List<String> items, int max) {
        if (items.size() <= max) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, max)) + " … and " + (items.size() - max) + " more";
    }

    // ------------------------------------------------------------------------------------------------ migrate

    /**
     * Migrates every location (see the class comment for the order of things).
     *
     * @param req what and how; {@link SchemaRequest#dryRun()} only checks and plans
     * @param listener progress per location
     * @return the outcome: {@link FleetRun#refusal()} set when nothing ran; otherwise one outcome per location and the
     *     status at the end. A failing location is an outcome, not an exception
     * @throws SQLException {@code TR011} when another run holds the run lock, for a bad migrations location, or
     *     {@code --resume} with {@code --target}; {@code TR005} for an unknown {@code --target}; control database errors
     */
    public FleetRun migrate(SchemaRequest req, SchemaListener listener) throws SQLException {
        FlywayRunner runner = runner(req);
        if (req.resume() && !req.targets().isEmpty()) {
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("--resume continues the run with its own --target list: give no --target");
        }
        if (req.dryRun()) {
            FleetStatus st = status(req, runner, req.targets());
            return new FleetRun(null, req.resume(), refusal(st), st, List.of(), st);
        }
        try (SchemaJournal.RunLock lock = journal.lockRuns()) {
            SchemaJournal.Run previous = journal.latestRun();
            if (req.resume() && previous == null) {
                FleetStatus st = status(req, runner, req.targets());
                return new FleetRun(null, true, "no schema run to resume: run schema migrate without --resume", st, List.of(), st);
            }
            List<String> filter = req.resume() ? previous.targets() : req.targets();
            FleetStatus before = status(req, runner, filter);
            String refusal = refusal(before);
            if (refusal != null) {
                return new FleetRun(null, req.resume(), refusal, before, List.of(), before);
            }
            long runId;
            Map<String, SchemaJournal.LocationRecord> existing = new HashMap<>();
            if (req.resume()) {
                runId = previous.id();
                journal.finishRun(runId, "running");
                for (SchemaJournal.LocationRecord r : previous.locations()) {
                    existing.put(key(r.target(), r.schema()), r);
                }
            } else {
                runId = journal.beginRun(req.migrations(), filter, req.onError().name().toLowerCase(Locale.ROOT), req.parallel(), req.perServer(),
                        req.operator());
                if (previous != null && "running".equals(previous.status())) {
                    journal.supersede(previous, runId); // interrupted (we hold the lock): a plain re-run starts afresh
                }
            }
            List<SchemaJournal.NewLocation> fresh = new ArrayList<>();
            for (LocationStatus l : before.locations()) {
                if (!existing.containsKey(l.name())) {
                    fresh.add(new SchemaJournal.NewLocation(l.target(), l.schema(), l.version()));
                }
            }
            List<Long> ids = journal.addLocations(runId, fresh, req.operator());
            Map<String, Long> idOf = new HashMap<>();
            for (int i = 0; i < fresh.size(); i++) {
                idOf.put(key(fresh.get(i).target(), fresh.get(i).schema()), ids.get(i));
            }
            existing.forEach((k, r) -> idOf.put(k, r.migrationId()));
            LOG.info("schema run {}{}: {} location(s), migrations {}", runId, req.resume() ? " (resumed)" : "", before.locations().size(),
                    runner.location());
            List<LocationOutcome> outcomes = execute(req, runner, before, existing, idOf, listener);
            FleetStatus after = status(req, runner, filter);
            boolean bad = outcomes.stream().anyMatch(LocationOutcome::bad);
            journal.finishRun(runId, bad ? "failed" : "done");
            return new FleetRun(runId, req.resume(), null, before, outcomes, after);
        }
    }

    /** @return the key of a location in a run: as {@link LocationStatus#name()} */
    private static String key(String target, String schema) {
        return target + "/" + (schema == null ? "(default)" : schema);
    }

    private static String refusal(FleetStatus st) {
        List<LocationStatus> refusing = st.refusing();
        if (refusing.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("schema migrate refused before any DDL: ");
        for (int i = 0; i < refusing.size(); i++) {
            LocationStatus l = refusing.get(i);
            b.append(i > 0 ? "; " : "").append(l.state().label()).append(" at ").append(l.name()).append(" (").append(l.detail()).append(')');
        }
        b.append(refusing.stream().anyMatch(l -> l.state() == SchemaState.CHECKSUM_MISMATCH)
                ? " — restore the applied migration files as they ran (or, if the change is intended, flyway repair those locations)" : "");
        b.append(refusing.stream().anyMatch(l -> l.state() == SchemaState.DRIFT) ? " — make the drifted objects match (or write a migration)" : "");
        return b.toString();
    }

    /** One location to work on in a run. */
    private record Task(LocationStatus status, Target target, long migrationId, boolean busy) {
        String server() {
            return status.server();
        }
    }

    private List<LocationOutcome> execute(SchemaRequest req, FlywayRunner runner, FleetStatus before,
            Map<String, SchemaJournal.LocationRecord> existing, Map<String, Long> idOf, SchemaListener l) throws SQLException {
        Map<String, LocationOutcome> outcomes = new ConcurrentHashMap<>();
        List<Task> tasks = new ArrayList<>();
        List<Task> busyTasks = new ArrayList<>();
        Map<String, Target> targets = new HashMap<>();
        for (Target t : store.targets()) {
            targets.put(t.name(), t);
        }
        if (!targets.containsKey(Target.SHARED) && sharedTarget != null) {
            targets.put(Target.SHARED, sharedTarget);
        }
        for (LocationStatus s : before.locations()) {
            long id = idOf.get(s.name());
            SchemaJournal.LocationRecord rec = existing.get(s.name());
            if (rec != null && "done".equals(rec.status())) {
                outcomes.put(s.name(), new LocationOutcome(s.target(), s.schema(), LocationOutcome.Result.DONE_EARLIER, id, rec.fromVersion(),
                        s.version(), List.of(), 0, List.of(), null, null));
                continue;
            }
            if (rec != null) {
                journal.restart(id);
            }
            if (s.state() == SchemaState.UP_TO_DATE) {
                journal.finishLocation(id, "done", SchemaStep.UP_TO_DATE, s.version(), null, null);
                l.location(s.target(), s.schema(), "up-to-date", "at " + v(s.version()));
                outcomes.put(s.name(), new LocationOutcome(s.target(), s.schema(), LocationOutcome.Result.UP_TO_DATE, id, s.version(), s.version(),
                        List.of(), 0, List.of(), null, null));
            } else if (s.state() == SchemaState.AHEAD) {
                journal.finishLocation(id, "done", SchemaStep.AHEAD, s.version(), null, "not touched: " + s.detail());
                l.location(s.target(), s.schema(), "ahead", s.detail());
                outcomes.put(s.name(), new LocationOutcome(s.target(), s.schema(), LocationOutcome.Result.AHEAD, id, s.version(), s.version(),
                        List.of(), 0, List.of(), null, "not touched: " + s.detail()));
            } else {
                Task t = new Task(s, targets.get(s.target()), id, s.busyWith() != null);
                (t.busy() ? busyTasks : tasks).add(t);
            }
        }
        tasks.addAll(busyTasks); // a location a move works on goes last: the move may be done by then
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Task> notStarted = new FleetScheduler(req.parallel(), req.perServer()).run(tasks, Task::server, t -> {
            LocationOutcome o = runLocation(t, req, runner, l);
            outcomes.put(t.status().name(), o);
            if (o.bad()) {
                firstFailure.compareAndSet(null, o.name());
            }
        }, () -> req.onError() == SchemaRequest.OnError.STOP && firstFailure.get() != null, (t, e) -> {
            String reason = oneLine(e);
            try {
                journal.finishLocation(t.migrationId(), "failed", SchemaStep.FAILED, t.status().version(), null, reason);
            } catch (SQLException je) {
                LOG.warn("journal: {}", oneLine(je));
            }
            outcomes.put(t.status().name(), new LocationOutcome(t.status().target(), t.status().schema(), LocationOutcome.Result.FAILED,
                    t.migrationId(), t.status().version(), t.status().version(), List.of(), 0, List.of(), null, reason));
            firstFailure.compareAndSet(null, t.status().name());
        });
        for (Task t : notStarted) {
            String reason = "not started: the run stopped after " + firstFailure.get() + " failed (--on-error stop)";
            journal.finishLocation(t.migrationId(), "aborted", SchemaStep.NOT_STARTED, t.status().version(), null, reason);
            l.location(t.status().target(), t.status().schema(), "not-started", reason);
            outcomes.put(t.status().name(), new LocationOutcome(t.status().target(), t.status().schema(), LocationOutcome.Result.NOT_STARTED,
                    t.migrationId(), t.status().version(), t.status().version(), List.of(), 0, List.of(), null, reason));
        }
        List<LocationOutcome> ordered = new ArrayList<>();
        for (LocationStatus s : before.locations()) {
            ordered.add(outcomes.get(s.name()));
        }
        return ordered;
    }

    /** Migrates one location; never throws (a failure is its outcome, journaled). */
    private LocationOutcome runLocation(Task t, SchemaRequest req, FlywayRunner runner, SchemaListener l) {
        LocationStatus s = t.status();
        String target = s.target();
        String schema = s.schema();
        long id = t.migrationId();
        List<String> applied = Collections.synchronizedList(new ArrayList<>());
        List<String> repaired = new ArrayList<>();
        int attempts = 0;
        String version = s.version();
        try {
            if (schema == null) {
                return failed(t, l, version, applied, attempts, repaired, "unreachable at the pre-check: " + s.detail());
            }
            journal.step(id, SchemaStep.MIGRATE);
            SchemaJournal.ActiveMove move = moveOn(target, schema);
            if (move != null) {
                journal.step(id, SchemaStep.MOVE_WAIT);
                l.location(target, schema, "move-wait", "waiting up to " + (req.moveWaitMs() / 1000) + " s for " + move.describe());
                long deadline = System.nanoTime() + req.moveWaitMs() * 1_000_000L;
                while (move != null && System.nanoTime() < deadline) {
                    Thread.sleep(Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000L)));
                    move = moveOn(target, schema);
                }
                if (move != null) {
                    String reason = "refused: " + move.describe() + " is in progress on this location (its "
                            + (target.equals(move.target()) && schema.equals(move.targetSchema()) ? "destination" : "source")
                            + "); not touched — run schema migrate again (or --resume) once it has finished or been aborted";
                    journal.finishLocation(id, "failed", SchemaStep.MOVE_WAIT, version, null, reason);
                    l.location(target, schema, "refused", reason);
                    return new LocationOutcome(target, schema, LocationOutcome.Result.REFUSED, id, s.version(), version, applied, attempts,
                            repaired, null, reason);
                }
            }
            if (t.target() == null) {
                throw TenantRouteSqlState.UNKNOWN_TARGET.exception("target '" + target + "' is not defined in the tenant map");
            }
            try (Connection c = connector.open(t.target())) {
                Dialect e = Dialect.of(c);
                FlywayRunner.setLockTimeouts(e, c, req.lockTimeoutMs());
                // the pre-check validated moments ago, and Flyway validates again before it migrates
                FlywayRunner.Info info = runner.info(c, schema, false);
                version = info.version();
                if (!info.mismatched().isEmpty()) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("checksum mismatch (the files changed during the run?): "
                            + String.join("; ", info.mismatched()));
                }
                if (!info.failed().isEmpty()) {
                    journal.step(id, SchemaStep.REPAIR);
                    repaired.addAll(runner.repair(c, schema));
                    l.location(target, schema, "repair", String.join(", ", info.failed()) + " was recorded failed"
                            + (e == Dialect.MYSQL ? " (MySQL/MariaDB cannot roll DDL back: what ran of it before the failure stays applied)" : "")
                            + ": Flyway repair " + (repaired.isEmpty() ? "ran" : String.join(", ", repaired)) + "; retrying it");
                    info = runner.info(c, schema, false);
                }
                if (!info.ahead().isEmpty()) {
                    String note = "not touched: applied but not in the files: " + String.join(", ", info.ahead());
                    journal.finishLocation(id, "done", SchemaStep.AHEAD, version, null, note);
                    l.location(target, schema, "ahead", note);
                    return new LocationOutcome(target, schema, LocationOutcome.Result.AHEAD, id, s.version(), version, applied, attempts,
                            repaired, null, note);
                }
                if (info.pending().isEmpty() && info.ignored().isEmpty()) {
                    journal.finishLocation(id, "done", SchemaStep.UP_TO_DATE, version, null, null);
                    l.location(target, schema, "up-to-date", "at " + v(version));
                    return new LocationOutcome(target, schema, LocationOutcome.Result.UP_TO_DATE, id, s.version(), version, applied, attempts,
                            repaired, null, null);
                }
                l.location(target, schema, "start", v(version) + " → " + v(info.latest()) + " (" + summarize(info.pending(), 8) + ")");
                while (true) {
                    attempts++;
                    FlywayRunner.Attempt a = runner.migrate(c, schema, (mv, script, ms) -> {
                        l.location(target, schema, "applied", mv + (script == null ? "" : " (" + script + ")") + " in " + ms + " ms");
                    });
                    applied.addAll(a.applied());
                    if (a.ok()) {
                        break;
                    }
                    FlywayRunner.Info now = runner.info(c, schema, false);
                    version = now.version();
                    boolean recordedFailed = !now.failed().isEmpty();
                    boolean nothingOfItRan = a.statementsRun() == 0;
                    if (a.lockTimeout() && attempts < req.lockAttempts() && (!recordedFailed || nothingOfItRan)) {
                        if (recordedFailed) {
                            repaired.addAll(runner.repair(c, schema)); // nothing of it ran: its failed row records no change
                        }
                        long wait = backoff(req, attempts);
                        journal.step(id, SchemaStep.LOCK_WAIT);
                        l.location(target, schema, "lock-wait", (a.failedMigration() == null ? "Flyway" : a.failedMigration()) + ": "
                                + (a.statement() == null ? "" : FlywayRunner.statementLine(a.statement(), 120) + ": ") + "gave up waiting for a lock after "
                                + req.lockTimeoutMs() + " ms (readers go on meanwhile); attempt " + (attempts + 1) + " of " + req.lockAttempts() + " in "
                                + wait + " ms");
                        Thread.sleep(wait);
                        continue;
                    }
                    String statement = a.statement() == null ? null : FlywayRunner.statementLine(a.statement(), 500);
                    StringBuilder reason = new StringBuilder();
                    reason.append(a.failedMigration() == null ? "Flyway" : a.failedMigration()).append(" failed");
                    if (statement != null) {
                        reason.append(" at statement: ").append(statement);
                    }
                    reason.append(" — ").append(a.sqlState() == null ? "" : "[" + a.sqlState() + "] ").append(a.message());
                    if (a.lockTimeout()) {
                        reason.append(" (still blocked after ").append(attempts).append(" attempt(s)")
                                .append(recordedFailed && !nothingOfItRan ? "; not retried: statements of it had run" : "").append(')');
                    }
                    if (recordedFailed) {
                        reason.append("; ").append(e == Dialect.MYSQL ? "MySQL/MariaDB cannot roll DDL back: " : "not rolled back: ")
                                .append(a.statementsRun()).append(" statement(s) of it ran before and stay applied; Flyway recorded it failed,"
                                        + " so the location shows failed — fix the cause (make what ran re-runnable, or undo it), then"
                                        + " schema migrate --resume repairs that row first and retries");
                    } else if (a.failedMigration() != null) {
                        reason.append("; rolled back: nothing of it stays applied");
                    }
                    String why = reason.toString();
                    journal.finishLocation(id, "failed", a.failedMigration() != null ? SchemaStep.MIGRATION_FAILED : SchemaStep.FAILED, version, statement, why);
                    l.location(target, schema, "failed", why);
                    return new LocationOutcome(target, schema, LocationOutcome.Result.FAILED, id, s.version(), version, applied, attempts,
                            repaired, statement, why);
                }
                version = highest(version, applied);
                journal.finishLocation(id, "done", SchemaStep.DONE, version, null, null);
                l.location(target, schema, "done", "at " + v(version) + ", " + applied.size() + " applied"
                        + (attempts > 1 ? " after " + (attempts - 1) + " lock timeout(s)" : ""));
                return new LocationOutcome(target, schema, LocationOutcome.Result.MIGRATED, id, s.version(), version, applied, attempts, repaired,
                        null, null);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return failed(t, l, version, applied, attempts, repaired, "interrupted");
        } catch (SQLException | RuntimeException ex) {
            return failed(t, l, version, applied, attempts, repaired,
                    (ex instanceof SQLException && ((SQLException) ex).getSQLState() != null ? "[" + ((SQLException) ex).getSQLState() + "] " : "")
                            + oneLine(ex));
        }
    }

    private LocationOutcome failed(Task t, SchemaListener l, String version, List<String> applied, int attempts, List<String> repaired,
            String reason) {
        LocationStatus s = t.status();
        try {
            journal.finishLocation(t.migrationId(), "failed", SchemaStep.FAILED, version, null, reason);
        } catch (SQLException je) {
            LOG.warn("schema run: journaling the failure of {} failed: {}", s.name(), oneLine(je));
        }
        l.location(s.target(), s.schema(), "failed", reason);
        return new LocationOutcome(s.target(), s.schema(), LocationOutcome.Result.FAILED, t.migrationId(), s.version(), version, applied,
                attempts, repaired, null, reason);
    }

    /** @return the move, rollback or import working on the location now (its source or destination), or null */
    private SchemaJournal.ActiveMove moveOn(String target, String schema) throws SQLException {
        for (SchemaJournal.ActiveMove m : journal.activeMoves()) {
            if ((target.equals(m.target()) && schema.equals(m.targetSchema())) || (target.equals(m.source()) && schema.equals(m.sourceSchema()))) {
                return m;
            }
        }
        return null;
    }

    /** @return the highest of {@code version} and the versions in {@code applied} ({@code V3}; repeatables skipped) */
    private static String highest(String version, List<String> applied) {
        String best = version;
        for (String a : applied) {
            if (a.startsWith("V")) {
                String v = a.substring(1);
                if (best == null || FleetStatus.version(v).compareTo(FleetStatus.version(best)) > 0) {
                    best = v;
                }
            }
        }
        return best;
    }

    private static long backoff(SchemaRequest req, int attempt) {
        double base = Math.min((double) req.backoffMaxMs(), req.backoffMs() * Math.pow(2, attempt - 1));
        return Math.max(1, Math.round(base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    private static String v(String version) {
        return version == null ? "(empty)" : "V" + version;
    }

    /**
     * The database server of a JDBC URL, as {@code --per-server} counts it: the host and port after {@code //} (the
     * engine's default port when none is given), lower case; {@code localhost} and {@code 127.0.0.1} count as two.
     *
     * @param jdbcUrl a vendor JDBC URL
     * @return {@code host:port}, or the URL without its parameters when it has no {@code //}
     */
    public static String serverOf(String jdbcUrl) {
        boolean pg = jdbcUrl.startsWith("jdbc:postgresql:");
        int s = jdbcUrl.indexOf("//");
        if (s < 0) {
            return pg ? "localhost:5432" : jdbcUrl.replaceAll("\\?.*$", "");
        }
        int end = s + 2;
        while (end < jdbcUrl.length() && "/?;".indexOf(jdbcUrl.charAt(end)) < 0) {
            end++;
        }
        String authority = jdbcUrl.substring(s + 2, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        List<String> hosts = new ArrayList<>();
        for (String h : authority.split(",")) {
            boolean hasPort = h.startsWith("[") ? h.contains("]:") : h.contains(":");
            hosts.add((hasPort ? h : h + ":" + (pg ? 5432 : 3306)).toLowerCase(Locale.ROOT));
        }
        return String.join(",", new TreeSet<>(hosts));
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return FlywayRunner.oneLine(Target.maskUrl(m));
    }
}
