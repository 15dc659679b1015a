package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A legacy app that never tells the driver its tenant — plain JDBC, the tenant in every statement — routed by SQL
 * inference on real PostgreSQL and MySQL/MariaDB: it follows a live re-route, transactions pin their tenant,
 * strict and lenient policies treat statements that name no tenant as documented.
 */
class SqlInferenceRoutingTest {

    /** invoices (owned: tenant_id), invoice_lines (owned: FK to invoices), countries (global) in every database. */
    private static void schema(Fixture f) throws SQLException {
        for (TestDatabase d : List.of(f.shared, f.a, f.b)) {
            d.execute("CREATE TABLE countries (code varchar(2) PRIMARY KEY, name varchar(64))",
                    "CREATE TABLE invoices (id int PRIMARY KEY, tenant_id varchar(64) NOT NULL, v varchar(100))",
                    "CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int REFERENCES invoices (id),"
                            + " v varchar(100))",
                    "INSERT INTO countries (code, name) VALUES ('fr', 'France')");
        }
    }

    private static void insertInvoice(Connection c, int id, String tenant, String v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoices (id, tenant_id, v) VALUES (?, ?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, tenant);
            ps.setString(3, v);
            ps.executeUpdate();
        }
    }

    private static List<String> invoicesOf(Connection c, String tenant) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.v FROM invoices i WHERE i.tenant_id = ? ORDER BY i.id")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String lastTarget(Connection c) throws SQLException {
        return c.unwrap(TenantRouteConnection.class).lastTarget();
    }

    private static Properties policy(String policy, Path audit) {
        Properties p = new Properties();
        p.setProperty("tenantroute.routing-policy", policy);
        if (audit != null) {
            p.setProperty("tenantroute.audit-file", audit.toString());
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void legacyApp_neverSettingTenant_followsLiveReroute(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            f.map.route("globex", "b");
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(f.shared.tenantRouteUrl());
            hc.setDriverClassName(TenantRouteDriver.class.getName());
            hc.setDataSourceProperties(f.props());
            hc.setMaximumPoolSize(2);
            try (HikariDataSource app = new HikariDataSource(hc)) {
                try (Connection c = app.getConnection()) {
                    assertNull(c.unwrap(TenantRouteConnection.class).tenant());
                    insertInvoice(c, 1, "acme", "acme-1");
                    assertEquals("a", lastTarget(c));
                    insertInvoice(c, 2, "globex", "globex-1");
                    assertEquals("b", lastTarget(c));
                    assertEquals(List.of("acme-1"), invoicesOf(c, "acme"));
                    assertEquals("a", lastTarget(c));
                }
                // The operator moves acme to b (its data copied there by the migrator; here by hand).
                f.b.execute("INSERT INTO invoices (id, tenant_id, v) VALUES (1, 'acme', 'acme-1')");
                f.map.route("acme", "b");
                try (Connection c = app.getConnection()) {
                    insertInvoice(c, 3, "acme", "acme-2");
                    assertEquals("b", lastTarget(c));
                    assertEquals(List.of("acme-1", "acme-2"), invoicesOf(c, "acme"));
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE invoices SET v = ? WHERE tenant_id = ? AND id = ?")) {
                        ps.setString(1, "acme-2-paid");
                        ps.setString(2, "acme");
                        ps.setInt(3, 3);
                        assertEquals(1, ps.executeUpdate());
                    }
                    assertEquals("b", lastTarget(c));
                }
            }
            assertEquals(List.of("b"), f.whereIs("invoices", "acme-2-paid"));
            assertEquals(List.of("b"), f.whereIs("invoices", "globex-1"));
            assertEquals(List.of(), f.whereIs("invoices", "acme-2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void transaction_pinsFirstTenant_sameTargetRuns_otherTargetRefusedWithTR004(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            f.map.route("initech", "a");
            f.map.route("globex", "b");
            try (Connection c = f.connect(policy("strict", null))) {
                c.setAutoCommit(false);
                insertInvoice(c, 10, "acme", "pinned-invoice");
                // Names no tenant, on a tenant-owned table: strict would refuse it alone, but the transaction is pinned.
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO invoice_lines (id, invoice_id, v) VALUES (?, ?, ?)")) {
                    ps.setInt(1, 100);
                    ps.setInt(2, 10);
                    ps.setString(3, "pinned-line");
                    ps.executeUpdate();
                }
                assertEquals("a", c.unwrap(TenantRouteConnection.class).currentTarget());
                c.releaseSavepoint(c.setSavepoint()); // names no SQL at all: stays on the pinned transaction
                insertInvoice(c, 11, "initech", "same-target"); // another tenant on the same target: runs
                SQLException e = assertThrows(SQLException.class, () -> insertInvoice(c, 12, "globex", "other-target"));
                assertTrue(TenantRouteSqlState.CROSS_TARGET_TRANSACTION.matches(e), e::toString);
                assertTrue(e.getMessage().contains("globex"), e::getMessage);
                c.commit();
                SQLException unpinned = assertThrows(SQLException.class, () -> {
                    try (Statement s = c.createStatement()) {
                        s.executeQuery("SELECT * FROM invoice_lines").close(); // new transaction: no longer pinned
                    }
                });
                assertTrue(TenantRouteSqlState.TENANT_REQUIRED.matches(unpinned), unpinned::toString);
                c.rollback();
            }
            assertEquals(List.of("a"), f.whereIs("invoices", "pinned-invoice"));
            assertEquals(List.of("a"), f.whereIs("invoice_lines", "pinned-line"));
            assertEquals(List.of("a"), f.whereIs("invoices", "same-target"));
            assertEquals(List.of(), f.whereIs("invoices", "other-target"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void strict_refusesOwnedTablesWithoutTenant_runsGlobalTablesAndHintsAndUnparsed(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            try (Connection c = f.connect(policy("strict", null)); Statement s = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class,
                        () -> s.executeQuery("SELECT * FROM invoice_lines WHERE invoice_id = 1").close());
                assertTrue(TenantRouteSqlState.TENANT_REQUIRED.matches(e), e::toString);
                assertTrue(e.getMessage().contains("invoice_lines"), e::getMessage);
                try (ResultSet rs = s.executeQuery("SELECT name FROM countries WHERE code = 'fr'")) {
                    assertTrue(rs.next());
                    assertEquals("France", rs.getString(1));
                }
                assertEquals("shared", lastTarget(c));
                s.executeQuery("/* tenant=acme */ SELECT * FROM invoice_lines WHERE invoice_id = 1").close();
                assertEquals("a", lastTarget(c));
                // Calcite cannot parse it: never refused for that; it falls back to shared.
                s.executeQuery(engine == Engine.POSTGRESQL
                        ? "SELECT count(*) FROM invoice_lines WHERE v = 'a' COLLATE \"C\""
                        : "SELECT @@version").close();
                assertEquals("shared", lastTarget(c));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void lenient_runsOnShared_countsFallbacks_auditsEachShapeOnce(Engine engine, @TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.globalRegistry.add(registry);
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            Path audit = dir.resolve("routing-audit.tsv");
            try (Connection c = f.connect(policy("lenient", audit))) {
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM invoice_lines WHERE invoice_id = ?")) {
                        ps.setInt(1, i);
                        ps.executeQuery().close();
                    }
                    assertEquals("shared", lastTarget(c));
                }
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM countries").close(); // global: no fallback
                    s.executeQuery("SELECT 1").close();
                }
                insertInvoice(c, 1, "acme", "named"); // names its tenant: no fallback
                assertEquals("a", lastTarget(c));
            }
            List<String> lines = Files.readAllLines(audit);
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).endsWith("\tNO_TENANT\tinvoice_lines\tSELECT * FROM invoice_lines WHERE invoice_id = ?"),
                    lines.get(0));
            Counter fallbacks = registry.find("tenantroute.inference.fallbacks").counter();
            assertTrue(fallbacks != null && fallbacks.count() >= 3, () -> "fallbacks " + fallbacks);
        } finally {
            io.micrometer.core.instrument.Metrics.globalRegistry.remove(registry);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void batch_routesByTheRowThatNamesTenant_refusesRowsOfTwoTenants(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            f.map.route("globex", "b");
            try (Connection c = f.connect();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO invoices (id, tenant_id, v) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "acme");
                    ps.setString(3, "batch-acme");
                    ps.addBatch();
                }
                assertEquals(3, ps.executeBatch().length);
                assertEquals("a", lastTarget(c));
                ps.setInt(1, 10);
                ps.setString(2, "acme");
                ps.setString(3, "batch-mixed");
                ps.addBatch();
                ps.setInt(1, 11);
                ps.setString(2, "globex");
                ps.setString(3, "batch-mixed");
                ps.addBatch();
                SQLException e = assertThrows(SQLException.class, ps::executeBatch);
                assertTrue(TenantRouteSqlState.MULTIPLE_TENANTS.matches(e), e::toString);
                try (Statement s = c.createStatement()) {
                    s.addBatch("UPDATE countries SET name = 'France' WHERE code = 'fr'");
                    s.addBatch("UPDATE invoices SET v = 'batch-acme-2' WHERE tenant_id = 'acme' AND id = 1");
                    s.executeBatch();
                }
                assertEquals("a", lastTarget(c));
            }
            assertEquals(List.of("a"), f.whereIs("invoices", "batch-acme"));
            assertEquals(List.of("a"), f.whereIs("invoices", "batch-acme-2"));
            assertEquals(List.of(), f.whereIs("invoices", "batch-mixed"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void insertOfTwoTenants_isRefusedWithTR012_andWritesNothing(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            try (Connection c = f.connect(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO invoices (id, tenant_id, v) VALUES (?, ?, 'mixed'), (?, ?, 'mixed')")) {
                ps.setInt(1, 1);
                ps.setString(2, "acme");
                ps.setInt(3, 2);
                ps.setString(4, "globex");
                SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
                assertTrue(TenantRouteSqlState.MULTIPLE_TENANTS.matches(e), e::toString);
            }
            assertEquals(List.of(), f.whereIs("invoices", "mixed"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void statementNamingAnotherTenantThanTheSession_onAnotherTarget_isRefusedWithTR012(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("acme", "a");
            f.map.route("globex", "a");
            try (Connection c = f.connect(); Statement s = c.createStatement()) {
                s.execute(engine == Engine.MYSQL ? "SET @tenantroute_tenant = 'acme'" : "SET tenantroute.tenant = 'acme'");
                // bob lives on shared: running this on acme's database would hide bob's row where bob never looks
                SQLException e = assertThrows(SQLException.class,
                        () -> s.executeUpdate("INSERT INTO invoices (id, tenant_id, v) VALUES (1, 'bob', 'cross')"));
                assertTrue(TenantRouteSqlState.MULTIPLE_TENANTS.matches(e), e::toString);
                assertTrue(e.getMessage().contains("'bob'") && e.getMessage().contains("'acme'"), e.getMessage());
                // globex lives with acme on target a: the session's tenant decides, as before
                s.executeUpdate("INSERT INTO invoices (id, tenant_id, v) VALUES (2, 'globex', 'together')");
                assertEquals("a", lastTarget(c));
            }
            assertEquals(List.of(), f.whereIs("invoices", "cross"));
            assertEquals(List.of("a"), f.whereIs("invoices", "together"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void numericTenantBoundAsADouble_namesTheIntegerTenant(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            schema(f);
            f.map.route("1", "a");
            try (Connection c = f.connect(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO invoices (id, tenant_id, v) VALUES (?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setDouble(2, 1.0); // mysql2 binds every JavaScript number as a double; PHP may bind an int
                ps.setString(3, "numeric");
                ps.executeUpdate();
                assertEquals("a", lastTarget(c), "1.0 names tenant 1");
            }
            assertEquals(List.of("a"), f.whereIs("invoices", "numeric"));
        }
    }
}
