package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Routing through {@code jdbc:tenantroute:} on real PostgreSQL and MySQL/MariaDB servers. */
class RoutingTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantAbsentFromMap_andNoTenant_runOnShared(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect()) {
            Fixture.insert(c, "nobody", "no-tenant");
            assertEquals("shared", c.unwrap(TenantRouteConnection.class).lastTarget());
            TenantContext.run("not-in-map", () -> {
                try {
                    Fixture.insert(c, "not-in-map", "absent");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(List.of("shared"), f.whereIs("no-tenant"));
            assertEquals(List.of("shared"), f.whereIs("absent"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void databasePerTenant_eachTenantLandsOnItsTarget(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect()) {
            f.map.route("acme", "a");
            f.map.route("beta", "b");
            try (var s = TenantContext.use("acme")) {
                Fixture.insert(c, "acme", "acme-1");
                assertEquals("a", f.currentDatabase(c));
            }
            try (var s = TenantContext.use("beta")) {
                Fixture.insert(c, "beta", "beta-1");
                assertEquals("b", f.currentDatabase(c));
            }
            assertEquals(List.of("a"), f.whereIs("acme-1"));
            assertEquals(List.of("b"), f.whereIs("beta-1"));
            assertEquals("b", c.unwrap(TenantRouteConnection.class).lastTarget());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantSources_followPrecedence(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("prop", "a");
            f.map.route("sql", "b");
            f.map.route("info", "a");
            f.map.route("ctx", "b");
            Properties p = new Properties();
            p.setProperty("tenantroute.tenant", "prop");
            try (Connection c = f.connect(p); Statement s = c.createStatement()) {
                TenantRouteConnection trc = c.unwrap(TenantRouteConnection.class);
                assertEquals("prop", trc.tenant());
                assertEquals("a", f.currentDatabase(c));

                String set = engine == Engine.POSTGRESQL ? "SET tenantroute.tenant = 'sql'" : "SET @tenantroute_tenant = 'sql'";
                assertFalse(s.execute(set));
                assertEquals("sql", trc.tenant());
                assertEquals("b", f.currentDatabase(c));

                c.setClientInfo("tenantroute.tenant", "info");
                assertEquals("info", trc.tenant());
                assertEquals("a", f.currentDatabase(c));

                try (var scope = TenantContext.use("ctx")) {
                    assertEquals("ctx", trc.tenant());
                    assertEquals("b", f.currentDatabase(c));
                }
                // Each source cleared in turn falls back to the next one.
                c.setClientInfo("tenantroute.tenant", null);
                assertEquals("b", f.currentDatabase(c));
                s.execute(engine == Engine.POSTGRESQL ? "RESET tenantroute.tenant" : "SET @tenantroute_tenant = NULL");
                assertEquals("prop", trc.tenant());
                assertEquals("a", f.currentDatabase(c));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantStatement_isNeverSentToTheDatabase_inBothDialects(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); Statement s = c.createStatement()) {
            f.map.route("acme", "a");
            // Both spellings work on both engines: neither reaches the database (which would reject the PG one on MySQL).
            assertEquals(0, s.executeUpdate("SET tenantroute.tenant = 'acme'"));
            assertEquals("a", f.currentDatabase(c));
            try (PreparedStatement ps = c.prepareStatement("SET @tenantroute_tenant = 'beta'")) {
                assertFalse(ps.execute());
            }
            assertEquals("beta", c.unwrap(TenantRouteConnection.class).tenant());
            assertEquals("shared", f.currentDatabase(c));
            SQLException bad = assertThrows(SQLException.class, () -> s.execute("SET tenantroute.tenant = acme"));
            assertEquals("42601", bad.getSQLState());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantIdWithQuotesAndSemicolons_isRoutedAsData(Engine engine) throws Exception {
        String nasty = "o'brien\"; DROP TABLE t; --";
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); Statement s = c.createStatement()) {
            f.map.route(nasty, "b");
            s.execute("SET tenantroute.tenant = '" + nasty.replace("'", "''") + "'");
            assertEquals(nasty, c.unwrap(TenantRouteConnection.class).tenant());
            Fixture.insert(c, nasty, "nasty-sql");
            s.execute("RESET tenantroute.tenant");
            c.setClientInfo("tenantroute.tenant", nasty);
            Fixture.insert(c, nasty, "nasty-info");
            c.setClientInfo("tenantroute.tenant", null);
            TenantContext.run(nasty, () -> {
                try {
                    Fixture.insert(c, nasty, "nasty-ctx");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(List.of("b"), f.whereIs("nasty-sql"));
            assertEquals(List.of("b"), f.whereIs("nasty-info"));
            assertEquals(List.of("b"), f.whereIs("nasty-ctx"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void schemaPerTenant_runsInTheRoutesSchema(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect()) {
            String schema;
            if (engine == Engine.POSTGRESQL) {
                schema = "tenant_acme";
                f.shared.execute("CREATE SCHEMA tenant_acme", "CREATE TABLE tenant_acme.t (tenant VARCHAR(300), v VARCHAR(100))");
                f.map.route("acme", "shared", schema, RouteState.ACTIVE);
            } else {
                schema = f.a.name(); // MySQL: a schema is a database on the same server
                f.map.route("acme", "shared", schema, RouteState.ACTIVE);
            }
            TenantContext.run("acme", () -> {
                try {
                    Fixture.insert(c, "acme", "schema-row");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Fixture.insert(c, "none", "public-row");
            if (engine == Engine.POSTGRESQL) {
                assertEquals(List.of(), f.whereIs("schema-row"), "must not land in the public schema");
                try (Connection d = f.shared.connect(); Statement s = d.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM tenant_acme.t WHERE v = 'schema-row'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1));
                }
            } else {
                assertEquals(List.of("a"), f.whereIs("schema-row"));
            }
            assertEquals(List.of("shared"), f.whereIs("public-row"), "a pooled connection must lose the tenant's schema on return");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void liveReroute_hikariInFront_nextTransactionMoves_openTransactionStays(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "a");
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(f.shared.tenantRouteUrl());
            hc.setDriverClassName(TenantRouteDriver.class.getName());
            hc.setDataSourceProperties(f.props());
            hc.setMaximumPoolSize(1);
            hc.setAutoCommit(false);
            try (HikariDataSource app = new HikariDataSource(hc); var scope = TenantContext.use("acme")) {
                try (Connection c = app.getConnection()) {
                    Fixture.insert(c, "acme", "tx1-before");
                    f.map.route("acme", "b"); // the operator re-routes while the transaction is open
                    Fixture.insert(c, "acme", "tx1-after");
                    assertEquals("a", c.unwrap(TenantRouteConnection.class).currentTarget());
                    c.commit();
                }
                try (Connection c = app.getConnection()) { // the same pooled logical connection, never reconnected
                    Fixture.insert(c, "acme", "tx2");
                    assertEquals("b", c.unwrap(TenantRouteConnection.class).lastTarget());
                    c.commit();
                }
                assertEquals(1, app.getHikariPoolMXBean().getTotalConnections());
            }
            assertEquals(List.of("a"), f.whereIs("tx1-before"));
            assertEquals(List.of("a"), f.whereIs("tx1-after"));
            assertEquals(List.of("b"), f.whereIs("tx2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void rollback_discardsTheTransactionOnItsTarget(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); var scope = TenantContext.use("acme")) {
            f.map.route("acme", "a");
            c.setAutoCommit(false);
            Fixture.insert(c, "acme", "rolled-back");
            c.rollback();
            Fixture.insert(c, "acme", "committed");
            c.commit();
            assertEquals(List.of(), f.whereIs("rolled-back"));
            assertEquals(List.of("a"), f.whereIs("committed"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void suspendedTenant_isRefusedNonTransiently_namingTheTenant(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); var scope = TenantContext.use("acme")) {
            f.map.route("acme", "a", null, RouteState.SUSPENDED);
            SQLException e = assertThrows(SQLException.class, () -> Fixture.insert(c, "acme", "suspended"));
            assertInstanceOf(SQLNonTransientException.class, e);
            assertEquals("TR001", e.getSQLState());
            assertTrue(e.getMessage().contains("'acme'"), e.getMessage());
            assertEquals(List.of(), f.whereIs("suspended"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void frozenTenant_waitsThenRunsOnNewTarget(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "a", null, RouteState.FROZEN);
            Properties p = new Properties();
            p.setProperty("tenantroute.frozen-wait-ms", "30000");
            Thread mover = new Thread(() -> {
                while (f.map.frozenReads.get() == 0) {
                    Thread.onSpinWait();
                }
                f.map.route("acme", "b"); // cutover done: active on the new target
            });
            mover.start();
            try (Connection c = f.connect(p); var scope = TenantContext.use("acme")) {
                Fixture.insert(c, "acme", "after-freeze");
            }
            mover.join();
            assertTrue(f.map.frozenReads.get() > 0, "the statement must have seen the frozen route");
            assertEquals(List.of("b"), f.whereIs("after-freeze"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void frozenTooLong_failsTransientlyWithTR002(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "a", null, RouteState.FROZEN);
            Properties p = new Properties();
            p.setProperty("tenantroute.frozen-wait-ms", "100");
            try (Connection c = f.connect(p); var scope = TenantContext.use("acme")) {
                SQLException e = assertThrows(SQLException.class, () -> Fixture.insert(c, "acme", "frozen"));
                assertInstanceOf(SQLTransientException.class, e);
                assertEquals(TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.state(), e.getSQLState());
                assertTrue(e.getMessage().contains("'acme'"), e.getMessage());
            }
            assertEquals(List.of(), f.whereIs("frozen"));
        }
    }

    private static void fence(Fixture f) throws SQLException {
        if (f.engine == Engine.POSTGRESQL) {
            f.a.execute("CREATE FUNCTION fence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "IF NEW.tenant = 'x' THEN RAISE EXCEPTION 'tenant x moved' USING ERRCODE = 'TR003'; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER fence BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION fence()");
        } else {
            f.a.execute("CREATE TRIGGER fence BEFORE INSERT ON t FOR EACH ROW BEGIN "
                    + "IF NEW.tenant = 'x' THEN SIGNAL SQLSTATE 'TR003' SET MESSAGE_TEXT = 'tenant x moved'; END IF; END");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void fencedWrite_withStaleMap_isRetriedOnTheNewTarget(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.map.route("x", "a");
            f.map.refresh();
            fence(f);
            f.map.route("x", "b"); // the store says b; this JVM's map still says a (map-refresh-ms=0)
            try (Connection c = f.connect(); var scope = TenantContext.use("x")) {
                Fixture.insert(c, "x", "fenced-autocommit");
                assertEquals("b", c.unwrap(TenantRouteConnection.class).lastTarget());
            }
            assertEquals(List.of("b"), f.whereIs("fenced-autocommit"));
            assertEquals(1, f.map.refreshes.get() - 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void fencedWrite_firstOfTransaction_isRetried_laterOne_rollsBackWithTR003(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.map.route("x", "a");
            f.map.refresh();
            fence(f);
            f.map.route("x", "b");
            try (Connection c = f.connect(); var scope = TenantContext.use("x")) {
                c.setAutoCommit(false);
                Fixture.insert(c, "x", "first-of-tx"); // fenced on a, retried on b
                c.commit();
                assertEquals(List.of("b"), f.whereIs("first-of-tx"));

                // Now the map is fresh (b). Re-point the store at a, refresh, move back to b behind the map's back.
                f.map.route("x", "a");
                f.map.refresh();
                f.map.route("x", "b");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO u (tenant, v) VALUES (?, ?)")) {
                    ps.setString(1, "x");
                    ps.setString(2, "earlier-in-tx");
                    ps.executeUpdate(); // runs on a: no fence on u
                }
                SQLException e = assertThrows(SQLException.class, () -> Fixture.insert(c, "x", "later-in-tx"));
                assertInstanceOf(SQLTransientException.class, e);
                assertEquals("TR003", e.getSQLState());
                c.rollback();
            }
            assertEquals(List.of(), f.whereIs("u", "earlier-in-tx"), "the transaction's earlier write must be rolled back, not half-moved");
            assertEquals(List.of(), f.whereIs("later-in-tx"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void preparedStatement_reprepares_onTheNewTargetAfterReroute(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); var scope = TenantContext.use("acme")) {
            f.map.route("acme", "a");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (tenant, v) VALUES (?, ?)")) {
                ps.setString(1, "acme");
                ps.setString(2, "ps-1");
                assertEquals(1, ps.executeUpdate());
                f.map.route("acme", "b");
                ps.setString(2, "ps-2"); // parameter 1 stays bound across the re-prepare
                assertEquals(1, ps.executeUpdate());
                ps.setString(2, "batch-1");
                ps.addBatch();
                ps.setString(2, "batch-2");
                ps.addBatch();
                assertEquals(2, ps.executeBatch().length);
            }
            assertEquals(List.of("a"), f.whereIs("ps-1"));
            assertEquals(List.of("b"), f.whereIs("ps-2"));
            assertEquals(List.of("b"), f.whereIs("batch-1"));
            assertEquals(List.of("b"), f.whereIs("batch-2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void statementResults_generatedKeys_updateCounts_metadata(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            String ddl = engine == Engine.POSTGRESQL ? "CREATE TABLE k (id SERIAL PRIMARY KEY, v VARCHAR(10))"
                    : "CREATE TABLE k (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))";
            f.b.execute(ddl);
            f.map.route("acme", "b");
            try (Connection c = f.connect(); var scope = TenantContext.use("acme"); Statement s = c.createStatement()) {
                assertEquals(1, s.executeUpdate("INSERT INTO k (v) VALUES ('x')", Statement.RETURN_GENERATED_KEYS));
                try (ResultSet keys = s.getGeneratedKeys()) {
                    assertTrue(keys.next());
                    assertEquals(1, keys.getInt(1));
                }
                assertFalse(s.execute("UPDATE k SET v = 'y'"));
                assertEquals(1, s.getUpdateCount());
                assertFalse(s.getMoreResults());
                assertEquals(-1, s.getUpdateCount());
                assertTrue(s.execute("SELECT v FROM k"));
                try (ResultSet rs = s.getResultSet()) {
                    assertTrue(rs.next());
                    assertEquals("y", rs.getString(1));
                    assertEquals(s, rs.getStatement());
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO k (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, "z");
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertTrue(keys.next());
                        assertEquals(2, keys.getInt(1));
                    }
                }
                DatabaseMetaData md = c.getMetaData();
                assertEquals(c, md.getConnection());
                String product = md.getDatabaseProductName();
                assertTrue(product.contains(engine == Engine.POSTGRESQL ? "PostgreSQL" : "M"), product);
                try (ResultSet tables = md.getTables(engine == Engine.MYSQL ? f.b.name() : null, null, "k", null)) {
                    assertTrue(tables.next(), "metadata must describe the tenant's target, which has table k");
                }
                assertNull(c.unwrap(TenantRouteConnection.class).currentTarget(), "nothing held once results are closed");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sessionSettings_carryToEveryPhysicalConnection(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect()) {
            f.map.route("acme", "a");
            c.setReadOnly(true); // pgjdbc enforces read-only in transactions (readOnlyMode=transaction)
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            try (var scope = TenantContext.use("acme")) {
                String q = engine == Engine.POSTGRESQL ? "SHOW transaction_isolation" : "SELECT @@tx_isolation";
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
                    rs.next();
                    assertTrue(rs.getString(1).toLowerCase().contains("serializable"), rs.getString(1));
                }
                SQLException e = assertThrows(SQLException.class, () -> Fixture.insert(c, "acme", "read-only"));
                assertFalse(e.getSQLState().startsWith("TR"), e.getSQLState());
                c.rollback();
            }
            c.setReadOnly(false);
            c.setAutoCommit(true);
            Fixture.insert(c, "none", "writable-again");
            assertEquals(List.of("shared"), f.whereIs("writable-again"));
            assertEquals(List.of(), f.whereIs("read-only"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dataSource_opensRoutedConnections(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "a");
            TenantRouteDataSource ds = new TenantRouteDataSource();
            ds.setUrl(f.shared.tenantRouteUrl());
            ds.setProperties(f.props());
            try (Connection c = ds.getConnection(); var scope = TenantContext.use("acme")) {
                Fixture.insert(c, "acme", "via-datasource");
            }
            assertEquals(List.of("a"), f.whereIs("via-datasource"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void hikariWithOnlyTheJdbcUrl_findsTheDriver_likeSpringBootDefaults(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "b");
            HikariConfig hc = new HikariConfig(); // spring.datasource.url only: no driver class name
            hc.setJdbcUrl(f.shared.tenantRouteUrl() + "&tenantroute.pool-size=2&tenantroute.tenant=acme");
            hc.setMaximumPoolSize(1);
            try (HikariDataSource app = new HikariDataSource(hc); Connection c = app.getConnection()) {
                Fixture.insert(c, "acme", "spring-style");
                assertTrue(c.isWrapperFor(TenantRouteConnection.class));
            }
            assertEquals(List.of("b"), f.whereIs("spring-style"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void changedTargetDefinition_nextTransactionUsesTheNewDefinition(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); var scope = TenantContext.use("acme")) {
            f.map.route("acme", "a");
            Fixture.insert(c, "acme", "old-definition");
            f.map.target("a", f.b.url()); // target a now points at database b (new version): a new pool replaces the old
            Fixture.insert(c, "acme", "new-definition");
            assertEquals("a", c.unwrap(TenantRouteConnection.class).lastTarget());
            assertEquals(List.of("a"), f.whereIs("old-definition"));
            assertEquals(List.of("b"), f.whereIs("new-definition"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void yamlMapFile_routesTenants(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            java.nio.file.Path yaml = java.nio.file.Files.createTempFile("tenantroute-map", ".yaml");
            try {
                java.nio.file.Files.writeString(yaml, "targets:\n  - name: a\n    url: \"" + f.a.url() + "\"\n"
                        + "routes:\n  - tenant: acme\n    target: a\n  - tenant: gone\n    target: a\n    state: suspended\n");
                Properties p = new Properties();
                p.setProperty("tenantroute.map-file", yaml.toString());
                try (Connection c = f.connect(p); Statement s = c.createStatement()) {
                    s.execute("SET tenantroute.tenant = 'acme'");
                    s.executeUpdate("INSERT INTO t VALUES ('acme', 'from-yaml')");
                    s.execute("SET tenantroute.tenant = 'gone'");
                    assertEquals("TR001", assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO t VALUES ('gone', 'x')")).getSQLState());
                }
                assertEquals(List.of("a"), f.whereIs("from-yaml"));
            } finally {
                java.nio.file.Files.deleteIfExists(yaml);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void callableStatement_runsOnTheTenantsTarget_andReadsOutParameters(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect(); var scope = TenantContext.use("acme")) {
            f.b.execute(engine == Engine.POSTGRESQL
                    ? "CREATE FUNCTION shout(s text) RETURNS text LANGUAGE sql AS 'SELECT upper(s) || ''@b'''"
                    : "CREATE FUNCTION shout(s VARCHAR(50)) RETURNS VARCHAR(60) DETERMINISTIC RETURN CONCAT(UPPER(s), '@b')");
            f.map.route("acme", "b");
            try (java.sql.CallableStatement cs = c.prepareCall("{? = call shout(?)}")) {
                cs.registerOutParameter(1, java.sql.Types.VARCHAR);
                cs.setString(2, "hello");
                cs.execute();
                assertEquals("HELLO@b", cs.getString(1));
                cs.setString(2, "again"); // re-executes on a new physical connection: registration replayed
                cs.execute();
                assertEquals("AGAIN@b", cs.getString(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void transactionOnOneTarget_refusesATenantOfAnotherTarget_withTR004(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true); Connection c = f.connect()) {
            f.map.route("acme", "a");
            f.map.route("acme-too", "a");
            f.map.route("beta", "b");
            c.setAutoCommit(false);
            TenantContext.run("acme", () -> attempt(() -> Fixture.insert(c, "acme", "tx-acme")));
            TenantContext.run("acme-too", () -> attempt(() -> Fixture.insert(c, "acme-too", "tx-same-target")));
            try (var scope = TenantContext.use("beta")) {
                SQLException e = assertThrows(SQLException.class, () -> Fixture.insert(c, "beta", "tx-beta"));
                assertEquals("TR004", e.getSQLState());
                assertInstanceOf(SQLNonTransientException.class, e);
            }
            c.commit();
            assertEquals(List.of("a"), f.whereIs("tx-acme"));
            assertEquals(List.of("a"), f.whereIs("tx-same-target"));
            assertEquals(List.of(), f.whereIs("tx-beta"));
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private static void attempt(SqlWork work) {
        try {
            work.run();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
