package io.tenantroute.routing.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.TenantRouteSqlState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routing policy on top of inference, without a database: owned tables come from a fixed loader. */
class RoutingPolicyTest {
    private static final TenantOwnedTables OWNED = TenantOwnedTables.of(Set.of("products", "countries"),
            Set.of("invoices", "invoice_lines"));
    private final SqlTenantInference inference = new SqlTenantInference(SqlDialect.POSTGRESQL);

    private String route(RoutingPolicy policy, String sql, String pinned, Object... values) throws SQLException {
        return policy.tenantFor(sql, inference.decide(sql, i -> values[i]), pinned);
    }

    @Test
    void statementTenant_winsOverPinned_pinnedOverHint() throws SQLException {
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> OWNED, new FallbackAudit(null, null));
        assertEquals("acme", route(p, "SELECT * FROM invoices WHERE tenant_id = ?", "globex", "acme"));
        assertEquals("globex", route(p, "/* tenant=hinted */ SELECT * FROM invoice_lines WHERE id = ?", "globex", 1));
        assertEquals("hinted", route(p, "/* tenant=hinted */ SELECT * FROM invoice_lines WHERE id = ?", null, 1));
    }

    @Test
    void strict_refusesOwnedTableWithoutTenant_butRunsGlobalTablesOnShared() throws SQLException {
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> OWNED, new FallbackAudit(null, null));
        SQLException e = assertThrows(SQLException.class,
                () -> route(p, "SELECT * FROM invoice_lines l JOIN products p ON p.id = l.product_id", null));
        assertTrue(TenantRouteSqlState.TENANT_REQUIRED.matches(e), e::toString);
        assertTrue(e.getMessage().contains("invoice_lines"), e::getMessage);
        assertNull(route(p, "SELECT * FROM products WHERE id = ?", null, 1));
        assertNull(route(p, "SELECT 1", null));
        assertEquals(0, p.audit().fallbacks());
    }

    @Test
    void strict_letsUnparsedStatementsRunOnShared_andAuditsThem() throws SQLException {
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> OWNED, new FallbackAudit(null, null));
        assertNull(route(p, "SELECT * FROM invoices WHERE note = 'a' COLLATE \"C\"", null));
        assertEquals(1, p.audit().fallbacks());
    }

    @Test
    void lenient_runsOnShared_countsEveryFallback_auditsEachShapeOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.tsv");
        AtomicInteger metric = new AtomicInteger();
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.LENIENT, () -> OWNED,
                new FallbackAudit(file, metric::incrementAndGet));
        for (int i = 0; i < 3; i++) {
            assertNull(route(p, "SELECT * FROM invoice_lines WHERE invoice_id = ?", null, i));
        }
        assertNull(route(p, "DELETE FROM invoices WHERE id = ?", null, 1));
        assertNull(route(p, "SELECT * FROM products", null));
        assertEquals(4, metric.get());
        assertEquals(4, p.audit().fallbacks());
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith("\tNO_TENANT\tinvoice_lines\tSELECT * FROM invoice_lines WHERE invoice_id = ?"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith("\tNO_TENANT\tinvoices\tDELETE FROM invoices WHERE id = ?"), lines.get(1));
    }

    @Test
    void unreadableCatalog_strictTreatsEveryTableAsOwned_andRetriesLater() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("catalog down", "08006");
            }
            return OWNED;
        }, new FallbackAudit(null, null), 0);
        assertThrows(SQLException.class, () -> route(p, "SELECT * FROM products", null));
        assertNull(route(p, "SELECT * FROM products", null));
        assertEquals(2, calls.get());
    }

    @Test
    void unreadableCatalog_isNotRereadForEveryStatement() {
        AtomicInteger calls = new AtomicInteger();
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> {
            calls.incrementAndGet();
            throw new SQLException("catalog down", "08006");
        }, new FallbackAudit(null, null), Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            assertThrows(SQLException.class, () -> route(p, "SELECT * FROM products", null));
        }
        assertEquals(1, calls.get());
    }

    @Test
    void tableUnknownToCatalog_rereadsIt_andThenKnowsItIsOwned() throws SQLException {
        AtomicInteger reads = new AtomicInteger();
        RoutingPolicy p = new RoutingPolicy(RoutingPolicy.Mode.STRICT, () -> reads.incrementAndGet() == 1
                ? TenantOwnedTables.of(Set.of(), Set.of("invoices"))
                : TenantOwnedTables.of(Set.of(), Set.of("invoices", "payments")), new FallbackAudit(null, null), 0);
        assertTrue(p.loadOwnedTables());
        SQLException e = assertThrows(SQLException.class, () -> route(p, "SELECT * FROM payments", null));
        assertTrue(TenantRouteSqlState.TENANT_REQUIRED.matches(e), e::toString);
        assertEquals(2, reads.get());
        assertThrows(SQLException.class, () -> route(p, "SELECT * FROM payments", null));
        assertEquals(2, reads.get(), "a known table never re-reads");
    }

    @Test
    void mode_parsesPropertyValues() {
        assertEquals(RoutingPolicy.Mode.LENIENT, RoutingPolicy.Mode.of(null));
        assertEquals(RoutingPolicy.Mode.STRICT, RoutingPolicy.Mode.of(" Strict "));
        assertThrows(IllegalArgumentException.class, () -> RoutingPolicy.Mode.of("loose"));
    }
}
