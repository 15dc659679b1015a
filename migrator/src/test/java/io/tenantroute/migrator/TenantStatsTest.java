package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tenant stats}: exact rows per tenant across owned and child tables, estimated bytes, the tenant's
 * location from the map, and the should-move flag. Tenants seeded by {@link Fixture#seed}: 1 customer, n invoices,
 * 2n lines, n notes, 5 categories = 4n + 6 rows.
 */
class TenantStatsTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void stats_countOwnedAndChildRows_flagTheTenantOverThresholds_andReportMovedTenantsWhereTheyLive(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 150);   // 606 rows
            f.seed("globex", 5000, 40);  // 166 rows
            f.seed("initech", 9000, 3);  // 18 rows
            f.seed("o'hare \"q\"", 12000, 2); // 14 rows, an id with quotes
            // globex moves to its own database; its old rows stay on shared until cleanup
            assertTrue(f.mover().move(MoveRequest.of("globex", "dedicated"), MoveListener.NONE).verification().matches());

            TenantStats stats = new TenantStats(f.store, TargetConnector.direct(), null);
            TenantStats.Report r = stats.collect(TenantStats.Thresholds.parse(List.of("rows=500", "invoices=30", "musicians=300")),
                    "tenant_id", Map.of(), 0, false);
            assertTrue(r.complete(), r.toString());
            Map<String, TenantStats.TenantLine> by = r.tenants().stream().collect(Collectors.toMap(TenantStats.TenantLine::tenant, l -> l));
            assertEquals(List.of("acme", "globex", "initech", "o'hare \"q\""), r.tenants().stream().map(TenantStats.TenantLine::tenant).toList(),
                    "largest first");

            TenantStats.TenantLine acme = by.get("acme");
            assertEquals(606, acme.rows());
            assertEquals(Map.of("customers", 1L, "invoices", 150L, "invoice_lines", 300L, "line_notes", 150L, "categories", 5L), acme.tableRows());
            assertEquals("shared", acme.target());
            assertEquals("active", acme.state());
            assertTrue(acme.shouldMove(), acme.toString());
            assertEquals(List.of("rows 606 > 500", "invoices 150 > 30"), acme.reasons());
            assertTrue(acme.estimatedBytes() > 0, acme.toString());
            assertEquals(0, acme.leftoverRows());
            assertEquals(2, acme.sharedWith(), "initech and o'hare share shared with acme; globex moved away");

            TenantStats.TenantLine globex = by.get("globex");
            assertEquals("dedicated", globex.target());
            assertEquals(166, globex.rows(), "counted where it lives now");
            assertEquals(166, globex.leftoverRows(), "its old rows on shared");
            assertEquals(0, globex.sharedWith());
            assertFalse(globex.shouldMove(), "over a threshold, but already alone");
            assertTrue(globex.reasons().contains("invoices 40 > 30") && globex.reasons().stream().anyMatch(s -> s.startsWith("already alone")),
                    globex.reasons().toString());

            TenantStats.TenantLine initech = by.get("initech");
            assertEquals(18, initech.rows());
            assertFalse(initech.shouldMove());
            assertEquals(List.of(), initech.reasons());
            assertEquals(14, by.get("o'hare \"q\"").rows());
            // bytes scale with rows: same tables, so the larger tenant has the larger estimate
            assertTrue(acme.estimatedBytes() > initech.estimatedBytes());

            assertEquals(1, r.shouldMove());
            assertEquals(4, r.totalTenants());
            assertEquals(2, r.locations().size(), r.locations().toString());
            assertTrue(r.locations().stream().anyMatch(l -> l.target().equals("shared") && l.ownedTables() == 3 && l.childTables() == 2),
                    r.locations().toString());
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("musicians") && w.contains("no owned table")), r.warnings().toString());
            assertTrue(r.warnings().stream().anyMatch(w -> w.contains("categories") && w.contains("no index")), r.warnings().toString());
            assertFalse(r.warnings().stream().anyMatch(w -> w.contains(".invoices:")), "invoices has an index on tenant_id: " + r.warnings());

            assertTrue(acme.rowsExact() && acme.estimatedTables().isEmpty());

            TenantStats.Report top2 = stats.collect(TenantStats.Thresholds.NONE, "tenant_id", Map.of(), 2, false);
            assertEquals(2, top2.tenants().size());
            assertEquals(4, top2.totalTenants());
            assertEquals(0, top2.shouldMove(), "no thresholds, nothing flagged");

            // child tables estimated from their parents instead of joined: marked as estimates
            TenantStats.Report est = stats.collect(TenantStats.Thresholds.NONE, "tenant_id", Map.of(), 0, true);
            TenantStats.TenantLine acmeEst = est.tenants().get(0);
            assertEquals("acme", acmeEst.tenant());
            assertFalse(acmeEst.rowsExact());
            assertEquals(List.of("invoice_lines", "line_notes"), acmeEst.estimatedTables().stream().sorted().toList());
            assertEquals(150, acmeEst.tableRows().get("invoices"), "owned tables are still counted");
            assertTrue(est.locations().stream().anyMatch(l -> l.estimatedTables().contains("invoice_lines")), est.locations().toString());
            if (engine == Engine.POSTGRESQL) {
                // small tables: reltuples is exact after ANALYZE (all rows sampled), or unknown → counted
                f.src.execute("ANALYZE");
                TenantStats.TenantLine a = stats.collect(TenantStats.Thresholds.NONE, "tenant_id", Map.of(), 0, true).tenants().get(0);
                assertEquals(300, a.tableRows().get("invoice_lines"), a.toString());
                assertEquals(150, a.tableRows().get("line_notes"), a.toString());
            } else {
                assertTrue(acmeEst.tableRows().getOrDefault("invoice_lines", 0L) > 0, acmeEst.toString());
            }
        }
    }

    @Test
    void thresholds_parseTotalAndPerTable_andRejectNonsense() {
        TenantStats.Thresholds t = TenantStats.Thresholds.parse(List.of("rows=100_000", "musicians=300", "table:rows=7"));
        assertEquals(100_000L, t.totalRows());
        assertEquals(Map.of("musicians", 300L, "rows", 7L), t.tableRows());
        assertThrows(IllegalArgumentException.class, () -> TenantStats.Thresholds.parse(List.of("rows")));
        assertThrows(IllegalArgumentException.class, () -> TenantStats.Thresholds.parse(List.of("rows=lots")));
        assertThrows(IllegalArgumentException.class, () -> TenantStats.Thresholds.parse(List.of("projects=-1")));
    }
}
