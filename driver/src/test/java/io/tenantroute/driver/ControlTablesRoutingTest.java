package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver on config's real tenant map: control tables made by {@link ControlSchema#init}, written through
 * {@link TenantMapStores#open}, read by the driver's own cached map. Uses map-refresh-ms=0 (never watching), so
 * what the driver sees is deterministic: routes are read on first use and re-read only on the TR003 fence.
 */
class ControlTablesRoutingTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void controlTables_routeTenants_andFenceFollowsTheStoreWithAStaleMap(Engine engine) throws Exception {
        TestServer server = TestDatabases.server(engine);
        try (TestDatabase shared = server.createDatabase("drvc_shared");
             TestDatabase a = server.createDatabase("drvc_a");
             TestDatabase b = server.createDatabase("drvc_b")) {
            String schema = "ctl_" + shared.name().substring(3);
            try {
                for (TestDatabase d : List.of(shared, a, b)) {
                    d.execute("CREATE TABLE t (tenant VARCHAR(300), v VARCHAR(100))");
                }
                try (Connection c = shared.connect()) {
                    ControlSchema.init(c, schema);
                }
                if (engine == Engine.POSTGRESQL) {
                    a.execute("CREATE FUNCTION fence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                    + "IF NEW.tenant = 'x' THEN RAISE EXCEPTION 'tenant x moved' USING ERRCODE = 'TR003'; END IF; RETURN NEW; END $$",
                            "CREATE TRIGGER fence BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION fence()");
                } else {
                    a.execute("CREATE TRIGGER fence BEFORE INSERT ON t FOR EACH ROW BEGIN "
                            + "IF NEW.tenant = 'x' THEN SIGNAL SQLSTATE 'TR003' SET MESSAGE_TEXT = 'tenant x moved'; END IF; END");
                }
                Properties storeProps = new Properties();
                storeProps.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
                try (TenantMapStore store = TenantMapStores.open(shared.url(), storeProps)) {
                    store.putTarget(new Target("a", a.url(), null, PasswordRef.NONE, 0));
                    store.putTarget(new Target("b", b.url(), null, PasswordRef.NONE, 0));
                    store.setRoute("acme", "a", null);
                    store.setRoute("x", "a", null);

                    Properties p = new Properties();
                    p.setProperty("tenantroute.control-schema", schema);
                    p.setProperty("tenantroute.map-refresh-ms", "0");
                    p.setProperty("tenantroute.pool-size", "2");
                    try (Connection c = DriverManager.getConnection(shared.tenantRouteUrl(), p); Statement s = c.createStatement()) {
                        s.execute("SET tenantroute.tenant = 'acme'");
                        s.executeUpdate("INSERT INTO t VALUES ('acme', 'acme-row')");
                        s.execute("SET tenantroute.tenant = 'not-in-map'");
                        s.executeUpdate("INSERT INTO t VALUES ('not-in-map', 'absent-row')");
                        s.execute("SET tenantroute.tenant = 'x'");
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) { // this JVM's map now holds x → a
                            rs.next();
                        }
                        store.setRoute("x", "b", null); // moved; the map is stale (never watches)
                        s.executeUpdate("INSERT INTO t VALUES ('x', 'fenced-row')"); // TR003 on a → refresh → runs on b
                        assertEquals("b", c.unwrap(TenantRouteConnection.class).lastTarget());
                    }
                }
                assertEquals(List.of("a"), whereIs("acme-row", shared, a, b));
                assertEquals(List.of("shared"), whereIs("absent-row", shared, a, b));
                assertEquals(List.of("b"), whereIs("fenced-row", shared, a, b));
            } finally {
                shutDownAndDropControlSchema(server, schema);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dayOne_withoutControlTables_everyTenantRunsOnShared_untilInitAndARoute(Engine engine) throws Exception {
        TestServer server = TestDatabases.server(engine);
        try (TestDatabase shared = server.createDatabase("drvd_shared"); TestDatabase a = server.createDatabase("drvd_a")) {
            String schema = "ctl_" + shared.name().substring(3);
            try {
                for (TestDatabase d : List.of(shared, a)) {
                    d.execute("CREATE TABLE t (tenant VARCHAR(300), v VARCHAR(100))");
                }
                Properties p = new Properties();
                p.setProperty("tenantroute.control-schema", schema);
                p.setProperty("tenantroute.map-refresh-ms", "100");
                p.setProperty("tenantroute.pool-size", "2");
                try (Connection c = DriverManager.getConnection(shared.tenantRouteUrl(), p); Statement s = c.createStatement()) {
                    s.execute("SET tenantroute.tenant = 'acme'");
                    s.executeUpdate("INSERT INTO t VALUES ('acme', 'before-init')");
                    assertEquals("shared", c.unwrap(TenantRouteConnection.class).lastTarget());

                    try (Connection admin = shared.connect()) {
                        ControlSchema.init(admin, schema);
                    }
                    Properties storeProps = new Properties();
                    storeProps.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
                    try (TenantMapStore store = TenantMapStores.open(shared.url(), storeProps)) {
                        store.putTarget(new Target("a", a.url(), null, PasswordRef.NONE, 0));
                        store.setRoute("acme", "a", null);
                    }
                    // The running driver picks the new route up by itself (watching); bounded, never timed.
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
                    while (System.nanoTime() < deadline) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                            rs.next();
                        }
                        if ("a".equals(c.unwrap(TenantRouteConnection.class).lastTarget())) {
                            break;
                        }
                        Thread.sleep(50);
                    }
                    s.executeUpdate("INSERT INTO t VALUES ('acme', 'after-init')");
                    assertEquals("a", c.unwrap(TenantRouteConnection.class).lastTarget());
                }
                assertEquals(1, count(shared, "before-init"));
                assertEquals(0, count(a, "before-init"));
                assertEquals(1, count(a, "after-init"));
                assertEquals(0, count(shared, "after-init"), "after the route, acme's write must not reach shared");
            } finally {
                shutDownAndDropControlSchema(server, schema);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void explicitControlDatabaseWithoutTables_isAnError_notAnEmptyMap(Engine engine) throws Exception {
        TestServer server = TestDatabases.server(engine);
        try (TestDatabase shared = server.createDatabase("drve_shared"); TestDatabase control = server.createDatabase("drve_ctl")) {
            shared.execute("CREATE TABLE t (tenant VARCHAR(300), v VARCHAR(100))");
            Properties p = new Properties();
            p.setProperty("tenantroute.control-url", control.url());
            p.setProperty("tenantroute.control-schema", "ctl_" + control.name().substring(3));
            p.setProperty("tenantroute.map-refresh-ms", "0");
            // The error may come at connect (the map opens) or at the first statement; either way TR010, nothing runs.
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
                try (Connection c = DriverManager.getConnection(shared.tenantRouteUrl(), p); Statement s = c.createStatement()) {
                    s.execute("SET tenantroute.tenant = 'acme'");
                    s.executeUpdate("INSERT INTO t VALUES ('acme', 'lost?')");
                }
            });
            TenantRouteDriver.shutdown();
            assertEquals("TR010", e.getSQLState(), e.toString());
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("tenantroute init"), e.getMessage());
            assertEquals(0, count(shared, "lost?"), "a statement whose route could not be read must not run anywhere");
        }
    }

    /** Stops the driver's pools and maps; on MySQL the control schema is a server-wide database: drop it. */
    private static void shutDownAndDropControlSchema(TestServer server, String schema) throws SQLException {
        TenantRouteDriver.shutdown();
        if (server.engine() == Engine.MYSQL) {
            try (Connection c = server.admin(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + schema);
            }
        }
    }

    private static int count(TestDatabase db, String v) throws SQLException {
        try (Connection c = db.connect(); java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM t WHERE v = ?")) {
            ps.setString(1, v);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<String> whereIs(String v, TestDatabase shared, TestDatabase a, TestDatabase b) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        String[] names = {"shared", "a", "b"};
        TestDatabase[] dbs = {shared, a, b};
        for (int i = 0; i < 3; i++) {
            try (Connection c = dbs[i].connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM t WHERE v = '" + v + "'")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    out.add(names[i]);
                }
            }
        }
        return out;
    }
}
