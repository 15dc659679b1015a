package io.tenantroute.driver;

import io.tenantroute.driver.internal.TenantMaps;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Three fresh databases on one server — {@code shared} (the driver URL's own), targets {@code a} and {@code b} —
 * each with table {@code t(tenant, v)}, and a tenant map the driver uses for the shared database's URL.
 */
final class Fixture implements AutoCloseable {
    final Engine engine;
    final TestServer server;
    final TestDatabase shared;
    final TestDatabase a;
    final TestDatabase b;
    final TestTenantMap map;
    final long refreshMs;

    Fixture(Engine engine, boolean watching) throws SQLException {
        this.engine = engine;
        this.server = TestDatabases.server(engine);
        this.shared = server.createDatabase("drv_shared");
        this.a = server.createDatabase("drv_a");
        this.b = server.createDatabase("drv_b");
        for (TestDatabase d : List.of(shared, a, b)) {
            d.execute("CREATE TABLE t (tenant VARCHAR(300), v VARCHAR(100))", "CREATE TABLE u (tenant VARCHAR(300), v VARCHAR(100))");
        }
        this.map = new TestTenantMap(watching);
        map.target("a", a.url());
        map.target("b", b.url());
        this.refreshMs = watching ? 250 : 0;
        TenantMaps.install(shared.url(), refreshMs, map);
    }

    /** @return the connect properties the tests use: small pools, and the map-refresh setting of this fixture */
    Properties props() {
        Properties p = new Properties();
        p.setProperty("tenantroute.pool-size", "2");
        p.setProperty("tenantroute.map-refresh-ms", Long.toString(refreshMs));
        return p;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(shared.tenantRouteUrl(), props());
    }

    Connection connect(Properties extra) throws SQLException {
        Properties p = props();
        p.putAll(extra);
        return DriverManager.getConnection(shared.tenantRouteUrl(), p);
    }

    /** Inserts (tenant, v) into t through {@code c}. */
    static void insert(Connection c, String tenant, String v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (tenant, v) VALUES (?, ?)")) {
            ps.setString(1, tenant);
            ps.setString(2, v);
            ps.executeUpdate();
        }
    }

    /** @return the names ("shared", "a", "b") of the databases whose table {@code table} holds a row with value v */
    List<String> whereIs(String table, String v) throws SQLException {
        List<String> out = new ArrayList<>();
        String[] names = {"shared", "a", "b"};
        TestDatabase[] dbs = {shared, a, b};
        for (int i = 0; i < dbs.length; i++) {
            try (Connection c = dbs[i].connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE v = ?")) {
                ps.setString(1, v);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        out.add(names[i]);
                    }
                }
            }
        }
        return out;
    }

    List<String> whereIs(String v) throws SQLException {
        return whereIs("t", v);
    }

    /** @return the database the physical connection of {@code c} is in (runs a statement) */
    String currentDatabase(Connection c) throws SQLException {
        try (var s = c.createStatement();
             ResultSet rs = s.executeQuery(engine == Engine.POSTGRESQL ? "SELECT current_database()" : "SELECT database()")) {
            rs.next();
            String db = rs.getString(1);
            return db.equals(shared.name()) ? "shared" : db.equals(a.name()) ? "a" : db.equals(b.name()) ? "b" : db;
        }
    }

    @Override
    public void close() throws SQLException {
        TenantRouteDriver.shutdown();
        SQLException first = null;
        for (TestDatabase d : List.of(shared, a, b)) {
            try {
                d.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
