package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Creates the tenant's tables on the target from the source definitions. Foreign keys come last
 * ({@link #addForeignKeys}), after the final replay: that defers every FK check of the bulk load and the
 * catch-up (cycles and self-references need no ordering); the online cutover adds them without a scan and,
 * on PostgreSQL, validates them after the flip.
 */
public final class TargetSchema {
    private TargetSchema() {
    }

    /** @return whether the schema (PostgreSQL) / database (MySQL) exists */
    public static boolean schemaExists(Dialect e, Connection c, String schema) throws SQLException {
        String sql = e == Dialect.POSTGRESQL ? "SELECT 1 FROM pg_namespace WHERE nspname = ?"
                : "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Creates the schema / database if absent. */
    public static void createSchema(Dialect e, Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute((e == Dialect.POSTGRESQL ? "CREATE SCHEMA IF NOT EXISTS " : "CREATE DATABASE IF NOT EXISTS ") + e.q(schema));
        }
    }

    /** @return whether the table exists */
    public static boolean tableExists(Dialect e, Connection c, String schema, String table) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = ? AND k.relname = ? AND k.relkind IN ('r','p')"
                : "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            p.setString(2, table);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Creates the table (without foreign keys) and its indexes. PostgreSQL: in one transaction whose search path
     * starts with {@code schema}, so the names the source catalog printed unqualified — types of the source's schema
     * (created there first by {@link PgTypes#create}), in column types, defaults, generated columns, CHECK
     * constraints and index expressions — resolve in the destination schema.
     */
    public static void createTable(Dialect e, Connection c, String schema, TableJob job) throws SQLException {
        if (e == Dialect.POSTGRESQL) {
            String qn = e.q(schema, job.name());
            List<String> ddl = new ArrayList<>();
            ddl.add(String.format(job.def().createSql(), qn));
            for (String idx : job.def().indexSql()) {
                ddl.add(String.format(idx, qn));
            }
            executeInSchema(e, c, schema, ddl);
            return;
        }
        try (Statement s = c.createStatement()) {
            String ddl = job.def().createSql();
            int nl = ddl.indexOf('\n');
            s.execute("CREATE TABLE " + e.q(schema, job.name()) + " (" + ddl.substring(nl));
        }
    }

    /**
     * Runs statements with {@code schema} first on the search path (PostgreSQL: one transaction, {@code set_config(…,
     * true)}, the session's own path after it, so what resolved before still does); MySQL/MariaDB: one by one, as
     * they are (their DDL names the database).
     */
    public static void executeInSchema(Dialect e, Connection c, String schema, List<String> sql) throws SQLException {
        if (e != Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                for (String q : sql) {
                    s.execute(q);
                }
            }
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement(
                "SELECT set_config('search_path', quote_ident(?) || ', ' || current_setting('search_path'), true)");
             Statement s = c.createStatement()) {
            p.setString(1, schema);
            p.execute();
            for (String q : sql) {
                s.execute(q);
            }
            c.commit();
        } catch (SQLException ex) {
            c.rollback();
            throw ex;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Drops a table (cleanup of a failed move; only tables this move created). */
    public static void dropTable(Dialect e, Connection c, String schema, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (e == Dialect.MYSQL) {
                s.execute("SET SESSION foreign_key_checks = 0");
            }
            s.execute("DROP TABLE IF EXISTS " + e.q(schema, table) + (e == Dialect.POSTGRESQL ? " CASCADE" : ""));
        }
    }

    /**
     * Adds the table's foreign keys whose referenced table is part of the move.
     *
     * <p>With {@code validate} the copied rows are checked as the constraint is added (O(table)). Without, the
     * constraint only costs a catalog change: PostgreSQL adds it {@code NOT VALID} (enforced for new writes; check
     * the existing rows later with {@link #validateForeignKeys}, which does not block writers), MySQL/MariaDB add it
     * with {@code foreign_key_checks = 0} (in place, existing rows never checked — the same as loading a dump).
     * The cutover adds them without validation inside the freeze: the rows were just verified equal to the
     * source's, where the same constraints hold.
     *
     * @param moved names of the tables in the move
     * @return names of the constraints added
     */
    public static List<String> addForeignKeys(Dialect e, Connection c, String schema, TableJob job, Set<String> moved, boolean validate)
            throws SQLException {
        List<String> added = new ArrayList<>();
        for (Catalog.ForeignKey fk : job.def().foreignKeys()) {
            if (!moved.contains(fk.refTable()) || fk.definition() == null) {
                continue;
            }
            String exists = e == Dialect.POSTGRESQL
                    ? "SELECT 1 FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                            + " WHERE n.nspname = ? AND t.relname = ? AND k.conname = ?"
                    : "SELECT 1 FROM information_schema.table_constraints WHERE table_schema = ? AND table_name = ? AND constraint_name = ?";
            try (PreparedStatement p = c.prepareStatement(exists)) {
                p.setString(1, schema);
                p.setString(2, job.name());
                p.setString(3, fk.name());
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        continue;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                if (e == Dialect.POSTGRESQL) {
                    // the definition names the referenced table unqualified: resolve it in the target schema
                    try (PreparedStatement p = c.prepareStatement("SELECT set_config('search_path', quote_ident(?), true)")) {
                        c.setAutoCommit(false);
                        p.setString(1, schema);
                        p.execute();
                        s.execute("ALTER TABLE " + e.q(schema, job.name()) + " ADD " + fk.definition() + (validate ? "" : " NOT VALID"));
                        c.commit();
                    } catch (SQLException ex) {
                        c.rollback();
                        throw ex;
                    } finally {
                        c.setAutoCommit(true);
                    }
                } else {
                    String old = c.getCatalog();
                    c.setCatalog(schema);
                    try {
                        s.execute("SET SESSION foreign_key_checks = " + (validate ? 1 : 0));
                        LiveDdl.execute(e, c, "ALTER TABLE " + e.q(schema, job.name()) + " ADD " + fk.definition(), schema + "." + job.name(),
                                LIVE_DDL_TIMEOUT_MS);
                    } finally {
                        s.execute("SET SESSION foreign_key_checks = 1");
                        if (old != null && !old.isEmpty()) {
                            c.setCatalog(old);
                        }
                    }
                }
            }
            added.add(fk.name());
        }
        return added;
    }

    /**
     * PostgreSQL: checks the existing rows against constraints added {@code NOT VALID} ({@code VALIDATE CONSTRAINT}
     * takes a SHARE UPDATE EXCLUSIVE lock: reads and writes go on). No-op on MySQL/MariaDB.
     *
     * @throws SQLException {@code 23503} when a row violates one (the constraint then stays NOT VALID, still enforced for new writes)
     */
    public static void validateForeignKeys(Dialect e, Connection c, String schema, String table, List<String> names) throws SQLException {
        if (e != Dialect.POSTGRESQL) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                s.execute("ALTER TABLE " + e.q(schema, table) + " VALIDATE CONSTRAINT " + e.q(n));
            }
        }
    }

    /** Moves identity / serial / AUTO_INCREMENT counters above the copied maximum. */
    public static void bumpIdentities(Dialect e, Connection c, String schema, TableJob job) throws SQLException {
        for (Catalog.Column col : job.def().columns()) {
            if (!col.autoIncrement()) {
                continue;
            }
            String max;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT MAX(" + e.q(col.name()) + ") FROM " + e.q(schema, job.name()))) {
                r.next();
                max = r.getString(1);
            }
            if (max == null) {
                continue;
            }
            long next = Long.parseLong(max) + 1;
            try (Statement s = c.createStatement()) {
                if (e == Dialect.POSTGRESQL) {
                    try (PreparedStatement p = c.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), GREATEST(?, nextval(pg_get_serial_sequence(?, ?))), false)")) {
                        String qn = e.q(schema, job.name());
                        p.setString(1, qn);
                        p.setString(2, col.name());
                        p.setLong(3, next);
                        p.setString(4, qn);
                        p.setString(5, col.name());
                        p.execute();
                    }
                } else if (sourceCounter(e, c, schema, job.name(), col.name()) < next) {
                    // only ever raised: MariaDB lowers a counter to any value above the maximum, and a counter started in
                    // a range of its own (startIdentities) must stay there
                    LiveDdl.execute(e, c, "ALTER TABLE " + e.q(schema, job.name()) + " AUTO_INCREMENT = " + next, schema + "." + job.name(),
                            LIVE_DDL_TIMEOUT_MS);
                }
            }
        }
    }

    /**
     * How long DDL on a MySQL table that may be in use keeps trying for a moment when the application holds no lock
     * on it ({@link LiveDdl}), in milliseconds.
     */
    public static final long LIVE_DDL_TIMEOUT_MS = 30_000;

    /** Headroom above the source's counter for 64-bit identity columns: 2^32 values. */
    public static final long HEADROOM_BIGINT = 1L << 32;
    /** Headroom above the source's counter for 32-bit identity columns: 2^28 = 268,435,456 values. */
    public static final long HEADROOM_INT = 1L << 28;

    /**
     * Where a destination identity counter was started at move time.
     *
     * @param table the table
     * @param column the identity / serial / AUTO_INCREMENT column
     * @param start the first value the destination hands out
     * @param sourceNext the source's next value when the range was chosen (its counter, or its maximum + 1)
     * @param typeMax the column type's largest value
     */
    public record IdentityRange(String table, String column, long start, long sourceNext, long typeMax) {
    }

    /**
     * Starts the destination's identity / serial / AUTO_INCREMENT counters in a range disjoint from the values
     * the source will hand out next, so that rows inserted on the destination after the cutover never collide
     * with rows inserted on the source (other tenants) meanwhile — which is what lets a rollback copy them back.
     * {@code start = base + min(headroom, (typeMax − base) / 2)} with {@code base} the largest of the source's
     * counter, the destination's own counter, the source's maximum + 1 and the destination's maximum + 1 (so a
     * counter is never set below, or into, a range that either side may still be handing out); headroom {@link #HEADROOM_BIGINT} for 64-bit
     * columns, {@link #HEADROOM_INT} for 32-bit ones, half of what is left for smaller types (the source keeps the
     * lower half). When nothing is left above {@code base}, the counter goes just above the copied maximum
     * ({@code start = base}) and the rollback's key check is the only protection.
     *
     * @param src a connection to the move's source (reads its counters and maxima; no writes)
     * @return the ranges set, one per identity column
     */
    public static java.util.List<IdentityRange> startIdentities(Dialect e, Connection c, String schema, TableJob job, Connection src,
            String srcSchema) throws SQLException {
        java.util.List<IdentityRange> out = new java.util.ArrayList<>();
        for (Catalog.Column col : job.def().columns()) {
            if (!col.autoIncrement()) {
                continue;
            }
            long base = Math.max(maxPlusOne(e, c, schema, job.name(), col.name()), maxPlusOne(e, src, srcSchema, job.name(), col.name()));
            base = Math.max(base, sourceCounter(e, src, srcSchema, job.name(), col.name()));
            // and the destination's own counter: it may be handing out a range of its own to other tenants (a shared
            // destination, or the old source of a rollback), which a counter set below it would hand out a second time
            base = Math.max(base, sourceCounter(e, c, schema, job.name(), col.name()));
            long typeMax = typeMax(col.type());
            long left = typeMax - base;
            long headroom = left <= 0 ? 0 : Math.min(left / 2, typeMax > Integer.MAX_VALUE * 2L + 1 ? HEADROOM_BIGINT
                    : typeMax >= Integer.MAX_VALUE ? HEADROOM_INT : left / 2);
            long start = base + headroom;
            if (e == Dialect.POSTGRESQL) {
                try (PreparedStatement p = c.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), ?, false)")) {
                    p.setString(1, e.q(schema, job.name()));
                    p.setString(2, col.name());
                    p.setLong(3, start);
                    p.execute();
                }
            } else {
                // the destination may hold other tenants whose writers use the table now (see LiveDdl)
                LiveDdl.execute(e, c, "ALTER TABLE " + e.q(schema, job.name()) + " AUTO_INCREMENT = " + start, schema + "." + job.name(),
                        LIVE_DDL_TIMEOUT_MS);
            }
            out.add(new IdentityRange(job.name(), col.name(), start, base, typeMax));
        }
        return out;
    }

    private static long maxPlusOne(Dialect e, Connection c, String schema, String table, String column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(" + e.q(column) + ") FROM " + e.q(schema, table))) {
            r.next();
            String max = r.getString(1);
            return max == null ? 1 : Long.parseLong(max) + 1;
        }
    }

    /** @return the next value of the source's counter (PostgreSQL: last value + 1; MySQL: AUTO_INCREMENT), or 1 */
    private static long sourceCounter(Dialect e, Connection src, String schema, String table, String column) throws SQLException {
        if (e == Dialect.POSTGRESQL) {
            try (PreparedStatement p = src.prepareStatement("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(?, ?) AS regclass))")) {
                p.setString(1, e.q(schema, table));
                p.setString(2, column);
                try (ResultSet r = p.executeQuery()) {
                    long v = r.next() ? r.getLong(1) : 0;
                    return v + 1;
                }
            } catch (SQLException noPrivilege) {
                return 1; // no SELECT/USAGE on the sequence (autocommit: nothing to roll back); the source maximum still counts
            }
        }
        try (PreparedStatement p = src.prepareStatement("SELECT AUTO_INCREMENT FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            p.setString(1, schema);
            p.setString(2, table);
            try (ResultSet r = p.executeQuery()) {
                long v = r.next() ? r.getLong(1) : 0;
                return Math.max(1, v);
            }
        }
    }

    /** @return the largest value of an integer column type (PostgreSQL {@code format_type}, MySQL {@code column_type}) */
    static long typeMax(String type) {
        String t = type.toLowerCase(java.util.Locale.ROOT);
        boolean unsigned = t.contains("unsigned");
        if (t.startsWith("bigint") || t.startsWith("int8") || t.startsWith("bigserial")) {
            return Long.MAX_VALUE; // unsigned bigint too: counters stay within the signed range here
        }
        if (t.startsWith("smallint") || t.startsWith("int2") || t.startsWith("smallserial")) {
            return unsigned ? 65535 : 32767;
        }
        if (t.startsWith("tinyint")) {
            return unsigned ? 255 : 127;
        }
        if (t.startsWith("mediumint")) {
            return unsigned ? 16777215 : 8388607;
        }
        return unsigned ? 4294967295L : Integer.MAX_VALUE; // integer, int, int4, serial
    }

    /**
     * MySQL/MariaDB do not fire triggers for rows changed by foreign key actions, so a cascaded delete or update on
     * the source is not captured. Such a change leaves, on the target, a child row whose parent row is gone (the
     * parent's own change was captured and replayed). This finds those rows, for every FK among the moved tables
     * that has a referential action ({@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}); the mover queues their
     * keys as changes so the replayer re-reads them from the source like any other change. Without actions (RESTRICT /
     * NO ACTION) the source cannot change a child behind the triggers' back. A scan of the child table on the
     * target; empty on PostgreSQL (its triggers fire for cascaded changes).
     *
     * @return keys as {@link TableJob#keyJson}
     */
    public static List<String> uncapturedCascadeKeys(Dialect e, Connection c, String schema, TableJob job, Set<String> moved)
            throws SQLException {
        List<String> keys = new ArrayList<>();
        if (e != Dialect.MYSQL || job.def().keyColumns().isEmpty()) {
            return keys;
        }
        for (Catalog.ForeignKey fk : job.def().foreignKeys()) {
            if (!moved.contains(fk.refTable()) || fk.definition() == null) {
                continue;
            }
            String def = fk.definition().toUpperCase(java.util.Locale.ROOT);
            if (!def.contains("CASCADE") && !def.contains("SET NULL") && !def.contains("SET DEFAULT")) {
                continue;
            }
            StringBuilder on = new StringBuilder();
            StringBuilder notNull = new StringBuilder();
            for (int i = 0; i < fk.columns().size(); i++) {
                on.append(i > 0 ? " AND " : "").append("c.").append(e.q(fk.columns().get(i))).append(" = p.").append(e.q(fk.refColumns().get(i)));
                notNull.append(" AND c.").append(e.q(fk.columns().get(i))).append(" IS NOT NULL");
            }
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT " + job.keyJson(e, "c.") + " FROM " + e.q(schema, job.name()) + " c LEFT JOIN "
                         + e.q(schema, fk.refTable()) + " p ON " + on + " WHERE p." + e.q(fk.refColumns().get(0)) + " IS NULL" + notNull)) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
        }
        return keys;
    }

    /** Empties a table the move created (a copy interrupted half-way is started again). */
    public static void truncate(Dialect e, Connection c, String schema, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute((e == Dialect.POSTGRESQL ? "TRUNCATE " : "TRUNCATE TABLE ") + e.q(schema, table));
        }
    }

    /**
     * Refreshes the planner statistics of a table the copy just filled ({@code ANALYZE} / {@code ANALYZE TABLE}). A
     * freshly loaded PostgreSQL table has none until autovacuum gets to it (up to a minute later): the planner then
     * guesses the tenant column matches a few rows and scans its whole index for each by-key read of the catch-up
     * and the verification — measured 8× slower replay rounds at 6,000 writes/s (docs/benchmarks.md).
     */
    public static void analyze(Dialect e, Connection c, String schema, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (e == Dialect.POSTGRESQL) {
                s.execute("ANALYZE " + e.q(schema, table));
            } else {
                try (java.sql.ResultSet r = s.executeQuery("ANALYZE TABLE " + e.q(schema, table))) {
                    while (r.next()) {
                        // one status row per table; an error row (table gone) surfaces later, on the next read
                    }
                }
            }
        }
    }
}
