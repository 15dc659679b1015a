package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The other directions of issue 3: a tenant that lives on a dedicated database moves back into the shared one (after
 * its old shared rows were cleaned up), or on to another dedicated database, online, with what it wrote on the
 * dedicated database.
 */
class DedicatedToSharedTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dedicatedToShared_online_carriesTheWritesMadeOnDedicated_andFencesDedicated(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 20);
            f.seed("globex", 5000, 5);
            f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            new TenantCleanup(f.store, f.journal, TargetConnector.direct(), null)
                    .cleanup(TenantCleanup.CleanupRequest.of("acme").withArchive(tmp.resolve("a")), MoveListener.NONE);
            assertEquals(0, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            // life on the dedicated database
            try (Connection c = f.dst.connect()) {
                try (PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 42 WHERE id = 1003")) {
                    assertEquals(1, p.executeUpdate());
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO invoices (id, tenant_id, total) VALUES (9001, 'acme', 3)")) {
                    p.executeUpdate();
                }
                try (PreparedStatement p = c.prepareStatement("DELETE FROM invoices WHERE id = 1004")) {
                    p.executeUpdate(); // its lines go by ON DELETE CASCADE
                }
            }

            MoveResult back = f.mover().move(MoveRequest.of("acme", "shared"), MoveListener.NONE);
            assertTrue(back.verification().matches(), back.verification().toString());
            assertEquals("shared", f.route("acme").target());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertEquals(20, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            assertEquals(1, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE id = 1003 AND total = 42", null));
            assertEquals(1, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE id = 9001", null));
            assertEquals(0, f.count(f.src, null, "SELECT COUNT(*) FROM invoice_lines WHERE invoice_id = 1004", null));
            assertEquals(5, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "globex"), "other tenants untouched");
            assertTrue(f.mover().verify("acme", "dedicated", null, "tenant_id").matches(), "dedicated keeps the copy it had");
            // the dedicated database is now fenced for the tenant: a stale writer there is rejected, not lost
            try (Connection c = f.dst.connect(); PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 1 WHERE id = 1005")) {
                SQLException ex = assertThrows(SQLException.class, p::executeUpdate);
                assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dedicatedToDedicated_online_carriesTheWritesMadeOnDedicated_andFencesTheFirst(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false);
             io.tenantroute.testsupport.TestDatabase second = io.tenantroute.testsupport.TestDatabases.server(engine).createDatabase("mig_dst2")) {
            f.store.putTarget(new io.tenantroute.config.Target("dedicated2", second.url(), null, io.tenantroute.config.PasswordRef.NONE, 0));
            f.seed("acme", 1000, 20);
            f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            try (Connection c = f.dst.connect()) {
                try (PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 42 WHERE id = 1003")) {
                    assertEquals(1, p.executeUpdate());
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO invoices (id, tenant_id, total) VALUES (9001, 'acme', 3)")) {
                    p.executeUpdate();
                }
            }

            MoveResult on = f.mover().move(MoveRequest.of("acme", "dedicated2"), MoveListener.NONE);
            assertTrue(on.verification().matches(), on.verification().toString());
            assertEquals("dedicated2", f.route("acme").target());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertEquals(21, f.count(second, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            assertEquals(1, f.count(second, null, "SELECT COUNT(*) FROM invoices WHERE id = 1003 AND total = 42", null));
            assertEquals(40, f.count(second, null, "SELECT COUNT(*) FROM invoice_lines", null), "child rows through the FK chain");
            // both earlier homes are fenced for the tenant: a stale writer on either is rejected, not lost
            for (io.tenantroute.testsupport.TestDatabase old : new io.tenantroute.testsupport.TestDatabase[] {f.dst, f.src}) {
                try (Connection c = old.connect(); PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 1 WHERE id = 1005")) {
                    SQLException ex = assertThrows(SQLException.class, p::executeUpdate);
                    assertTrue(TenantRouteSqlState.TENANT_FENCED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
                }
            }
        }
    }
}
