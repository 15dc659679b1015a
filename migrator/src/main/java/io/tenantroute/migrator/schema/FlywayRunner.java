package io.tenantroute.migrator.schema;

import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.RepairOutput;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Flyway's Java API on one location: {@code info} + {@code validate} (status), {@code migrate} with every statement
 * watched through Flyway's statement callbacks (which statement failed, how many of its migration had run), and
 * {@code repair}. Configured as Flyway run by hand against that database would be — history table
 * {@code flyway_schema_history} in the location's schema, {@code createSchemas}, {@code validateOnMigrate}, no
 * {@code outOfOrder}, placeholders on — with {@code schemas}/{@code defaultSchema} set to the location's schema and
 * {@code clean} disabled. Everything runs on the one connection it is given (see {@link OneConnectionDataSource}).
 *
 * <p>Immutable and thread-safe; each call builds its own Flyway instance and blocks on the location's database.
 */
final class FlywayRunner {
    /** Flyway's default history table, kept per location as Flyway by hand keeps it. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    private final String location;
    private final ClassLoader loader;

    /**
     * @param location a Flyway location: {@code filesystem:/path} or {@code classpath:db/migration}
     * @param loader where {@code classpath:} locations are looked up
     */
    FlywayRunner(String location, ClassLoader loader) {
        this.location = location;
        this.loader = loader;
    }

    String location() {
        return location;
    }

    private Flyway flyway(Connection c, String schema, Callback callback) {
        var cfg = Flyway.configure(loader)
                .loggers("slf4j")
                .dataSource(new OneConnectionDataSource(c))
                .schemas(schema)
                .defaultSchema(schema)
                .table(HISTORY_TABLE)
                .locations(location)
                .failOnMissingLocations(true)
                .cleanDisabled(true);
        if (callback != null) {
            cfg.callbacks(callback);
        }
        return cfg.load();
    }

    /**
     * What Flyway knows about a location.
     *
     * @param version the highest successfully applied version, or null (nothing applied)
     * @param latest the highest version among the migration files, or null (no versioned files)
     * @param pending the migrations {@code migrate} would apply ({@code V2}, {@code R:views}), in order
     * @param ignored versions older than {@code version} never applied (Flyway refuses them without {@code outOfOrder})
     * @param failed applied migrations recorded as failed ({@code V3 (V3__sku.sql)})
     * @param mismatched applied migrations whose file changed since (checksum, description or type), one line each
     * @param ahead applied versions the files lack ({@code V4})
     * @param appliedRows rows in the location's history table (0 when it has none)
     * @param files migration files found at the location
     */
    record Info(String version, String latest, List<String> pending, List<String> ignored, List<String> failed, List<String> mismatched,
            List<String> ahead, int appliedRows, int files) {
    }

