package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The move journal in the control database: one row per move in {@code migrations}, its steps (with rows and
 * checksum per table) in {@code migration_steps}, and {@code migration_locks}, one row per tenant being moved,
 * so two moves of one tenant cannot run at once. No credentials are stored: targets by name only.
 *
 * <p>Tables live in the control schema ({@code tenantroute} by default: a PostgreSQL schema / a MySQL database),
 * the same tables as the Flyway migrations {@code V100__migrator_journal.sql} under
 * {@code io/tenantroute/migrator/db/{postgresql,mysql}}; {@link #init()} creates them idempotently when the
 * control schema was not set up by Flyway.
 *
 * <p>Thread-safe: every call takes its own connection from the supplier. Calls block on the control database.
 */
public final class MigrationJournal {
    /** Opens a connection to the control database. */
    @FunctionalInterface
    public interface ControlConnections {
        /** @return a new connection, closed by the caller */
        Connection open() throws SQLException;
    }

    /**
     * One journaled operation.
     *
     * @param kind what ran: {@code move}, {@code rollback}, {@code cleanup}, {@code export}, {@code import}, or {@code schema}
     *     (one location of a schema fan-out run, see {@code io.tenantroute.migrator.schema.SchemaJournal})
     * @param mode {@code online} / {@code offline} for moves and rollbacks; for other kinds as they record it
     * @param status {@code running}, {@code done}, {@code failed} or {@code aborted}
     * @param cleanedMoveId for a cleanup: the move whose old rows it removes (rows written before control tables
     *     V102 kept it in {@code mode} as {@code move:<id>}; both are read); null otherwise
     */
    public record Migration(long id, String tenant, String source, String sourceSchema, String target, String targetSchema, String mode,
            String status, String step, String operator, Timestamp startedAt, Timestamp endedAt, String error, String kind,
            Long cleanedMoveId) {
        /** @return the kind, or null for a kind this version does not know (written by a newer build) */
        public JournalKind journalKind() {
            return JournalKind.fromJournal(kind);
        }

        /** @return whether this operation is of {@code k} */
        public boolean is(JournalKind k) {
            return k.is(kind);
        }

        /** @return whether this operation has status {@code st} */
        public boolean is(JournalStatus st) {
            return st.is(status);
        }
    }

    /** The kinds of journaled operation ({@link Migration#kind()}), as {@link JournalKind} names. */
    public static final String MOVE = JournalKind.MOVE.journalName();
    public static final String ROLLBACK = JournalKind.ROLLBACK.journalName();
    public static final String CLEANUP = JournalKind.CLEANUP.journalName();
    public static final String EXPORT = JournalKind.EXPORT.journalName();
    public static final String IMPORT = JournalKind.IMPORT.journalName();
    /**
     * One location of a schema fan-out run ({@code tenantroute schema migrate}); written by
     * {@code io.tenantroute.migrator.schema.SchemaJournal}, which documents what its columns hold.
     */
    public static final String SCHEMA = JournalKind.SCHEMA.journalName();

    /**
     * Where a move or a rollback started an identity counter.
     *
     * @param table the table
     * @param column the identity / serial / AUTO_INCREMENT column
     * @param start the first value handed out there
     */
    public record IdentityRange(String table, String column, long start) {
    }

    private static final String COLUMNS = "id, tenant, source, source_schema, target, target_schema, mode, status, step,"
            + " operator, started_at, ended_at, error, kind, cleaned_move_id";

    /** One step of a move; {@code table} null for whole-move steps, rows -1 and checksum null when not applicable. */
    public record Step(String step, String table, long rows, String checksum, Timestamp startedAt, Timestamp endedAt, String error) {
    }

    private final ControlConnections connections;
    private final String schema;

    /**
     * @param connections opens control database connections
     * @param schema the control schema / database, normally {@code tenantroute}
     */
    public MigrationJournal(ControlConnections connections, String schema) {
        this.connections = connections;
        this.schema = schema;
    }

    private String t(Dialect e, String table) {
        return e.q(schema, table);
    }

    /** Creates the journal tables if absent (idempotent). */
    public void init() throws SQLException {
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            Dialect e = Dialect.of(c);
            if (e == Dialect.POSTGRESQL) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + e.q(schema));
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migrations") + " (id bigserial PRIMARY KEY, tenant varchar(255) NOT NULL,"
                        + " source varchar(63) NOT NULL, source_schema varchar(128), target varchar(63) NOT NULL, target_schema varchar(128),"
                        + " mode varchar(16) NOT NULL, status varchar(16) NOT NULL, step varchar(32), operator varchar(128),"
                        + " started_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz, error text)");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_steps") + " (id bigserial PRIMARY KEY, migration_id bigint NOT NULL,"
                        + " step varchar(32) NOT NULL, table_name varchar(128), rows_count bigint, checksum varchar(64),"
                        + " started_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz, error text)");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_locks") + " (tenant varchar(255) PRIMARY KEY,"
                        + " migration_id bigint NOT NULL, since timestamptz NOT NULL DEFAULT now())");
                s.execute("ALTER TABLE " + t(e, "migrations") + " ADD COLUMN IF NOT EXISTS kind varchar(16) NOT NULL DEFAULT 'move'");
                s.execute("ALTER TABLE " + t(e, "migrations") + " ADD COLUMN IF NOT EXISTS cleaned_move_id bigint");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_identity_ranges") + " (migration_id bigint NOT NULL,"
                        + " table_name varchar(128) NOT NULL, column_name varchar(128) NOT NULL, start_value bigint NOT NULL,"
                        + " PRIMARY KEY (migration_id, table_name, column_name))");
                s.execute("UPDATE " + t(e, "migrations") + " SET cleaned_move_id = CAST(substr(mode, 6) AS bigint) WHERE kind = 'cleanup'"
                        + " AND cleaned_move_id IS NULL AND mode ~ '^move:[0-9]{1,18}$'");
                s.execute("INSERT INTO " + t(e, "migration_identity_ranges") + " (migration_id, table_name, column_name, start_value)"
                        + " SELECT migration_id, table_name, checksum, rows_count FROM " + t(e, "migration_steps") + " WHERE step = 'identity'"
                        + " AND table_name IS NOT NULL AND checksum IS NOT NULL AND rows_count IS NOT NULL ON CONFLICT DO NOTHING");
            } else {
                s.execute("CREATE DATABASE IF NOT EXISTS " + e.q(schema));
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migrations") + " (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " tenant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, source VARCHAR(63) NOT NULL,"
                        + " source_schema VARCHAR(128), target VARCHAR(63) NOT NULL, target_schema VARCHAR(128), mode VARCHAR(16) NOT NULL,"
                        + " status VARCHAR(16) NOT NULL, step VARCHAR(32), operator VARCHAR(128),"
                        + " started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ended_at TIMESTAMP(3) NULL, error TEXT) ENGINE=InnoDB");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_steps") + " (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                        + " migration_id BIGINT NOT NULL, step VARCHAR(32) NOT NULL, table_name VARCHAR(128), rows_count BIGINT,"
                        + " checksum VARCHAR(64), started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), ended_at TIMESTAMP(3) NULL,"
                        + " error TEXT) ENGINE=InnoDB");
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_locks") + " (tenant VARCHAR(255) CHARACTER SET utf8mb4"
                        + " COLLATE utf8mb4_bin PRIMARY KEY, migration_id BIGINT NOT NULL,"
                        + " since TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB");
                if (!hasColumn(c, "migrations", "kind")) { // MySQL 8 has no ADD COLUMN IF NOT EXISTS
                    s.execute("ALTER TABLE " + t(e, "migrations") + " ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'move'");
                }
                if (!hasColumn(c, "migrations", "cleaned_move_id")) {
                    s.execute("ALTER TABLE " + t(e, "migrations") + " ADD COLUMN cleaned_move_id BIGINT NULL");
                }
                s.execute("CREATE TABLE IF NOT EXISTS " + t(e, "migration_identity_ranges") + " (migration_id BIGINT NOT NULL,"
                        + " table_name VARCHAR(128) NOT NULL, column_name VARCHAR(128) NOT NULL, start_value BIGINT NOT NULL,"
                        + " PRIMARY KEY (migration_id, table_name, column_name)) ENGINE=InnoDB");
                s.execute("UPDATE " + t(e, "migrations") + " SET cleaned_move_id = CAST(SUBSTRING(mode, 6) AS UNSIGNED) WHERE kind = 'cleanup'"
                        + " AND cleaned_move_id IS NULL AND mode REGEXP '^move:[0-9]{1,18}$'");
                s.execute("INSERT IGNORE INTO " + t(e, "migration_identity_ranges") + " (migration_id, table_name, column_name, start_value)"
                        + " SELECT migration_id, table_name, checksum, rows_count FROM " + t(e, "migration_steps") + " WHERE step = 'identity'"
                        + " AND table_name IS NOT NULL AND checksum IS NOT NULL AND rows_count IS NOT NULL");
            }
        }
    }

    private boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = ? AND column_name = ?")) {
            p.setString(1, schema);
            p.setString(2, table);
            p.setString(3, column);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1) > 0;
            }
        }
    }

    /**
     * Records a new move and takes the tenant's lock, atomically.
     *
     * @return the migration id
     * @throws SQLException {@code TR011} when another move of the tenant holds the lock (message names its id)
     */
    public long begin(String tenant, String source, String sourceSchema, String target, String targetSchema, MoveMode mode, String operator)
            throws SQLException {
        return begin(MOVE, tenant, source, sourceSchema, target, targetSchema, mode.name().toLowerCase(), operator);
    }

    /**
     * Records a new operation of any kind and takes the tenant's lock, atomically (one operation per tenant at a time).
     *
     * @param kind {@link #MOVE}, {@link #ROLLBACK}, {@link #CLEANUP}, {@link #EXPORT} or {@link #IMPORT}
     * @param mode free text up to 16 characters ({@code online}, {@code offline}, …)
     * @return the migration id
     * @throws SQLException {@code TR011} when another operation on the tenant holds the lock (message names its id)
     */
    public long begin(String kind, String tenant, String source, String sourceSchema, String target, String targetSchema, String mode,
            String operator) throws SQLException {
        Long cleaned = null;
        if (CLEANUP.equals(kind) && mode != null && mode.matches(CLEANED_MOVE_PREFIX + "[0-9]{1,18}")) {
            cleaned = Long.parseLong(mode.substring(CLEANED_MOVE_PREFIX.length())); // a caller of the shape before V102
        }
        return begin(kind, tenant, source, sourceSchema, target, targetSchema, mode, cleaned, operator);
    }

    /**
     * As {@link #begin(String, String, String, String, String, String, String, String)}, typed.
     *
     * @param cleanedMoveId a cleanup: the move whose old rows it removes; null for other kinds
     */
    public long begin(JournalKind kind, String tenant, String source, String sourceSchema, String target, String targetSchema, String mode,
            Long cleanedMoveId, String operator) throws SQLException {
        return begin(kind.journalName(), tenant, source, sourceSchema, target, targetSchema, mode, cleanedMoveId, operator);
    }

    private long begin(String kind, String tenant, String source, String sourceSchema, String target, String targetSchema, String mode,
            Long cleanedMoveId, String operator) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            c.setAutoCommit(false);
            try {
                Long holder = lockHolder(c, e, tenant);
                if (holder != null) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("another move of tenant '" + tenant + "' is running or was interrupted"
                            + " (migration " + holder + "): use --resume or --abort");
                }
                long id;
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migrations")
                        + " (tenant, source, source_schema, target, target_schema, mode, status, step, operator, kind, cleaned_move_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 'running', 'plan', ?, ?, ?)", new String[] {"id"})) {
                    p.setString(1, tenant);
                    p.setString(2, source);
                    p.setString(3, sourceSchema);
                    p.setString(4, target);
                    p.setString(5, targetSchema);
                    p.setString(6, mode);
                    p.setString(7, operator);
                    p.setString(8, kind);
                    if (cleanedMoveId == null) {
                        p.setNull(9, java.sql.Types.BIGINT);
                    } else {
                        p.setLong(9, cleanedMoveId);
                    }
                    p.executeUpdate();
                    try (ResultSet r = p.getGeneratedKeys()) {
                        r.next();
                        id = r.getLong(1);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migration_locks") + " (tenant, migration_id) VALUES (?, ?)")) {
                    p.setString(1, tenant);
                    p.setLong(2, id);
                    p.executeUpdate();
                } catch (SQLException dup) {
                    c.rollback();
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("another move of tenant '" + tenant + "' started at the same moment", dup);
                }
                c.commit();
                return id;
            } catch (SQLException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private Long lockHolder(Connection c, Dialect e, String tenant) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT migration_id FROM " + t(e, "migration_locks") + " WHERE tenant = ?")) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getLong(1) : null;
            }
        }
    }

    /** @return the id of the move holding the tenant's lock (running, or interrupted), if any */
    public Long activeMigration(String tenant) throws SQLException {
        try (Connection c = connections.open()) {
            return lockHolder(c, Dialect.of(c), tenant);
        }
    }

    /** Records that an operation entered a step. */
    public void step(long id, MoveStep step) throws SQLException {
        step(id, step.journalName());
    }

    /** Records a per-table result of a step (rows copied, rows and checksum verified). */
    public void tableStep(long id, MoveStep step, String table, long rows, String checksum) throws SQLException {
        tableStep(id, step.journalName(), table, rows, checksum);
    }

    /** Ends an operation; see {@link #finish(long, String, String)}. */
    public void finish(long id, JournalStatus status, String error) throws SQLException {
        finish(id, status.journalName(), error);
    }

    /** Records that a move entered a step. */
    public void step(long id, String step) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "migrations") + " SET step = ? WHERE id = ?")) {
                p.setString(1, step);
                p.setLong(2, id);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migration_steps")
                    + " (migration_id, step, ended_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                p.setLong(1, id);
                p.setString(2, step);
                p.executeUpdate();
            }
        }
    }

    /** Records a per-table result (rows copied, rows and checksum verified). */
    public void tableStep(long id, String step, String table, long rows, String checksum) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migration_steps")
                    + " (migration_id, step, table_name, rows_count, checksum, ended_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                p.setLong(1, id);
                p.setString(2, step);
                p.setString(3, table);
                p.setLong(4, rows);
                p.setString(5, checksum);
                p.executeUpdate();
            }
        }
    }

    /**
     * Ends a move: status {@code done}, {@code failed} or {@code aborted}; releases the tenant's lock.
     *
     * @param error a one-line reason (no credentials), or null
     */
    public void finish(long id, String status, String error) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("UPDATE " + t(e, "migrations")
                    + " SET status = ?, error = ?, ended_at = CURRENT_TIMESTAMP WHERE id = ?");
                 PreparedStatement l = c.prepareStatement("DELETE FROM " + t(e, "migration_locks") + " WHERE migration_id = ?")) {
                p.setString(1, status);
                p.setString(2, error);
                p.setLong(3, id);
                p.executeUpdate();
                l.setLong(1, id);
                l.executeUpdate();
                c.commit();
            } catch (SQLException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    /** @return the newest moves first, at most {@code limit} */
    public List<Migration> list(int limit) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t(e, "migrations") + " ORDER BY id DESC LIMIT " + Math.max(1, limit))) {
                return read(p);
            }
        }
    }

    /** @return the tenant's journaled operations of every kind, newest first, at most {@code limit} */
    public List<Migration> history(String tenant, int limit) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t(e, "migrations") + " WHERE tenant = ? ORDER BY id DESC LIMIT "
                    + Math.max(1, limit))) {
                p.setString(1, tenant);
                return read(p);
            }
        }
    }

    private static List<Migration> read(PreparedStatement p) throws SQLException {
        List<Migration> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(new Migration(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                        r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getTimestamp(11), r.getTimestamp(12),
                        r.getString(13), r.getString(14), cleanedMove(r.getString(14), r.getString(7), nullableLong(r, 15))));
            }
        }
        return out;
    }

    /** A cleanup row written by a build before V102 (after the migration ran) names its move in mode only. */
    private static Long cleanedMove(String kind, String mode, Long column) {
        if (column != null || !CLEANUP.equals(kind) || mode == null || !mode.matches(CLEANED_MOVE_PREFIX + "[0-9]{1,18}")) {
            return column;
        }
        return Long.parseLong(mode.substring(CLEANED_MOVE_PREFIX.length()));
    }

    private static Long nullableLong(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    /** @return one move, or null */
    public Migration get(long id) throws SQLException {
        for (Migration m : listWhere(id)) {
            return m;
        }
        return null;
    }

    private List<Migration> listWhere(long id) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t(e, "migrations") + " WHERE id = ?")) {
                p.setLong(1, id);
                return read(p);
            }
        }
    }

    /** @return the steps of a move, in order */
    public List<Step> steps(long id) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT step, table_name, rows_count, checksum, started_at, ended_at, error FROM "
                    + t(e, "migration_steps") + " WHERE migration_id = ? ORDER BY id")) {
                p.setLong(1, id);
                List<Step> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        long rows = r.getLong(3);
                        out.add(new Step(r.getString(1), r.getString(2), r.wasNull() ? -1 : rows, r.getString(4), r.getTimestamp(5),
                                r.getTimestamp(6), r.getString(7)));
                    }
                }
                return out;
            }
        }
    }

    /**
     * Records where a move or a rollback started an identity counter ({@code migration_identity_ranges}); a second
     * record of the same table and column (a resumed move) replaces the first. Rollback shows these in its plan.
     */
    public void identityRange(long id, String table, String column, long start) throws SQLException {
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            // a resumed move sets its ranges again: the last one set is the one the counter has
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t(e, "migration_identity_ranges")
                    + " (migration_id, table_name, column_name, start_value) VALUES (?, ?, ?, ?)" + (e == Dialect.POSTGRESQL
                    ? " ON CONFLICT (migration_id, table_name, column_name) DO UPDATE SET start_value = EXCLUDED.start_value"
                    : " ON DUPLICATE KEY UPDATE start_value = VALUES(start_value)"))) {
                p.setLong(1, id);
                p.setString(2, table);
                p.setString(3, column);
                p.setLong(4, start);
                p.executeUpdate();
            }
        }
    }

    /**
     * @return where operation {@code id} started identity counters, in table and column order; also what a build
     *     before control tables V102 journaled as {@code identity} steps (column in {@code checksum}, first value in
     *     {@code rows_count}) and V102 did not copy
     */
    public List<IdentityRange> identityRanges(long id) throws SQLException {
        java.util.Map<String, IdentityRange> out = new java.util.TreeMap<>();
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT table_name, column_name, start_value FROM " + t(e, "migration_identity_ranges")
                    + " WHERE migration_id = ?")) {
                p.setLong(1, id);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.put(r.getString(1) + "." + r.getString(2), new IdentityRange(r.getString(1), r.getString(2), r.getLong(3)));
                    }
                }
            }
        }
        for (Step st : steps(id)) {
            if (MoveStep.IDENTITY.is(st.step()) && st.table() != null && st.checksum() != null) {
                out.putIfAbsent(st.table() + "." + st.checksum(), new IdentityRange(st.table(), st.checksum(), st.rows()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * The newest {@code done} operation of {@code kind} of the tenant, among its last {@code limit} operations.
     *
     * @return the operation, or null
     */
    public Migration lastDone(String tenant, JournalKind kind, int limit) throws SQLException {
        return lastDone(tenant, kind.journalName(), limit);
    }

    /** As {@link #lastDone(String, JournalKind, int)}, by kind name. */
    public Migration lastDone(String tenant, String kind, int limit) throws SQLException {
        for (Migration m : history(tenant, limit)) {
            if (kind.equals(m.kind()) && "done".equals(m.status())) {
                return m;
            }
        }
        return null;
    }

    /**
     * Prefix of the {@code mode} of a {@link #CLEANUP} row written before control tables V102: {@code move:<id>} named
     * the move whose old rows it removes (now {@link Migration#cleanedMoveId()}; such rows are still read).
     */
    public static final String CLEANED_MOVE_PREFIX = "move:";

    /**
     * The cleanup that removed, or began removing, the old source rows of a move: the newest journal row of kind
     * {@link #CLEANUP} of that move ({@link Migration#cleanedMoveId()}, or mode {@code move:<moveId>} for rows written
     * before control tables V102) whose status is {@code done} or which has a
     * {@code delete} step (an interrupted or failed cleanup has deleted rows too). A rollback of that move must
     * refuse when this returns non-null: the rows it would move back over are gone (their archive is named in
     * the cleanup's {@code archive} step).
     *
     * @param moveId the id of a journaled move
     * @return the cleanup row, or null when the move's old rows are untouched
     * @throws SQLException when the control database cannot be read
     */
    public Migration cleanedUp(long moveId) throws SQLException {
        List<Migration> cleanups;
        try (Connection c = connections.open()) {
            Dialect e = Dialect.of(c);
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM " + t(e, "migrations") + " WHERE kind = ? AND (cleaned_move_id = ? OR mode = ?) ORDER BY id DESC")) {
                p.setString(1, CLEANUP);
                p.setLong(2, moveId);
                p.setString(3, CLEANED_MOVE_PREFIX + moveId);
                cleanups = read(p);
            }
        }
        for (Migration m : cleanups) {
            if (m.is(JournalStatus.DONE)) {
                return m;
            }
            for (Step s : steps(m.id())) {
                if (MoveStep.DELETE.is(s.step())) {
                    return m;
                }
            }
        }
        return null;
    }
}
