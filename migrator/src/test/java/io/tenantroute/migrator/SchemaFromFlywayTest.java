package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.FlywaySchema;
import io.tenantroute.testsupport.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code migrate --schema-from flyway:<location>}: the destination's tables come from the app's own migrations
 * (test resources {@code flywaytest/<engine>/full} = the Fixture's schema in three versions; {@code missing} =
 * without V3, which adds {@code invoices.note}, and with {@code invoice_lines.qty} as smallint).
 */
class SchemaFromFlywayTest {

    private static io.tenantroute.config.Dialect internal(Engine e) {
        return e == Engine.POSTGRESQL ? io.tenantroute.config.Dialect.POSTGRESQL : io.tenantroute.config.Dialect.MYSQL;
    }

    private static String dir(Engine e) {
        return e == Engine.POSTGRESQL ? "postgresql" : "mysql";
    }

    private static Set<String> dstTables(Fixture f) throws SQLException {
        try (Connection c = f.dst.connect()) {
            return FlywaySchema.tableNames(internal(f.engine), c, f.engine == Engine.POSTGRESQL ? "public" : f.dst.name());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moveWithClasspathMigrations_createsTablesByFlyway_copiesAndVerifies(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 25);
            f.seed("globex", 5000, 4);
            String from = "flyway:classpath:flywaytest/" + dir(engine) + "/full";
            MoveRequest req = MoveRequest.of("acme", "dedicated").withSchemaFrom(from);

            MovePlan plan = f.mover().plan(req);
            PreCheck check = plan.checks().stream().filter(c -> c.name().equals("schema from " + from)).findFirst().orElseThrow();
            assertTrue(check.passed(), plan.render());
            assertTrue(check.detail().startsWith("3 migration(s) found, 3 pending"), check.detail());
            assertTrue(dstTables(f).isEmpty(), "the plan ran no migration: " + dstTables(f));

            MoveResult r = f.mover().move(req, MoveListener.NONE);
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals("dedicated", f.route("acme").target());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertEquals(25, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            assertEquals(50, f.count(f.dst, null, "SELECT COUNT(*) FROM invoice_lines", null));
            assertEquals(25, f.count(f.dst, null, "SELECT COUNT(*) FROM line_notes", null));
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "globex"));
            // Flyway's own history is on the destination: the app's next migration run continues from V3
            assertEquals(3, f.count(f.dst, null, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = "
                    + (engine == Engine.POSTGRESQL ? "true" : "1") + " AND version IS NOT NULL", null));
            // the reference table exists (the migrations made it), empty: reference tables are not copied
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM countries", null));
            try (Connection c = f.dst.connect()) {
                // foreign keys are back after the move: an orphan line is refused
                assertThrows(SQLException.class, () -> exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, 424242, 1)", 99_999_999L));
                // the identity continues above the copied rows
                exec(c, "INSERT INTO line_notes (line_id, body) VALUES (?, 'after the move')", 10_000L);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void migrationsMissingAColumn_refuseTheMoveNamingEveryDifference_andChangeNothing(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 6);
            // a plain path is a filesystem location
            Path missing = Path.of(SchemaFromFlywayTest.class.getResource("/flywaytest/" + dir(engine) + "/missing").toURI());
            MoveRequest req = MoveRequest.of("acme", "dedicated").withSchemaFrom("flyway:" + missing);
            assertTrue(f.mover().plan(req).ready(), "the plan cannot see column differences before the migrations ran");

            SQLException ex = assertThrows(SQLException.class, () -> f.mover().move(req, MoveListener.NONE));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
            assertTrue(ex.getMessage().contains("invoices.note: column missing"), ex.getMessage());
            assertTrue(ex.getMessage().contains("invoice_lines.qty: type smallint"), ex.getMessage());
            assertTrue(ex.getMessage().contains("stays on shared"), ex.getMessage());

            // nothing changed: the route, the source (writable, not fenced), the destination (migrations' tables dropped)
            assertTrue(f.route("acme").isImplicit());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            try (Connection c = f.src.connect()) {
                assertEquals(6, exec(c, "UPDATE invoices SET total = total + 1 WHERE tenant_id = ?", "acme"));
            }
            assertEquals(Set.of(), dstTables(f));
            assertNull(f.journal.activeMigration("acme"));
            assertEquals("failed", f.journal.list(1).get(0).status());

            // and the move with the complete migrations then works from that clean state
            MoveResult r = f.mover().move(req.withSchemaFrom("flyway:filesystem:" + missing.resolveSibling("full")), MoveListener.NONE);
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals("dedicated", f.route("acme").target());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void schemaPerTenant_createdSchemaGetsTheMigrationsAndTheirHistory(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 7);
            f.seed("globex", 5000, 3);
            String schema = engine == Engine.POSTGRESQL ? "tenant_acme" : f.src.name() + "_acme";
            if (engine == Engine.MYSQL) {
                f.extraSchemas.add(schema);
            }
            MoveRequest req = MoveRequest.of("acme", "shared").withSchema(schema, true)
                    .withSchemaFrom("flyway:classpath:flywaytest/" + dir(engine) + "/full");
            MovePlan plan = f.mover().plan(req);
            assertTrue(plan.ready(), plan.render());
            assertTrue(plan.render().contains("3 migration(s) found, 3 pending on shared/" + schema), plan.render());
            MoveResult r = f.mover().move(req, MoveListener.NONE);
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals(schema, f.route("acme").schema());
            assertEquals(7, f.count(f.src, schema, "SELECT COUNT(*) FROM invoices", null));
            assertEquals(3, f.count(f.src, schema, "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL", null));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failingMigration_failsTheMove_dropsWhatTheMigrationsCreated_tenantStaysOnSource(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 3);
            MoveRequest req = MoveRequest.of("acme", "dedicated").withSchemaFrom("flyway:classpath:flywaytest/broken");
            SQLException ex = assertThrows(SQLException.class, () -> f.mover().move(req, MoveListener.NONE));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
            assertTrue(ex.getMessage().contains("V2") || ex.getMessage().contains("syntax_error"), ex.getMessage());
            assertTrue(ex.getMessage().contains("stays on shared"), ex.getMessage());
            assertEquals(Set.of(), dstTables(f), "V1's table and Flyway's history were dropped");
            assertTrue(f.route("acme").isImplicit());
            assertNull(f.journal.activeMigration("acme"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownLocation_failsThePlanCheck(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 2);
            MovePlan plan = f.mover().plan(MoveRequest.of("acme", "dedicated").withSchemaFrom("flyway:/no/such/dir/tenantroute"));
            assertFalse(plan.ready(), plan.render());
            assertTrue(plan.render().contains("[FAIL] schema from flyway:/no/such/dir/tenantroute"), plan.render());
            MovePlan bad = f.mover().plan(MoveRequest.of("acme", "dedicated").withSchemaFrom("flyway:s3:bucket/x"));
            assertTrue(bad.render().contains("only filesystem: and classpath:"), bad.render());
        }
    }

    private static int exec(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setObject(1, arg);
            return p.executeUpdate();
        }
    }
}