    /**
     * Reads the location's history against the files ({@code info}; with {@code validate}, Flyway's validation too, for
     * renamed files — edited ones show in {@code info}'s checksums already). Changes nothing.
     *
     * @param validate also run Flyway's {@code validate} (one more read of the history)
     * @throws SQLException when Flyway cannot read the location or the database ({@code TR011}, Flyway's message)
     */
    Info info(Connection c, String schema, boolean validate) throws SQLException {
        Flyway f = flyway(c, schema, null);
        MigrationInfo[] all;
        ValidateResult validation = null;
        try {
            all = f.info().all();
            boolean applied = false;
            for (MigrationInfo m : all) {
                applied |= m.getState().isApplied() && m.getVersion() != null;
            }
            if (validate && applied) {
                validation = f.validateWithResult();
            }
        } catch (FlywayException e) {
            throw sqlException("reading Flyway's history in " + schema, e);
        }
        MigrationVersion version = null;
        MigrationVersion latest = null;
        List<String> pending = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> ahead = new ArrayList<>();
        int applied = 0;
        int files = 0;
        for (MigrationInfo m : all) {
            MigrationState s = m.getState();
            MigrationVersion v = m.getVersion();
            if (s.isResolved()) {
                files++;
                if (v != null && (latest == null || v.compareTo(latest) > 0)) {
                    latest = v;
                }
            }
            if (s.isApplied()) {
                applied++;
            }
            switch (s) {
                case PENDING:
                case OUTDATED:
                    pending.add(label(m));
                    break;
                case IGNORED:
                    ignored.add(label(m));
                    break;
                case FAILED:
                case MISSING_FAILED:
                case FUTURE_FAILED:
                    failed.add(label(m) + (m.getScript() == null ? "" : " (" + m.getScript() + ")"));
                    break;
                case FUTURE_SUCCESS:
                case MISSING_SUCCESS:
                    if (v != null) {
                        ahead.add("V" + v.getVersion());
                    }
                    break;
                default:
                    break;
            }
            if (s.isApplied() && !s.isFailed() && v != null && (version == null || v.compareTo(version) > 0)) {
                version = v;
            }
            if (s.isApplied() && v != null && m.getAppliedChecksum() != null && m.getResolvedChecksum() != null
                    && !m.getAppliedChecksum().equals(m.getResolvedChecksum()) && validation == null) {
                mismatched.add(label(m) + (m.getScript() == null ? "" : " (" + m.getScript() + ")") + ": checksum " + m.getAppliedChecksum()
                        + " applied, " + m.getResolvedChecksum() + " in the file (the file was edited after it ran here)");
            }
        }
        for (ValidateOutput o : validation == null ? List.<ValidateOutput>of() : validation.invalidMigrations) {
            if (o.errorDetails == null) {
                continue;
            }
            if (o.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH) {
                mismatched.add(name(o) + ": checksum " + detail(o.errorDetails.errorMessage, "Applied to database") + " applied, "
                        + detail(o.errorDetails.errorMessage, "Resolved locally") + " in the file (the file was edited after it ran here)");
            } else if (o.errorDetails.errorCode == CoreErrorCode.DESCRIPTION_MISMATCH) {
                mismatched.add(name(o) + ": applied as '" + detail(o.errorDetails.errorMessage, "Applied to database") + "', the file says '"
                        + detail(o.errorDetails.errorMessage, "Resolved locally") + "' (renamed after it ran here)");
            } else if (o.errorDetails.errorCode == CoreErrorCode.TYPE_MISMATCH) {
                mismatched.add(name(o) + ": applied as another migration type than the file's");
            }
        }
        return new Info(version == null ? null : version.getVersion(), latest == null ? null : latest.getVersion(), pending, ignored, failed,
                mismatched, ahead, applied, files);
    }

    private static String label(MigrationInfo m) {
        return m.getVersion() != null ? "V" + m.getVersion().getVersion() : "R:" + m.getDescription();
    }

    private static String name(ValidateOutput o) {
        return (o.version == null || o.version.isEmpty() ? "R:" + o.description : "V" + o.version)
                + (o.filepath == null || o.filepath.isEmpty() ? "" : " (" + fileName(o.filepath) + ")");
    }

    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** @return the value after {@code "-> <key> :"} in a Flyway validation message, or "?" */
    private static String detail(String message, String key) {
        if (message == null) {
            return "?";
        }
        for (String line : message.split("\\R")) {
            String l = line.trim();
            if (l.startsWith("-> " + key)) {
                int colon = l.indexOf(':');
                return colon < 0 ? "?" : l.substring(colon + 1).trim();
            }
        }
        return "?";
    }

    /**
     * The outcome of one {@code migrate}.
     *
     * @param applied versions applied by this call, in order
     * @param failedMigration the migration that failed ({@code V3 (V3__sku.sql)}), or null on success
     * @param statement the failing statement (as Flyway sent it), or null
     * @param statementsRun statements of the failing migration that had run before it (0: nothing of it ran)
     * @param sqlState SQLState of the database error, or null
     * @param errorCode vendor error code, or 0
     * @param message one line: the database's message (or Flyway's)
     */
    record Attempt(List<String> applied, String failedMigration, String statement, int statementsRun, String sqlState, int errorCode,
            String message) {
        boolean ok() {
            return message == null;
        }

        /** @return whether the failure was a lock wait that ran out (PostgreSQL {@code lock_timeout}, MySQL lock wait timeouts) */
        boolean lockTimeout() {
            return "55P03".equals(sqlState) || errorCode == 1205;
        }
    }

    /** Told of each migration applied, as Flyway applies it. */
    interface Applied {
        void applied(String version, String script, long millis);
    }

    /**
     * Applies the pending migrations. Never throws for a failing migration: the attempt says what failed.
     *
     * @throws SQLException only when Flyway fails outside any migration (cannot read the location, the history, or take
     *     its lock) — {@code TR011} with Flyway's message
     */
    Attempt migrate(Connection c, String schema, Applied told) throws SQLException {
        Watch watch = new Watch(told);
        Flyway f = flyway(c, schema, watch);
        try {
            f.migrate();
            return new Attempt(List.copyOf(watch.applied), null, null, 0, null, 0, null);
        } catch (FlywayException e) {
            SQLException sql = sqlCause(e);
            if (watch.current == null && sql == null) {
                throw sqlException("Flyway migrate in " + schema, e);
            }
            String message = sql != null ? oneLine(sql.getMessage()) : oneLine(e.getMessage());
            return new Attempt(List.copyOf(watch.applied), watch.current, watch.failedStatement, watch.statementsRun,
                    sql == null ? null : sql.getSQLState(), sql == null ? 0 : sql.getErrorCode(), message);
        }
    }

