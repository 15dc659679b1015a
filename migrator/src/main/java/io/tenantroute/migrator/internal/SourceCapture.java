package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Change capture and the fence, both done by row triggers on the source database.
 *
 * <p>Objects: PostgreSQL schema {@code tenantroute} with tables {@code mig_fence} and {@code mig_changes} and
 * one trigger function per table; MySQL/MariaDB tables {@code tenantroute_fence} and {@code tenantroute_changes}
 * in the app's own database (so no extra grants) and three triggers per table.
 *
 * <p>The fence table holds one row per tenant being moved: state {@code capture} (changes recorded) or
 * {@code fenced} (writes raise SQLSTATE {@code TR003}). Every trigger reads the tenant's row with a share lock
 * ({@code FOR SHARE} / {@code LOCK IN SHARE MODE}) which it keeps until its transaction ends. Fencing is an
 * {@code UPDATE} of that row: it waits for every transaction that already wrote the tenant's rows, and every
 * later write reads the updated row (a locking read sees the newest version) and is rejected. So "wait for
 * in-flight transactions" is the fence acquisition itself, bounded by a lock timeout.
 *
 * <p>A locking read does not see a row inserted after a REPEATABLE READ snapshot was taken, so after the
 * capture row is inserted the mover waits until every transaction that started before is over
 * ({@link #waitForOlderTransactions}); only then is the copy snapshot taken.
 */
public final class SourceCapture {
    /** The states of a tenant's fence row ({@code state} column); no row: the tenant is neither captured nor fenced here. */
    public enum FenceState {
        /** The tenant's changes are captured; its writes go on. */
        CAPTURE("capture"),
        /** The tenant's writes are rejected with {@code TR003} (only a bypassing session of the tenant's own operation passes). */
        FENCED("fenced");

        private final String stored;

        FenceState(String stored) {
            this.stored = stored;
        }

        /** @return the value in the fence table */
        public String stored() {
            return stored;
        }

        /** @return the state of a stored value, or null for none or one this version does not know */
        public static FenceState of(String stored) {
            for (FenceState f : values()) {
                if (f.stored.equals(stored)) {
                    return f;
                }
            }
            return null;
        }
    }

    private final Dialect e;
    private final String schema;

    /**
     * @param e the source engine
     * @param schema the app schema (PostgreSQL) / database (MySQL) on the source
     */
    public SourceCapture(Dialect e, String schema) {
        this.e = e;
        this.schema = schema;
    }

    /** @return the qualified fence table */
    public String fenceTable() {
        return e == Dialect.POSTGRESQL ? "tenantroute.mig_fence" : e.q(schema, Catalog.OWN_PREFIX + "fence");
    }

    /** @return the qualified change table */
    public String changeTable() {
        return e == Dialect.POSTGRESQL ? "tenantroute.mig_changes" : e.q(schema, Catalog.OWN_PREFIX + "changes");
    }

    /** @return the qualified bypass table (sessions of a rollback allowed to rewrite one fenced tenant's rows) */
    public String bypassTable() {
        return e == Dialect.POSTGRESQL ? "tenantroute.mig_bypass" : e.q(schema, Catalog.OWN_PREFIX + "bypass");
    }

    /** Creates the fence, change and bypass tables if absent. */
    public void createTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (e == Dialect.POSTGRESQL) {
                s.execute("CREATE SCHEMA IF NOT EXISTS tenantroute");
                // keyed by schema too: one database may hold the tenant's old rows (fenced) and its new schema
                s.execute("CREATE TABLE IF NOT EXISTS tenantroute.mig_fence (sch text NOT NULL, tenant text NOT NULL, state text NOT NULL,"
                        + " migration_id bigint, since timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (sch, tenant))");
                s.execute("CREATE TABLE IF NOT EXISTS tenantroute.mig_changes (id bigserial PRIMARY KEY, sch text NOT NULL,"
                        + " tbl text NOT NULL, tenant text, pk text NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS mig_changes_tenant ON tenantroute.mig_changes (sch, tenant, id)");
                // a session (pid + its start time, so a reused pid never matches) allowed to write one fenced tenant's rows
                s.execute("CREATE TABLE IF NOT EXISTS tenantroute.mig_bypass (pid int NOT NULL, started timestamptz NOT NULL, sch text NOT NULL,"
                        + " tenant text NOT NULL, migration_id bigint, PRIMARY KEY (pid, sch))");
            } else {
                s.execute("CREATE TABLE IF NOT EXISTS " + fenceTable() + " (tenant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                        + " PRIMARY KEY, state VARCHAR(16) NOT NULL, migration_id BIGINT, since TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"
                        + " ENGINE=InnoDB");
                s.execute("CREATE TABLE IF NOT EXISTS " + changeTable() + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, sch VARCHAR(64) NOT NULL,"
                        + " tbl VARCHAR(64) NOT NULL, tenant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, pk TEXT NOT NULL,"
                        + " KEY tenantroute_changes_tenant (sch, tenant, id)) ENGINE=InnoDB");
                s.execute("CREATE TABLE IF NOT EXISTS " + bypassTable() + " (conn BIGINT UNSIGNED PRIMARY KEY, tenant VARCHAR(255)"
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, migration_id BIGINT) ENGINE=InnoDB");
            }
        }
    }

    /**
     * Installs (or replaces, PostgreSQL) the capture-and-fence triggers on one owned table.
     *
     * @param key the table's key columns; empty: fence only, no capture (offline mode)
     * @param ddlTimeoutMs MySQL: how long to keep trying while the application's transactions hold the table's
     *     metadata lock ({@link LiveDdl}), in milliseconds
     * @throws SQLException {@code TR011} when the table stayed in use that long (MySQL)
     */
    public void installTriggers(Connection c, Ownership o, List<String> key, long ddlTimeoutMs) throws SQLException {
        if (e == Dialect.POSTGRESQL) {
            installPg(c, o, key);
        } else {
            for (String op : new String[] {"INSERT", "UPDATE", "DELETE"}) {
                installMySql(c, o, key, op, ddlTimeoutMs);
            }
        }
    }

    private static String shortName(String prefix, String table) {
        String n = prefix + table;
        if (n.length() > 60) {
            n = n.substring(0, 50) + "_" + Integer.toHexString(table.hashCode());
        }
        return n;
    }

    private String pkJson(Ownership o, List<String> key, String rowVar) {
        StringBuilder b = new StringBuilder(e == Dialect.POSTGRESQL ? "jsonb_build_array(" : "JSON_ARRAY(");
        for (int i = 0; i < key.size(); i++) {
            b.append(i > 0 ? ", " : "").append(rowVar).append('.').append(e.q(key.get(i)));
        }
        return b.append(e == Dialect.POSTGRESQL ? ")::text" : ")").toString();
    }

    private void installPg(Connection c, Ownership o, List<String> key) throws SQLException {
        String fn = "tenantroute." + e.q(shortName("c_" + schema + "_", o.table()));
        boolean child = !o.hops().isEmpty();
        StringBuilder b = new StringBuilder();
        b.append("CREATE OR REPLACE FUNCTION ").append(fn).append("() RETURNS trigger LANGUAGE plpgsql AS $tr$\n")
                .append("DECLARE t_new text; t_old text; s_new text; s_old text; who text;\nBEGIN\n")
                .append("  IF NOT EXISTS (SELECT 1 FROM tenantroute.mig_fence) THEN RETURN NULL; END IF;\n")
                .append("  IF TG_OP <> 'DELETE' THEN t_new := ").append(o.tenantOfRow(e, schema, "NEW")).append("; END IF;\n")
                .append("  IF TG_OP <> 'INSERT' THEN t_old := ").append(o.tenantOfRow(e, schema, "OLD")).append("; END IF;\n")
                .append("  IF EXISTS (SELECT 1 FROM tenantroute.mig_bypass) THEN\n")
                .append("    SELECT b.tenant INTO who FROM tenantroute.mig_bypass b WHERE b.pid = pg_backend_pid() AND b.sch = TG_TABLE_SCHEMA")
                .append(" AND b.started = (SELECT a.backend_start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid());\n")
                .append("    IF who IS NOT NULL THEN\n")
                .append("      IF (t_new IS NOT NULL AND t_new <> who) OR (t_old IS NOT NULL AND t_old <> who) THEN\n")
                .append("        RAISE EXCEPTION 'TenantRoute: the rollback of tenant % may not change a row of tenant %', who,")
                .append(" CASE WHEN t_new IS NOT NULL AND t_new <> who THEN t_new ELSE t_old END USING ERRCODE = 'TR011';\n")
                .append("      END IF;\n      RETURN NULL;\n    END IF;\n  END IF;\n")
                .append("  IF t_new IS NOT NULL THEN SELECT f.state INTO s_new FROM tenantroute.mig_fence f WHERE f.sch = TG_TABLE_SCHEMA AND f.tenant = t_new FOR SHARE; END IF;\n")
                .append("  IF t_old IS NOT NULL AND t_old IS DISTINCT FROM t_new THEN SELECT f.state INTO s_old FROM tenantroute.mig_fence f WHERE f.sch = TG_TABLE_SCHEMA AND f.tenant = t_old FOR SHARE; END IF;\n")
                .append("  IF s_new = 'fenced' OR s_old = 'fenced' THEN\n")
                .append("    who := CASE WHEN s_new = 'fenced' THEN t_new ELSE t_old END;\n")
                .append("    RAISE EXCEPTION 'TenantRoute: tenant % is fenced on this database (moved or cutting over): re-read the tenant map and retry', who USING ERRCODE = 'TR003';\n")
                .append("  END IF;\n");
        if (!key.isEmpty()) {
            b.append("  IF s_new IS NOT NULL OR s_old IS NOT NULL").append(child ? " OR (t_new IS NULL AND t_old IS NULL)" : "").append(" THEN\n")
                    .append("    who := CASE WHEN s_old IS NOT NULL THEN t_old WHEN s_new IS NOT NULL THEN t_new END;\n")
                    .append("    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ").append(pkJson(o, key, "OLD")).append(" IS DISTINCT FROM ")
                    .append(pkJson(o, key, "NEW")).append(") THEN INSERT INTO tenantroute.mig_changes(sch, tbl, tenant, pk) VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, who, ")
                    .append(pkJson(o, key, "OLD")).append("); END IF;\n")
                    .append("    IF TG_OP <> 'DELETE' THEN INSERT INTO tenantroute.mig_changes(sch, tbl, tenant, pk) VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, who, ")
                    .append(pkJson(o, key, "NEW")).append("); END IF;\n")
                    .append("  END IF;\n");
        }
        b.append("  RETURN NULL;\nEND $tr$");
        try (Statement s = c.createStatement()) {
            s.execute(b.toString());
            s.execute("CREATE OR REPLACE TRIGGER tenantroute_capture AFTER INSERT OR UPDATE OR DELETE ON " + e.q(schema, o.table())
                    + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
            s.execute("CREATE OR REPLACE FUNCTION tenantroute.no_truncate() RETURNS trigger LANGUAGE plpgsql AS $tr$ BEGIN"
                    + " IF EXISTS (SELECT 1 FROM tenantroute.mig_fence) THEN RAISE EXCEPTION"
                    + " 'TenantRoute: TRUNCATE of % refused while a tenant is moved or fenced', TG_TABLE_NAME USING ERRCODE = 'TR003'; END IF;"
                    + " RETURN NULL; END $tr$");
            s.execute("CREATE OR REPLACE TRIGGER tenantroute_no_truncate BEFORE TRUNCATE ON " + e.q(schema, o.table())
                    + " FOR EACH STATEMENT EXECUTE FUNCTION tenantroute.no_truncate()");
        }
    }

    private void installMySql(Connection c, Ownership o, List<String> key, String op, long ddlTimeoutMs) throws SQLException {
        String name = shortName("tenantroute_" + op.substring(0, 1).toLowerCase(Locale.ROOT) + "_", o.table());
        try (PreparedStatement p = c.prepareStatement(
                "SELECT 1 FROM information_schema.triggers WHERE trigger_schema = ? AND trigger_name = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    return; // installed by an earlier attempt; MySQL has no atomic replace
                }
            }
        }
        boolean child = !o.hops().isEmpty();
        String fence = fenceTable();
        String bin = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        StringBuilder b = new StringBuilder();
        b.append("CREATE TRIGGER ").append(e.q(schema, name)).append(" AFTER ").append(op).append(" ON ").append(e.q(schema, o.table()))
                .append(" FOR EACH ROW BEGIN\n")
                .append("  DECLARE t_new VARCHAR(255)").append(bin).append(" DEFAULT NULL;\n")
                .append("  DECLARE t_old VARCHAR(255)").append(bin).append(" DEFAULT NULL;\n")
                .append("  DECLARE s_new VARCHAR(16) DEFAULT NULL;\n  DECLARE s_old VARCHAR(16) DEFAULT NULL;\n")
                .append("  DECLARE who VARCHAR(255)").append(bin).append(" DEFAULT NULL;\n  DECLARE msg VARCHAR(512);\n")
                .append("  DECLARE byp VARCHAR(255)").append(bin).append(" DEFAULT NULL;\n")
                .append("  IF EXISTS (SELECT 1 FROM ").append(fence).append(") THEN\n");
        if (!op.equals("DELETE")) {
            b.append("    SET t_new = ").append(o.tenantOfRow(e, schema, "NEW")).append(";\n");
        }
        if (!op.equals("INSERT")) {
            b.append("    SET t_old = ").append(o.tenantOfRow(e, schema, "OLD")).append(";\n");
        }
        // a rollback's own session rewrites the fenced tenant's rows, and only that tenant's (see bypassTable)
        b.append("    IF EXISTS (SELECT 1 FROM ").append(bypassTable()).append(") THEN SELECT MAX(b.tenant) INTO byp FROM ").append(bypassTable())
                .append(" b WHERE b.conn = CONNECTION_ID(); END IF;\n")
                .append("    IF byp IS NOT NULL THEN\n")
                .append("      IF (t_new IS NOT NULL AND NOT (t_new <=> byp)) OR (t_old IS NOT NULL AND NOT (t_old <=> byp)) THEN\n")
                .append("        SET msg = CONCAT('TenantRoute: the rollback of tenant ', byp, ' may not change a row of tenant ', IF(t_new IS NOT NULL AND NOT (t_new <=> byp), t_new, t_old));\n")
                .append("        SIGNAL SQLSTATE 'TR011' SET MESSAGE_TEXT = msg;\n      END IF;\n")
                .append("    ELSE\n");
        if (!op.equals("DELETE")) {
            b.append("    IF t_new IS NOT NULL THEN SELECT MAX(f.state) INTO s_new FROM ").append(fence)
                    .append(" f WHERE f.tenant = t_new LOCK IN SHARE MODE; END IF;\n");
        }
        if (!op.equals("INSERT")) {
            b.append("    IF t_old IS NOT NULL AND NOT (t_old <=> t_new) THEN SELECT MAX(f.state) INTO s_old FROM ").append(fence)
                    .append(" f WHERE f.tenant = t_old LOCK IN SHARE MODE; END IF;\n");
        }
        b.append("    IF s_new = 'fenced' OR s_old = 'fenced' THEN\n")
                .append("      SET msg = CONCAT('TenantRoute: tenant ', IF(s_new = 'fenced', t_new, t_old),")
                .append(" ' is fenced on this database (moved or cutting over): re-read the tenant map and retry');\n")
                .append("      SIGNAL SQLSTATE 'TR003' SET MESSAGE_TEXT = msg;\n    END IF;\n");
        if (!key.isEmpty()) {
            b.append("    IF s_new IS NOT NULL OR s_old IS NOT NULL").append(child ? " OR (t_new IS NULL AND t_old IS NULL)" : "").append(" THEN\n")
                    .append("      SET who = IF(s_old IS NOT NULL, t_old, IF(s_new IS NOT NULL, t_new, NULL));\n");
            if (op.equals("UPDATE")) {
                b.append("      IF NOT (").append(pkJson(o, key, "OLD")).append(" <=> ").append(pkJson(o, key, "NEW")).append(") THEN\n")
                        .append("      INSERT INTO ").append(changeTable()).append(" (sch, tbl, tenant, pk) VALUES (")
                        .append(sqlString(schema)).append(", ").append(sqlString(o.table())).append(", who, ").append(pkJson(o, key, "OLD")).append(");\n")
                        .append("      END IF;\n");
            } else if (op.equals("DELETE")) {
                b.append("      INSERT INTO ").append(changeTable()).append(" (sch, tbl, tenant, pk) VALUES (")
                        .append(sqlString(schema)).append(", ").append(sqlString(o.table())).append(", who, ").append(pkJson(o, key, "OLD")).append(");\n");
            }
            if (!op.equals("DELETE")) {
                b.append("      INSERT INTO ").append(changeTable()).append(" (sch, tbl, tenant, pk) VALUES (")
                        .append(sqlString(schema)).append(", ").append(sqlString(o.table())).append(", who, ").append(pkJson(o, key, "NEW")).append(");\n");
            }
            b.append("    END IF;\n");
        }
        b.append("    END IF;\n  END IF;\nEND");
        // the app may be writing the table right now: never make its transactions wait for, or lose to, this DDL
        LiveDdl.execute(e, c, b.toString(), schema + "." + o.table(), ddlTimeoutMs);
    }

    /** An identifier as a MySQL string literal (catalog names only, never tenant data). */
    private static String sqlString(String ident) {
        return "'" + ident.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * Sets the tenant's fence row (autocommit connection). {@code fenced} waits for the share locks of
     * in-flight writers, at most {@code lockTimeoutMs}.
     *
     * @throws SQLException {@code TR011} when in-flight transactions did not end in time
     */
    public void setState(Connection c, String tenant, FenceState state, long migrationId, long lockTimeoutMs) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (e == Dialect.POSTGRESQL) {
                s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeoutMs));
            } else {
                s.execute("SET SESSION innodb_lock_wait_timeout = " + Math.max(1, (lockTimeoutMs + 999) / 1000));
            }
            String upsert = e == Dialect.POSTGRESQL
                    ? "INSERT INTO tenantroute.mig_fence(tenant, state, migration_id, sch) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (sch, tenant) DO UPDATE SET state = EXCLUDED.state, migration_id = EXCLUDED.migration_id, since = now()"
                    : "INSERT INTO " + fenceTable() + " (tenant, state, migration_id) VALUES (?, ?, ?)"
                            + " ON DUPLICATE KEY UPDATE state = VALUES(state), migration_id = VALUES(migration_id), since = CURRENT_TIMESTAMP(6)";
            try (PreparedStatement p = c.prepareStatement(upsert)) {
                p.setString(1, tenant);
                p.setString(2, state.stored());
                p.setLong(3, migrationId);
                if (e == Dialect.POSTGRESQL) {
                    p.setString(4, schema);
                }
                p.executeUpdate();
            }
            c.commit();
        } catch (SQLException ex) {
            c.rollback();
            String st = ex.getSQLState();
            if ("55P03".equals(st) || "40001".equals(st) || ex.getErrorCode() == 1205) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("fence of tenant '" + tenant
                        + "': in-flight transactions of the tenant did not end within " + lockTimeoutMs + " ms", ex);
            }
            throw ex;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Removes the tenant's fence row and its pending changes: writes on the source work again, uncaptured. */
    public void unfence(Connection c, String tenant) throws SQLException {
        if (!tablesExist(c)) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + fenceTable() + " WHERE tenant = ?" + schemaFilter())) {
            p.setString(1, tenant);
            if (e == Dialect.POSTGRESQL) {
                p.setString(2, schema);
            }
            p.executeUpdate();
        }
        clearChanges(c, tenant);
    }

    /**
     * PostgreSQL: removes the dead rows the replayer left in the change table ({@code VACUUM}, which does not block
     * the writers' inserts). The replayer reads the change table by "what is left", in id order: every consumed
     * change stays in the index as a dead entry until vacuumed, and the next read walks over all of them (measured
     * 40–200 ms per read after ~100k replayed changes, 2 ms after a vacuum). Autovacuum comes too late (its nap is a
     * minute). Without ownership of the table PostgreSQL skips it with a warning; MySQL (InnoDB purges on its own):
     * nothing. Autocommit connection.
     *
     * <p>{@code SKIP_LOCKED} (PostgreSQL 12+): when autovacuum is already at the table, this does not wait for it —
     * measured 1.3 s of waiting right before a freeze under 3,200 writes/s, while the backlog that the freeze then
     * replays grew. Autovacuum removes the dead rows then anyway.
     */
    public void vacuum(Connection c) throws SQLException {
        if (e == Dialect.POSTGRESQL) {
            boolean skipLocked = c.getMetaData().getDatabaseMajorVersion() >= 12;
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM " + (skipLocked ? "(SKIP_LOCKED) " : "") + changeTable());
            }
        }
    }

    /** Deletes the tenant's pending changes (after the flip, or after unfence). */
    public void clearChanges(Connection c, String tenant) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + changeTable() + " WHERE sch = ? AND tenant = ?")) {
            p.setString(1, schema);
            p.setString(2, tenant);
            p.executeUpdate();
        }
    }

    /**
     * Lets this session (and only it) write the rows of one tenant that is fenced here, for a rollback that
     * copies the tenant back: the triggers then neither reject nor capture its writes of that tenant's rows, and
     * reject (SQLSTATE {@code TR011}) any write of this session that touches another tenant's row. The session is
     * named by what no other session can forge: PostgreSQL {@code pg_backend_pid()} plus the backend's start
     * time, MySQL {@code CONNECTION_ID()}. Autocommit connection.
     */
    public void grantBypass(Connection c, String tenant, long migrationId) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "INSERT INTO tenantroute.mig_bypass (pid, started, sch, tenant, migration_id) SELECT a.pid, a.backend_start, ?, ?, ?"
                        + " FROM pg_stat_activity a WHERE a.pid = pg_backend_pid() ON CONFLICT (pid, sch) DO UPDATE SET started = EXCLUDED.started,"
                        + " tenant = EXCLUDED.tenant, migration_id = EXCLUDED.migration_id"
                : "INSERT INTO " + bypassTable() + " (conn, tenant, migration_id) VALUES (CONNECTION_ID(), ?, ?)"
                        + " ON DUPLICATE KEY UPDATE tenant = VALUES(tenant), migration_id = VALUES(migration_id)";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int n = 1;
            if (e == Dialect.POSTGRESQL) {
                p.setString(n++, schema);
            }
            p.setString(n++, tenant);
            p.setLong(n, migrationId);
            if (p.executeUpdate() != 1 && e == Dialect.POSTGRESQL) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("cannot read this session's own row in pg_stat_activity");
            }
        }
    }

    /** Removes every bypass of the tenant here (end of a rollback, whatever its outcome). */
    public void revokeBypass(Connection c, String tenant) throws SQLException {
        if (!tablesExist(c)) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + bypassTable() + " WHERE tenant = ?" + schemaFilter())) {
            p.setString(1, tenant);
            if (e == Dialect.POSTGRESQL) {
                p.setString(2, schema);
            }
            p.executeUpdate();
        }
    }

    /** @return the tenant's fence state, or null when it has no fence row here */
    public FenceState fenceState(Connection c, String tenant) throws SQLException {
        return FenceState.of(state(c, tenant));
    }

    /** @return the tenant's fence state as stored ({@link FenceState#stored()}), or null */
    public String state(Connection c, String tenant) throws SQLException {
        if (!tablesExist(c)) {
            return null;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT state FROM " + fenceTable() + " WHERE tenant = ?" + schemaFilter())) {
            p.setString(1, tenant);
            if (e == Dialect.POSTGRESQL) {
                p.setString(2, schema);
            }
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /**
     * Queues changes by hand (keys of rows the database changed without firing the capture triggers), for the
     * replayer to re-read like any captured change.
     *
     * @param keys as {@link TableJob#keyJson}
     */
    public void enqueue(Connection c, String table, String tenant, java.util.Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + changeTable() + " (sch, tbl, tenant, pk) VALUES (?, ?, ?, ?)")) {
            for (String k : keys) {
                p.setString(1, schema);
                p.setString(2, table);
                p.setString(3, tenant);
                p.setString(4, k);
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** @return the migration id on the tenant's fence row, or null when there is none */
    public Long migrationOf(Connection c, String tenant) throws SQLException {
        if (!tablesExist(c)) {
            return null;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT migration_id FROM " + fenceTable() + " WHERE tenant = ?" + schemaFilter())) {
            p.setString(1, tenant);
            if (e == Dialect.POSTGRESQL) {
                p.setString(2, schema);
            }
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                long id = r.getLong(1);
                return r.wasNull() ? null : id;
            }
        }
    }

    private String schemaFilter() {
        return e == Dialect.POSTGRESQL ? " AND sch = ?" : "";
    }

    /** @return whether the fence table exists on this source */
    public boolean tablesExist(Connection c) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT 1 FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = 'tenantroute' AND k.relname = 'mig_fence'"
                : "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'tenantroute_fence'";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            if (e == Dialect.MYSQL) {
                p.setString(1, schema);
            }
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Waits until every transaction on the source that started before now has ended, so that every later
     * snapshot sees the fence row just committed. PostgreSQL: client backends of the source database
     * ({@code pg_stat_activity.xact_start}, needs {@code pg_read_all_stats} or superuser to see other users'
     * sessions; every transaction counts, also readers: a REPEATABLE READ snapshot older than the fence row would
     * not see it). MySQL: {@code innodb_trx} is server-wide, so it counts transactions that already modified rows
     * ({@code trx_rows_modified > 0}: the triggers' locking read of the fence row sees the newest version whatever
     * the snapshot, so a transaction's later writes are captured) in sessions whose current database is the source
     * schema or none (an app that reaches the schema only through qualified names from another default database is
     * not waited for — a documented limit).
     *
     * @param timeoutMs the limit, in milliseconds
     * @throws SQLException {@code TR011} on timeout (the caller rolls back)
     */
    /**
     * The sessions {@link #waitForOlderTransactions} waits for, for its timeout message: session id, state and when
     * the transaction started (never the statement text: it may hold data).
     */
    private String olderSessions(Connection c, String now) {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT pid::text, coalesce(state, '') || coalesce(' ' || wait_event_type || '/' || wait_event, ''), xact_start::text"
                        + " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND xact_start < CAST(? AS timestamptz) ORDER BY xact_start LIMIT 5"
                : "SELECT CAST(t.trx_mysql_thread_id AS CHAR), CONCAT(COALESCE(p.command, ''), ' ', COALESCE(p.state, ''), ' ', t.trx_state),"
                        + " CAST(t.trx_started AS CHAR) FROM information_schema.innodb_trx t JOIN information_schema.processlist p"
                        + " ON p.id = t.trx_mysql_thread_id WHERE t.trx_started <= CAST(? AS DATETIME(6)) AND t.trx_rows_modified > 0"
                        + " AND t.trx_mysql_thread_id <> CONNECTION_ID()"
                        + " AND (p.db = ? OR p.db IS NULL) ORDER BY t.trx_started LIMIT 5";
        StringBuilder b = new StringBuilder();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, now);
            if (e == Dialect.MYSQL) {
                p.setString(2, schema);
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    b.append(b.length() > 0 ? "; " : "").append(e == Dialect.POSTGRESQL ? "pid " : "connection ").append(r.getString(1))
                            .append(" (").append(r.getString(2).trim()).append(", transaction since ").append(r.getString(3)).append(')');
                }
            }
        } catch (SQLException ex) {
            return "(could not list them: " + ex.getMessage() + ")";
        }
        return b.length() == 0 ? "(none left now)" : b.toString();
    }

    /**
     * MariaDB 10.11: {@code information_schema.innodb_trx} can go on listing, with the same id and start, a transaction
     * of a session that keeps writing in autocommit, while InnoDB's own monitor shows that session's transaction as
     * "not started" and the transaction id counter has moved thousands ahead (seen in this project's tests and load
     * harness, docs/migrator.md). So a transaction still listed after a second is kept only if
     * {@code SHOW ENGINE INNODB STATUS} lists its id as {@code ACTIVE}. When the monitor's output is truncated, or
     * cannot be read, nothing is dropped (waiting too long is safe, not waiting is not).
     *
     * @param older {@code trx_id@trx_started} keys; the finished ones are removed
     */
    private static void dropFinished(Connection c, java.util.Set<String> older) {
        String status;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW ENGINE INNODB STATUS")) {
            if (!r.next()) {
                return;
            }
            status = r.getString("Status");
        } catch (SQLException ex) {
            return;
        }
        if (status == null || status.contains("truncated")) {
            return;
        }
        java.util.Set<String> active = new java.util.HashSet<>();
        java.util.regex.Matcher m = ACTIVE_TRX.matcher(status);
        while (m.find()) {
            active.add(m.group(1));
        }
        older.removeIf(k -> !active.contains(k.substring(0, k.indexOf('@'))));
    }

    /** An active transaction in {@code SHOW ENGINE INNODB STATUS}: {@code ---TRANSACTION 2502047, ACTIVE 5 sec}. */
    private static final java.util.regex.Pattern ACTIVE_TRX = java.util.regex.Pattern.compile("---TRANSACTION (\\d+), ACTIVE");

    public void waitForOlderTransactions(Connection c, long timeoutMs) throws SQLException {
        String now;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery(e == Dialect.POSTGRESQL ? "SELECT clock_timestamp()::text" : "SELECT CAST(NOW(6) AS CHAR)")) {
            r.next();
            now = r.getString(1);
        }
        // MySQL: innodb_trx.trx_started has whole seconds only, so the transactions open now (started up to this second)
        // are waited for by trx_id + start (a read-only transaction's id is per session, reused by its next one), and a
        // transaction begun later never counts. Only transactions that already modified rows matter: one that has only
        // read so far writes after the fence row is committed, and its trigger then captures the write
        java.util.Set<String> older = null;
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND xact_start < CAST(? AS timestamptz)"
                : "SELECT CONCAT(t.trx_id, '@', t.trx_started) FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id"
                        + " WHERE t.trx_started <= CAST(? AS DATETIME(6)) AND t.trx_rows_modified > 0 AND t.trx_mysql_thread_id <> CONNECTION_ID()"
                        + " AND (p.db = ? OR p.db IS NULL)";
        long begin = System.nanoTime();
        long deadline = begin + timeoutMs * 1_000_000L;
        while (true) {
            long n;
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, now);
                if (e == Dialect.MYSQL) {
                    p.setString(2, schema);
                }
                try (ResultSet r = p.executeQuery()) {
                    if (e == Dialect.POSTGRESQL) {
                        r.next();
                        n = r.getLong(1);
                    } else {
                        java.util.Set<String> open = new java.util.HashSet<>();
                        while (r.next()) {
                            open.add(r.getString(1));
                        }
                        if (older == null) {
                            older = open;
                        } else {
                            older.retainAll(open);
                        }
                        if (!older.isEmpty() && System.nanoTime() - begin > 1_000_000_000L) {
                            dropFinished(c, older);
                        }
                        n = older.size();
                    }
                }
            }
            if (n == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw TenantRouteSqlState.MIGRATION_FAILED.exception(n + " transaction(s) older than the capture start are still open on the source after "
                        + timeoutMs + " ms: " + olderSessions(c, now) + " (end or kill them, or raise the settle timeout)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw TenantRouteSqlState.MIGRATION_FAILED.exception("interrupted while waiting for older transactions");
            }
        }
    }
}
