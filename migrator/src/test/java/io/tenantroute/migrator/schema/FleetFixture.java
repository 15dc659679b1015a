package io.tenantroute.migrator.schema;

import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fleet of locations on one real server: a control database (tenant map + journal), a shared database, dedicated
 * databases (one target each, one tenant routed to each) and, on PostgreSQL, a database whose schemas are routed to
 * (schema-per-tenant). Migration files go to a temporary directory. Every database is dropped by {@link #close()}.
 */
final class FleetFixture implements AutoCloseable {
    final Engine engine;
    final TestServer server;
    final TestDatabase ctl;
    final TestDatabase shared;
    final JdbcTenantMapStore store;
    final SchemaJournal journal;
    final MigrationJournal moves;
    final Path migrations;
    /** Every database of the fleet (not the control database), for session counts. */
    final List<TestDatabase> databases = new ArrayList<>();
    /** target name → its database. */
    final java.util.Map<String, TestDatabase> byTarget = new java.util.LinkedHashMap<>();

    /** A fleet whose control tables live apart from the fleet's databases (what the session counts need). */
    FleetFixture(Engine engine, Path migrations) throws SQLException {
        this(engine, migrations, false);
    }

    /**
     * @param controlInShared PostgreSQL: the control tables in schema {@code tenantroute} of the shared database, as the
     *     README's default setup has them (one database less to create and drop: each costs a checkpoint); MySQL keeps
     *     them apart either way (they would sit in the shared database's only schema)
     */
    FleetFixture(Engine engine, Path migrations, boolean controlInShared) throws SQLException {
        this.engine = engine;
        this.server = TestDatabases.server(engine);
        this.migrations = migrations;
        shared = server.createDatabase("sch_shared");
        ctl = controlInShared && engine == Engine.POSTGRESQL ? shared : server.createDatabase("sch_ctl");
        databases.add(shared);
        byTarget.put(Target.SHARED, shared);
        store = TestControlMaps.initAndOpen(ctl);
        store.putTarget(new Target(Target.SHARED, shared.url(), null, PasswordRef.NONE, 0));
        journal = new SchemaJournal(ctl::connect, TestControlMaps.controlSchema(ctl));
        journal.init();
        moves = new MigrationJournal(ctl::connect, TestControlMaps.controlSchema(ctl));
    }

    /** target name → the schema its tenant is routed to (PostgreSQL {@link #tenants}), absent for the default. */
    final java.util.Map<String, String> schemaOf = new java.util.HashMap<>();

    /**
     * Adds targets {@code d1…dn}, tenant {@code t<i>} routed to each: on MySQL a database each; on PostgreSQL a schema
     * {@code tenant_<i>} each in the shared database (creating and dropping a PostgreSQL database costs a checkpoint; the
     * fleet test has real databases too, see {@link #databases}).
     */
    FleetFixture tenants(int n) throws SQLException {
        if (!pg()) {
            return databases(n);
        }
        TestDatabase db = shared; // schemas next to the shared database's own
        for (int i = 1; i <= n; i++) {
            byTarget.put("d" + i, db);
            schemaOf.put("d" + i, "tenant_" + i);
            store.putTarget(new Target("d" + i, db.url(), null, PasswordRef.NONE, 0));
            store.setRoute("t" + i, "d" + i, "tenant_" + i);
        }
        return this;
    }

    /** Adds {@code n} dedicated databases {@code d1…dn}, tenant {@code t<i>} routed to each (its default schema). */
    FleetFixture databases(int n) throws SQLException {
        for (int i = 1; i <= n; i++) {
            TestDatabase db = server.createDatabase("sch_d" + i);
            databases.add(db);
            byTarget.put("d" + i, db);
            store.putTarget(new Target("d" + i, db.url(), null, PasswordRef.NONE, 0));
            store.setRoute("t" + i, "d" + i, null);
        }
        return this;
    }

    /** PostgreSQL: adds target {@code pool} (one database) and {@code n} tenants {@code s<i>} each routed to schema {@code tenant_<i>} there. */
    FleetFixture schemas(int n) throws SQLException {
        TestDatabase db = server.createDatabase("sch_pool");
        databases.add(db);
        byTarget.put("pool", db);
        store.putTarget(new Target("pool", db.url(), null, PasswordRef.NONE, 0));
        for (int i = 1; i <= n; i++) {
            store.setRoute("s" + i, "pool", "tenant_" + i);
        }
        return this;
    }

    /** An empty database as a target no route names yet (a move's destination). */
    TestDatabase target(String name) throws SQLException {
        TestDatabase db = server.createDatabase("sch_" + name);
        databases.add(db);
        byTarget.put(name, db);
        store.putTarget(new Target(name, db.url(), null, PasswordRef.NONE, 0));
        return db;
    }

    SchemaFleet fleet() {
        return new SchemaFleet(store, journal, TargetConnector.direct(), null);
    }

    SchemaRequest request() {
        return SchemaRequest.of("flyway:filesystem:" + migrations).withControlSchema(TestControlMaps.controlSchema(ctl));
    }

    boolean pg() {
        return engine == Engine.POSTGRESQL;
    }

    /** Writes (or overwrites) a migration file. */
    void file(String name, String sql) throws java.io.IOException {
        Files.writeString(migrations.resolve(name), sql);
    }

    /** V1: items(id, tenant_id, name). */
    void v1() throws java.io.IOException {
        file("V1__items.sql", pg()
                ? "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, name varchar(200) NOT NULL);\n"
                : "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, name varchar(200) NOT NULL) ENGINE=InnoDB;\n");
    }

    /** Rows of tenants acme (even ids) and globex (odd ids) in a location's items: 40 in all. */
    void seed(String target) throws SQLException {
        try (Connection c = connect(target, null); var s = c.createStatement()) {
            s.execute(pg() ? "INSERT INTO items (id, tenant_id, name) SELECT g, CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END, 'item ' || g FROM generate_series(1, 40) g"
                    : "INSERT INTO items (id, tenant_id, name) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 40)"
                            + " SELECT n, IF(n % 2 = 0, 'acme', 'globex'), CONCAT('item ', n) FROM s");
        }
    }

    /** V2: a column, after a pause (so that locations overlap in time and sessions can be counted). */
    void v2(double pauseSeconds) throws java.io.IOException {
        file("V2__note.sql", (pauseSeconds > 0 ? (pg() ? "SELECT pg_sleep(" + pauseSeconds + ");\n" : "DO SLEEP(" + pauseSeconds + ");\n") : "")
                + (pg() ? "ALTER TABLE items ADD COLUMN note text;\n" : "ALTER TABLE items ADD COLUMN note varchar(200);\n"));
    }

    /** V3: an index. */
    void v3() throws java.io.IOException {
        file("V3__index.sql", "CREATE INDEX items_tenant_name ON items (tenant_id, name);\n");
    }

    /** @return a connection to a target's database with the location's schema current (PostgreSQL search_path / MySQL USE) */
    Connection connect(String target, String schema) throws SQLException {
        Connection c = byTarget.get(target).connect();
        schema = schema != null ? schema : schemaOf.get(target);
        if (schema != null) {
            try (var s = c.createStatement()) {
                s.execute(pg() ? "SET search_path TO \"" + schema + "\"" : "USE `" + schema + "`");
            }
        }
        return c;
    }

    /** @return the location's Flyway history: {@code version:success:checksum:installed_on} per row, by installed_rank */
    List<String> history(String target, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(target, schema); PreparedStatement p = c.prepareStatement(
                "SELECT version, success, checksum, installed_on, installed_rank FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank");
             ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1) + ":" + r.getBoolean(2) + ":" + r.getString(3) + ":" + r.getTimestamp(4) + ":" + r.getInt(5));
            }
        }
        return out;
    }

    /** @return the versions applied successfully at a location */
    List<String> versions(String target, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String h : history(target, schema)) {
            String[] p = h.split(":");
            if (p[1].equals("true")) {
                out.add(p[0]);
            }
        }
        return out;
    }

    /** @return whether a column exists in a location's table */
    boolean hasColumn(String target, String schema, String table, String column) throws SQLException {
        try (Connection c = connect(target, schema); PreparedStatement p = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = " + (pg() ? "current_schema()" : "DATABASE()")
                        + " AND table_name = ? AND column_name = ?")) {
            p.setString(1, table);
            p.setString(2, column);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1) > 0;
            }
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        try {
            store.close();
        } catch (Exception e) {
            first = e;
        }
        for (TestDatabase db : databases) {
            try {
                db.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        try {
            if (ctl != shared) {
                ctl.close();
            }
        } catch (Exception e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