    /**
     * Flyway {@code repair}: removes the rows of failed migrations from the history (and aligns checksums of applied
     * migrations with their files — {@link SchemaFleet} only repairs locations without a checksum mismatch).
     *
     * @return what repair did, one line each
     * @throws SQLException {@code TR011} with Flyway's message
     */
    List<String> repair(Connection c, String schema) throws SQLException {
        try {
            RepairResult r = flyway(c, schema, null).repair();
            List<String> out = new ArrayList<>();
            if (r.migrationsRemoved != null) {
                for (RepairOutput o : r.migrationsRemoved) {
                    out.add("removed the failed row of V" + o.version + " (" + o.description + ")");
                }
            }
            if (r.migrationsAligned != null) {
                for (RepairOutput o : r.migrationsAligned) {
                    out.add("aligned V" + o.version + " with its file");
                }
            }
            return out;
        } catch (FlywayException e) {
            throw sqlException("Flyway repair in " + schema, e);
        }
    }

    /** Follows a migrate through Flyway's callbacks: the migration and statement at work, statements run, migrations done. */
    private static final class Watch implements Callback {
        private final Applied told;
        final List<String> applied = new ArrayList<>();
        String current;
        String currentVersion;
        String currentScript;
        long startedNanos;
        int statementsRun;
        String failedStatement;

        Watch(Applied told) {
            this.told = told;
        }

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE_STATEMENT
                    || event == Event.AFTER_EACH_MIGRATE_STATEMENT_ERROR;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true; // touches no database
        }

        @Override
        public void handle(Event event, Context context) {
            switch (event) {
                case BEFORE_EACH_MIGRATE:
                    MigrationInfo m = context.getMigrationInfo();
                    currentVersion = m == null ? null : label(m);
                    currentScript = m == null ? null : m.getScript();
                    current = currentVersion == null ? null : currentVersion + (currentScript == null ? "" : " (" + currentScript + ")");
                    statementsRun = 0;
                    failedStatement = null;
                    startedNanos = System.nanoTime();
                    break;
                case AFTER_EACH_MIGRATE_STATEMENT:
                    statementsRun++;
                    break;
                case AFTER_EACH_MIGRATE_STATEMENT_ERROR:
                    failedStatement = context.getStatement() == null ? null : context.getStatement().getSql();
                    break;
                case AFTER_EACH_MIGRATE:
                    if (currentVersion != null) {
                        applied.add(currentVersion);
                        if (told != null) {
                            told.applied(currentVersion, currentScript, (System.nanoTime() - startedNanos) / 1_000_000L);
                        }
                    }
                    current = null;
                    break;
                default:
                    break;
            }
        }

        @Override
        public String getCallbackName() {
            return "tenantroute-schema";
        }
    }

    /**
     * Sets the lock timeouts of a location's session: DDL waits for a lock at most {@code lockTimeoutMs} and then fails
     * (and is retried), so that the readers queued behind it wait at most that long. PostgreSQL {@code lock_timeout}
     * (PostgreSQL manual, "Client Connection Defaults"); MySQL/MariaDB {@code lock_wait_timeout} (metadata locks, whole
     * seconds, at least 1) and {@code innodb_lock_wait_timeout} (row locks of data migrations).
     */
    static void setLockTimeouts(Dialect e, Connection c, long lockTimeoutMs) throws SQLException {
        if (e == Dialect.POSTGRESQL) {
            try (var p = c.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
                p.setString(1, lockTimeoutMs + "ms");
                p.execute();
            }
        } else {
            long seconds = Math.max(1, (lockTimeoutMs + 999) / 1000);
            try (var s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = " + seconds + ", innodb_lock_wait_timeout = " + seconds);
            }
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }

    private SQLException sqlException(String what, FlywayException e) {
        SQLException cause = sqlCause(e);
        String msg = what + " (migrations " + location + ") failed: " + oneLine(e.getMessage());
        return cause != null ? new SQLException(msg, cause.getSQLState(), cause.getErrorCode(), e)
                : new SQLException(msg, "TR011", e);
    }

    /** @return the text on one line (whitespace runs and line breaks folded), "" for null */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").replaceAll("\\s{2,}", " ").trim();
    }

    /** @return a statement for messages: one line, at most {@code max} characters */
    static String statementLine(String sql, int max) {
        String s = oneLine(sql);
        if (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
