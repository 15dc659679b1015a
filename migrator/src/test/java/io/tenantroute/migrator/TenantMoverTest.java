package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantMoverTest {
    static final String QUOTED = "o'brien \"x\"; DROP TABLE invoices; --";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void plan_findsOwnedChildrenThroughThreeLevelChain_andLeavesReferenceTablesAlone(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 20);
            f.seed("globex", 5000, 7);
            MovePlan plan = f.mover().plan(MoveRequest.of("acme", "dedicated").withMode(MoveMode.ONLINE));
            Map<String, PlannedTable> t = plan.tables().stream().collect(Collectors.toMap(PlannedTable::name, p -> p));
            assertEquals("owned", t.get("invoices").role());
            assertEquals("owned", t.get("categories").role());
            assertEquals("child", t.get("invoice_lines").role());
            assertEquals("child", t.get("line_notes").role());
            assertEquals("reference", t.get("countries").role());
            assertTrue(t.get("line_notes").ownershipPath().contains("invoice_lines") && t.get("line_notes").ownershipPath().contains("invoices"),
                    t.get("line_notes").ownershipPath());
            assertEquals(20, t.get("invoices").tenantRows());
            assertEquals(40, t.get("invoice_lines").tenantRows());
            assertEquals(20, t.get("line_notes").tenantRows());
            assertEquals(5, t.get("categories").tenantRows());
            // parents load before children
            assertTrue(t.get("customers").loadOrder() < t.get("invoices").loadOrder());
            assertTrue(t.get("invoices").loadOrder() < t.get("invoice_lines").loadOrder());
            assertTrue(t.get("invoice_lines").loadOrder() < t.get("line_notes").loadOrder());
            assertTrue(plan.ready(), plan.render());
            // dry run changed nothing
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertTrue(f.route("acme").isImplicit());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void onlineMove_tenantWithQuotes_copiesAllRows_flipsRoute_andFencesSource(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(QUOTED, 1000, 30);
            f.seed("globex", 5000, 10);
            MoveResult r = f.mover().move(MoveRequest.of(QUOTED, "dedicated").withParallel(3), MoveListener.NONE);
            assertTrue(r.verification().matches(), r.verification().toString());
            Route route = f.route(QUOTED);
            assertEquals("dedicated", route.target());
            assertEquals(RouteState.ACTIVE, route.state());
            assertEquals(30, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", QUOTED));
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'globex'", null));
            assertEquals(60, f.count(f.dst, null, "SELECT COUNT(*) FROM invoice_lines", null));
            assertEquals(30, f.count(f.dst, null, "SELECT COUNT(*) FROM line_notes", null));
            assertEquals(5, f.count(f.dst, null, "SELECT COUNT(*) FROM categories WHERE parent_id IS NOT NULL OR id = 1000", null));
            assertFalse(io.tenantroute.migrator.internal.TargetSchema.tableExists(
                    engine == Engine.POSTGRESQL ? io.tenantroute.config.Dialect.POSTGRESQL : io.tenantroute.config.Dialect.MYSQL,
                    f.dst.connect(), engine == Engine.POSTGRESQL ? "public" : f.dst.name(), "countries"), "reference table left alone");
            // the source rejects the moved tenant's writes, on owned and child tables; others still write
            try (Connection c = f.src.connect()) {
                SQLException ex = assertThrows(SQLException.class, () -> exec(c, "UPDATE invoices SET total = 1 WHERE tenant_id = ?", QUOTED));
                assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
                SQLException ex2 = assertThrows(SQLException.class, () -> exec(c, "DELETE FROM invoice_lines WHERE id = ?", "10000"));
                assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex2), ex2.getSQLState() + " " + ex2.getMessage());
                assertEquals(1, exec(c, "UPDATE invoices SET total = 2 WHERE id = ?", "5000"));
            }
            // identity / AUTO_INCREMENT on the target continues above the copied maximum
            try (Connection c = f.dst.connect()) {
                exec(c, "INSERT INTO line_notes (line_id, body) VALUES (?, 'after')", "10000");
            }
            // the journal has the move, done, with per-table steps
            MigrationJournal.Migration m = f.journal.get(r.migrationId());
            assertEquals("done", m.status());
            assertTrue(f.journal.steps(r.migrationId()).stream().anyMatch(s -> "verify".equals(s.step()) && "invoices".equals(s.table())
                    && s.rows() == 30));
            assertNull(f.journal.activeMigration(QUOTED));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void onlineMove_refusesTableWithoutKey_offlineMoveAcceptsIt(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, true)) {
            f.seed("acme", 1000, 5);
            f.src.execute("INSERT INTO audit_log (tenant_id, what) VALUES ('acme', 'a'), ('acme', 'b'), ('other', 'c')");
            SQLException ex = assertThrows(SQLException.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex));
            assertTrue(ex.getMessage().contains("audit_log"), ex.getMessage());
            assertTrue(f.route("acme").isImplicit());
            MoveResult r = f.mover().move(MoveRequest.of("acme", "dedicated").withMode(MoveMode.OFFLINE), MoveListener.NONE);
            assertTrue(r.verification().matches());
            assertEquals(2, f.count(f.dst, null, "SELECT COUNT(*) FROM audit_log", null));
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertEquals("dedicated", f.route("acme").target());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void schemaPerTenantTarget_onSameServer_isCreatedAndRouted(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 12);
            String schema = engine == Engine.POSTGRESQL ? "tenant_acme" : f.src.name() + "_acme";
            if (engine == Engine.MYSQL) {
                f.extraSchemas.add(schema);
            }
            MoveResult r = f.mover().move(MoveRequest.of("acme", "shared").withSchema(schema, true), MoveListener.NONE);
            assertTrue(r.verification().matches());
            Route route = f.route("acme");
            assertEquals("shared", route.target());
            assertEquals(schema, route.schema());
            assertEquals(12, f.count(f.src, schema, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            try (Connection c = f.connectRoute(route)) {
                assertEquals(1, exec(c, "UPDATE invoices SET total = 9 WHERE id = ?", "1000"));
            }
            // the old rows in the same database stay fenced (the flip lifts a fence of the new schema only)
            try (Connection c = f.src.connect()) {
                SQLException ex = assertThrows(SQLException.class, () -> exec(c, "UPDATE invoices SET total = 1 WHERE tenant_id = ?", "acme"));
                assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void targetUnreachableMidCopy_failsCleanly_tenantKeepsWorkingOnSource(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 10);
            var copying = new java.util.concurrent.atomic.AtomicBoolean();
            TargetConnector direct = TargetConnector.direct();
            TargetConnector flaky = t -> {
                if (t.name().equals("dedicated") && copying.get()) {
                    throw new SQLException("Connection refused (test: target unreachable)", "08001");
                }
                return direct.open(t);
            };
            TenantMover mover = new TenantMover(f.store, f.journal, flaky, null);
            MoveListener l = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("copy")) {
                        copying.set(true);
                    }
                }
            };
            SQLException ex = assertThrows(SQLException.class, () -> mover.move(MoveRequest.of("acme", "dedicated"), l));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex), ex.getMessage());
            assertTrue(ex.getMessage().contains("copy"), ex.getMessage());
            Route route = f.route("acme");
            assertEquals("shared", route.target());
            assertEquals(RouteState.ACTIVE, route.state());
            try (Connection c = f.src.connect()) {
                assertEquals(1, exec(c, "UPDATE invoices SET total = 3 WHERE id = ?", "1000"));
                assertEquals(1, exec(c, "DELETE FROM invoice_lines WHERE id = ?", "10001"));
            }
            assertNull(f.journal.activeMigration("acme"));
            assertEquals("failed", f.journal.list(1).get(0).status());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void killedAfterFreeze_abortLeavesTenantActiveOnSource_thenResumeCompletes(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 10);
            MoveListener killer = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("fence")) {
                        throw new Kill();
                    }
                }
            };
            assertThrows(Kill.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), killer));
            assertEquals(RouteState.FROZEN, f.route("acme").state());
            SQLException locked = assertThrows(SQLException.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE));
            assertTrue(locked.getMessage().contains("--abort"), locked.getMessage());
            assertTrue(f.mover().abort("acme") > 0);
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertEquals("shared", f.route("acme").target());
            try (Connection c = f.src.connect()) {
                assertEquals(1, exec(c, "UPDATE invoices SET total = 4 WHERE id = ?", "1001"));
            }
            // killed again, after the copy this time; resume rolls back and moves again
            MoveListener killer2 = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("catchup")) {
                        throw new Kill();
                    }
                }
            };
            assertThrows(Kill.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), killer2));
            try (Connection c = f.src.connect()) {
                assertEquals(1, exec(c, "UPDATE invoices SET total = 5 WHERE id = ?", "1002"));
            }
            MoveResult r = f.mover().resume(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            assertTrue(r.verification().matches());
            assertEquals("dedicated", f.route("acme").target());
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1002 AND total = 5", null));
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1001 AND total = 4", null));
        }
    }

    /** Simulates the process dying: an Error the mover does not catch, so nothing is rolled back. */
    static final class Kill extends Error {
        Kill() {
            super("killed");
        }
    }

    static int exec(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            if (sql.contains("?")) {
                if (param.matches("\\d+") && !sql.contains("tenant_id = ?")) {
                    p.setLong(1, Long.parseLong(param));
                } else {
                    p.setString(1, param);
                }
            }
            return p.executeUpdate();
        }
    }
}
