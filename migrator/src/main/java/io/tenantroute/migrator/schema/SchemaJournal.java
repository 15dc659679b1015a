package io.tenantroute.migrator.schema;

import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal of schema fan-out runs ({@code tenantroute schema migrate}) in the control database, next to the move
 * journal ({@link MigrationJournal}): each location of a run is one row of kind {@link MigrationJournal#SCHEMA} in
 * {@code migrations} (so {@code tenantroute migrations list} shows it: {@code source} = {@code target} = the
 * location's target, {@code source_schema} = {@code target_schema} = its schema, {@code tenant} empty — a location
 * holds many tenants — {@code mode} {@code flyway}), with its status ({@code running}, {@code done}, {@code failed},
 * {@code aborted}), last step and error; its steps go to {@code migration_steps}. What only a schema run has lives in
 * two tables of its own: {@code schema_runs} (one row per run: the migrations location, the {@code --target} filter,
 * {@code --on-error}, limits, operator, status) and {@code schema_run_locations} (per location row: its run, the
 * version before and after, the failing statement).
 *
 * <p>Tables: the Flyway migration {@code V110__schema_runs.sql} under {@code io/tenantroute/migrator/db/<engine>}
 * ({@code tenantroute init}), or {@link #init()} (idempotent) where the control schema was not set up by Flyway.
 *
 * <p>Two runs never run at once against one control database: {@link #lockRuns()} takes a session-level lock
 * (PostgreSQL {@code pg_try_advisory_lock}, MySQL {@code GET_LOCK}) that the database releases when the run's process
 * dies, so a run whose rows still say {@code running} while the lock is free was interrupted.
 *
 * <p>Thread-safe: every call takes its own connection from the supplier and blocks on the control database.
 */
public final class SchemaJournal {
    /** {@code migrations.mode} of a schema row. */
    static final String MODE = "flyway";

    private final MigrationJournal.ControlConnections connections;
    private final String schema;

    /**
     * @param connections opens control database connections (the same as the move journal's)
     * @param schema the control schema / database, normally {@code tenantroute}
     */
    public SchemaJournal(MigrationJournal.ControlConnections connections, String schema) {
        this.connections = connections;
        this.schema = schema;
    }

    /** @return the control schema / database */
    public String schema() {
        return schema;
    }

    private String t(Dialect e, String table) {
        return e.q(schema, table);
    }

    /**
     * Creates the move journal's tables ({@link MigrationJournal#init()}) and the schema run tables if absent.
     *
     * @throws SQLException from the control database (e.g. missing privileges)
     */
    public void init() throws SQLException {
        new MigrationJournal(connections, schema).init();
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            Dialect e = Dialect.of(c);
            if (e == Dialect.POSTGRESQL) {
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "schema_runs") + " (id bigserial PRIMARY KEY, migrations varchar(1024) NOT NULL,"
                        + " targets varchar(1024), on_error varchar(16) NOT NULL, parallel int NOT NULL, per_server int NOT NULL,"
                        + " operator varchar(128), status varchar(16) NOT NULL, started_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz)");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "schema_run_locations") + " (migration_id bigint PRIMARY KEY, run_id bigint NOT NULL,"
                        + " from_version varchar(50), to_version varchar(50), statement text)");
                s.execute("CREATE INDEX IF NOT EXISTS schema_run_locations_run ON " + t(e, "schema_run_locations") + " (run_id)");
            } else {
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "schema_runs") + " (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " migrations VARCHAR(1024) NOT NULL, targets VARCHAR(1024), on_error VARCHAR(16) NOT NULL, parallel INT NOT NULL,"
                        + " per_server INT NOT NULL, operator VARCHAR(128), status VARCHAR(16) NOT NULL,"
                        + " started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ended_at TIMESTAMP(3) NULL) ENGINE=InnoDB");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "schema_run_locations") + " (migration_id BIGINT PRIMARY KEY, run_id BIGINT NOT NULL,"
                        + " from_version VARCHAR(50), to_version VARCHAR(50), statement TEXT, KEY schema_run_locations_run (run_id)) ENGINE=InnoDB");
            }
        }
    }

    /** The lock that keeps two schema runs apart; closing it (or the process dying) releases it. */
    public interface RunLock extends AutoCloseable {
        /** Releases the lock. Idempotent. */
        @Override
        void close();
    }

    /** How long {@link #lockRuns()} waits for the lock: a session the server has not yet seen end may still hold it. */
    static final long LOCK_WAIT_MS = 5_000;

    /**
     * Takes the control database's schema-run lock, waiting at most {@link #LOCK_WAIT_MS} (the server releases the lock of
     * a process that died as soon as it notices the closed session).
     *
     * @return the held lock; keep it for the whole run
     * @throws SQLException {@code TR011} when another schema run holds it (the message names that run when the journal
     *     shows it); errors of the control database otherwise
     */
    public RunLock lockRuns() throws SQLException {
        Connection c = connections.open();
        Dialect e;
        String key = "tenantroute.schema-runs." + schema;
        try {
            e = Dialect.of(c);
            if (e == Dialect.MYSQL && key.length() > 64) {
                key = key.substring(0, 40) + "." + Integer.toHexString(key.hashCode()); // GET_LOCK names: at most 64 characters
            }
            boolean got = false;
            long deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000L;
            while (!got) {
                try (PreparedStatement p = c.prepareStatement(e == Dialect.POSTGRESQL ? "SELECT pg_try_advisory_lock(hashtext(?))"
                        : "SELECT GET_LOCK(?, 1)")) {
                    p.setString(1, key);
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        Object v = r.getObject(1); // PostgreSQL: boolean; MySQL: 1, 0 or NULL
                        got = v instanceof Boolean ? (Boolean) v : v instanceof Number && ((Number) v).intValue() == 1;
                    }
                }
                if (!got && System.nanoTime() > deadline) {
                    break;
                }
                if (!got && e == Dialect.POSTGRESQL) {
                    Thread.sleep(200);
                }
            }
            if (!got) {
                c.close();
                Run busy = latestRun();
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("another schema migrate is running against this control database"
                        + (busy == null ? "" : " (run " + busy.id() + ", started " + busy.startedAt() + " by " + busy.operator() + ")")
                        + ": wait for it to end");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            closeQuietly(c);
            throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted while waiting for the schema-run lock");
        } catch (SQLException | RuntimeException ex) {
            closeQuietly(c);
            throw ex;
        }
        Dialect engine = e;
        String name = key;
        return new RunLock() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                // released explicitly: closing the session releases it too, but the server may see the close only later,
                // after the next run asked for the lock
                try (PreparedStatement p = c.prepareStatement(engine == Dialect.POSTGRESQL ? "SELECT pg_advisory_unlock(hashtext(?))"
                        : "SELECT RELEASE_LOCK(?)")) {
                    p.setString(1, name);
                    p.execute();
                } catch (SQLException ignored) {
                    // the session ends below either way
                }
                closeQuietly(c);
            }
        };
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing
        }
    }

    /**
     * One schema run.
     *
     * @param id the run id
     * @param migrations the Flyway location as given ({@code flyway:…})
     * @param targets the {@code --target} filter, empty for every location
     * @param onError {@code stop} or {@code continue}
     * @param status {@code running} (or interrupted), {@code done}, {@code failed}
     * @param locations its location rows, in the order they were added
     */
    public record Run(long id, String migrations, List<String> targets, String onError, int parallel, int perServer, String operator,
            String status, Timestamp startedAt, Timestamp endedAt, List<LocationRecord> locations) {
    }

    /**
     * One location of a run: its row in {@code migrations} and {@code schema_run_locations}.
     *
     * @param migrationId its id in {@code migrations} ({@code tenantroute migrations show <id>})
     * @param status {@code running}, {@code done}, {@code failed} or {@code aborted}
     * @param step the last step ({@link SchemaStep#journalName()}): {@code queued}, {@code migrate}, {@code repair},
     *     {@code lock-wait}, {@code move-wait}, {@code up-to-date}, {@code ahead}, {@code not-started}, {@code done},
     *     {@code migration-failed} (a migration failed there), {@code failed} (anything else: unreachable, an error outside
     *     any migration)
     */
    public record LocationRecord(long migrationId, long runId, String target, String schema, String status, String step,
            String fromVersion, String toVersion, String statement, String error, Timestamp startedAt, Timestamp endedAt) {
    }

    /**
     * Records a new run.
     *
     * @return the run id
     */
    public long beginRun(String migrations, List<String> targets, String onError, int parallel, int perServer, String operator)
            throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "schema_runs")
                    + " (migrations, targets, on_error, parallel, per_server, operator, status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
                    new String[] {"id"})) {
                p.setString(1, migrations);
                p.setString(2, targets.isEmpty() ? null : String.join(",", targets));
                p.setString(3, onError);
                p.setInt(4, parallel);
                p.setInt(5, perServer);
                p.setString(6, operator);
                p.executeUpdate();
                try (ResultSet r = p.getGeneratedKeys()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        }
    }

    /** A location to add to a run: target, schema and the version it is at. */
    record NewLocation(String target, String schema, String fromVersion) {
    }

    /**
     * Adds locations to a run, atomically (all or none): one {@code migrations} row each, status {@code running},
     * step {@code queued}.
     *
     * @return their migration ids, in order
     */
    List<Long> addLocations(long runId, List<NewLocation> locations, String operator) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            c.setAutoCommit(false);
            try (PreparedStatement m = c.prepareStatement("INSERT INTO " + t(e, "migrations")
                    + " (tenant, source, source_schema, target, target_schema, mode, status, step, operator, kind)"
                    + " VALUES ('', ?, ?, ?, ?, '" + MODE + "', 'running', '" + SchemaStep.QUEUED.journalName() + "', ?, ?)", new String[] {"id"});
                 PreparedStatement l = c.prepareStatement("INSERT INTO " + t(e, "schema_run_locations")
                         + " (migration_id, run_id, from_version) VALUES (?, ?, ?)")) {
                for (NewLocation n : locations) {
                    m.setString(1, n.target());
                    m.setString(2, n.schema());
                    m.setString(3, n.target());
                    m.setString(4, n.schema());
                    m.setString(5, operator);
                    m.setString(6, MigrationJournal.SCHEMA);
                    m.executeUpdate();
                    long id;
                    try (ResultSet r = m.getGeneratedKeys()) {
                        r.next();
                        id = r.getLong(1);
                    }
                    l.setLong(1, id);
                    l.setLong(2, runId);
                    l.setString(3, n.fromVersion());
                    l.executeUpdate();
                    ids.add(id);
                }
                c.commit();
            } catch (SQLException ex) {
                c.rollback();
                throw ex;
            }
        }
        return ids;
    }

    /** Records that a location entered a step (its {@code migrations.step}, and a {@code migration_steps} row). */
    void step(long migrationId, SchemaStep step) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "migrations") + " SET step = ? WHERE id = ?")) {
                p.setString(1, step.journalName());
                p.setLong(2, migrationId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migration_steps")
                    + " (migration_id, step, ended_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                p.setLong(1, migrationId);
                p.setString(2, step.journalName());
                p.executeUpdate();
            }
        }
    }

    /** A resumed location starts again: status {@code running}, no end, no error. */
    void restart(long migrationId) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "migrations")
                    + " SET status = 'running', error = NULL, ended_at = NULL WHERE id = ?")) {
                p.setLong(1, migrationId);
                p.executeUpdate();
            }
        }
    }

    /**
     * Ends a location.
     *
     * @param status {@code done}, {@code failed} or {@code aborted}
     * @param step its last step
     * @param toVersion the version it is at now, or null when unknown
     * @param statement the failing statement, or null
     * @param error a one-line reason (no credentials), or null
     */
    void finishLocation(long migrationId, String status, SchemaStep step, String toVersion, String statement, String error) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "migrations")
                    + " SET status = ?, step = ?, error = ?, ended_at = CURRENT_TIMESTAMP WHERE id = ?");
                 PreparedStatement l = c.prepareStatement("UPDATE " + t(e, "schema_run_locations")
                         + " SET to_version = ?, statement = ? WHERE migration_id = ?");
                 PreparedStatement s = c.prepareStatement("INSERT INTO " + t(e, "migration_steps")
                         + " (migration_id, step, ended_at, error) VALUES (?, ?, CURRENT_TIMESTAMP, ?)")) {
                p.setString(1, status);
                p.setString(2, step.journalName());
                p.setString(3, clip(error, 4000));
                p.setLong(4, migrationId);
                p.executeUpdate();
                l.setString(1, toVersion);
                l.setString(2, clip(statement, 4000));
                l.setLong(3, migrationId);
                l.executeUpdate();
                s.setLong(1, migrationId);
                s.setString(2, step.journalName());
                s.setString(3, clip(error, 4000));
                s.executeUpdate();
                c.commit();
            } catch (SQLException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    /** Ends a run (or marks a resumed one running again with {@code running}). */
    void finishRun(long runId, String status) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "schema_runs") + " SET status = ?, ended_at = "
                    + ("running".equals(status) ? "NULL" : "CURRENT_TIMESTAMP") + " WHERE id = ?")) {
                p.setString(1, status);
                p.setLong(2, runId);
                p.executeUpdate();
            }
        }
    }

    /**
     * @return the newest run with its locations, or null when there was none
     * @throws SQLException from the control database
     */
    public Run latestRun() throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            Long id = null;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(id) FROM " + t(e, "schema_runs"))) {
                if (r.next()) {
                    long v = r.getLong(1);
                    id = r.wasNull() ? null : v;
                }
            }
            return id == null ? null : run(c, e, id);
        }
    }

    /**
     * @param runId a run id
     * @return the run with its locations, or null
     * @throws SQLException from the control database
     */
    public Run run(long runId) throws SQLException {
        try (Connection c = connections.open()) {
            return run(c, Dialect.of(c), runId);
        }
    }

    private Run run(Connection c, Dialect e, long id) throws SQLException {
        Run head;
        try (PreparedStatement p = c.prepareStatement("SELECT id, migrations, targets, on_error, parallel, per_server, operator, status,"
                + " started_at, ended_at FROM " + t(e, "schema_runs") + " WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                String targets = r.getString(3);
                head = new Run(r.getLong(1), r.getString(2), targets == null || targets.isEmpty() ? List.of() : List.of(targets.split(",")),
                        r.getString(4), r.getInt(5), r.getInt(6), r.getString(7), r.getString(8), r.getTimestamp(9), r.getTimestamp(10), List.of());
            }
        }
        List<LocationRecord> locs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(locationSelect(e) + " WHERE l.run_id = ? ORDER BY m.id")) {
            p.setLong(1, id);
            readLocations(p, locs);
        }
        return new Run(head.id(), head.migrations(), head.targets(), head.onError(), head.parallel(), head.perServer(), head.operator(),
                head.status(), head.startedAt(), head.endedAt(), List.copyOf(locs));
    }

    private String locationSelect(Dialect e) {
        return "SELECT m.id, l.run_id, m.target, m.target_schema, m.status, m.step, l.from_version, l.to_version, l.statement, m.error,"
                + " m.started_at, m.ended_at FROM " + t(e, "migrations") + " m JOIN " + t(e, "schema_run_locations") + " l ON l.migration_id = m.id";
    }

    private static void readLocations(PreparedStatement p, List<LocationRecord> out) throws SQLException {
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new LocationRecord(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                        r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getTimestamp(11), r.getTimestamp(12)));
            }
        }
    }

    /**
     * @param migrationId a {@code migrations} row of kind {@code schema}
     * @return its location record (run, versions, failing statement), or null when it is not one
     * @throws SQLException from the control database
     */
    public LocationRecord location(long migrationId) throws SQLException {
        List<LocationRecord> found = new ArrayList<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement(locationSelect(e) + " WHERE m.id = ?")) {
                p.setLong(1, migrationId);
                readLocations(p, found);
            }
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * @return the newest location row of every location any run touched, by {@code target/schema}
     * @throws SQLException from the control database
     */
    Map<String, LocationRecord> latestByLocation() throws SQLException {
        List<LocationRecord> all = new ArrayList<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement(locationSelect(e) + " WHERE m.id IN (SELECT MAX(m2.id) FROM " + t(e, "migrations")
                    + " m2 WHERE m2.kind = ? GROUP BY m2.target, m2.target_schema)")) {
                p.setString(1, MigrationJournal.SCHEMA);
                readLocations(p, all);
            }
        }
        Map<String, LocationRecord> out = new LinkedHashMap<>();
        for (LocationRecord l : all) {
            out.put(l.target() + "/" + l.schema(), l);
        }
        return out;
    }

    /**
     * The schema run at work on a location right now, for a move to wait for or refuse (a move must not copy from or
     * provision a location whose schema is changing). A row that says {@code running} belongs to a live run only while
     * the run lock is held; this returns it either way (an interrupted run is resumed with {@code schema migrate
     * --resume}, which finishes the row).
     *
     * @param target a target name
     * @param schema the schema (PostgreSQL) / database (MySQL), resolved (not null)
     * @return the location's {@code running} row, if any
     * @throws SQLException from the control database
     */
    public Optional<LocationRecord> runningOn(String target, String schema) throws SQLException {
        List<LocationRecord> found = new ArrayList<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement(locationSelect(e) + " WHERE m.kind = ? AND m.status = 'running' AND m.target = ?"
                    + " AND m.target_schema = ? ORDER BY m.id DESC")) {
                p.setString(1, MigrationJournal.SCHEMA);
                p.setString(2, target);
                p.setString(3, schema);
                readLocations(p, found);
            }
        }
        return found.stream().findFirst();
    }

    /**
     * A move-like operation in progress or interrupted (its journal row still {@code running}): a move, a rollback or
     * an import, which copy rows between locations and create tables at their destination.
     *
     * @param id its journal id
     * @param kind {@code move}, {@code rollback} or {@code import}
     * @param sourceSchema the source schema as the move resolved it (null for an import)
     * @param targetSchema the destination schema as the move resolved it
     */
    public record ActiveMove(long id, String kind, String tenant, String source, String sourceSchema, String target, String targetSchema,
            String step, Timestamp startedAt) {
        /** @return e.g. {@code move 12 of tenant 'acme' (shared/public → dedicated/acme, step copy)} */
        public String describe() {
            return kind + " " + id + " of tenant '" + tenant + "' (" + (sourceSchema == null ? source : source + "/" + sourceSchema) + " → "
                    + target + "/" + targetSchema + ", step " + step + ")";
        }
    }

    /**
     * @return every move, rollback and import whose journal row is still {@code running} (in progress, or interrupted and
     *     awaiting {@code migrate --resume} / {@code --abort}), oldest first
     * @throws SQLException from the control database
     */
    public List<ActiveMove> activeMoves() throws SQLException {
        List<ActiveMove> out = new ArrayList<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT id, kind, tenant, source, source_schema, target, target_schema, step, started_at"
                    + " FROM " + t(e, "migrations") + " WHERE status = 'running' AND kind IN (?, ?, ?) ORDER BY id")) {
                p.setString(1, MigrationJournal.MOVE);
                p.setString(2, MigrationJournal.ROLLBACK);
                p.setString(3, MigrationJournal.IMPORT);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        String kind = r.getString(2);
                        out.add(new ActiveMove(r.getLong(1), kind, r.getString(3), r.getString(4),
                                MigrationJournal.IMPORT.equals(kind) ? null : r.getString(5), r.getString(6), r.getString(7), r.getString(8),
                                r.getTimestamp(9)));
                    }
                }
            }
        }
        return out;
    }

    /** Marks the unfinished rows of an interrupted run that a new (not resumed) run supersedes. */
    void supersede(Run old, long newRunId) throws SQLException {
        for (LocationRecord l : old.locations()) {
            if ("running".equals(l.status())) {
                finishLocation(l.migrationId(), "aborted", SchemaStep.fromJournal(l.step()), null, l.statement(),
                        "interrupted; not resumed: run " + newRunId + " started instead");
            }
        }
        finishRun(old.id(), "aborted");
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
