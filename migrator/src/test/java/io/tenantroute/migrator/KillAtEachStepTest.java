package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mover dies (an uncaught Error, so nothing of its own rollback runs) as it enters each step of an online
 * move. Then: abort leaves the tenant active and writable on its source; killed again, resume completes the move
 * with every row, including a write made between the kill and the resume.
 */
class KillAtEachStepTest {
    static final String[] STEPS = {"schema", "capture", "copy", "catchup", "preverify", "freeze", "fence", "replay", "constraints", "verify", "flip"};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Engine e : Engine.values()) {
            for (String s : STEPS) {
                out.add(Arguments.of(e, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} killed at {1}")
    @MethodSource("cases")
    void killedAtStep_abortKeepsTenantOnSource_resumeCompletes(Engine engine, String step) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 8);
            MoveListener killer = new MoveListener() {
                @Override
                public void step(String s, String detail) {
                    if (s.equals(step)) {
                        throw new TenantMoverTest.Kill();
                    }
                }
            };
            assertThrows(TenantMoverTest.Kill.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), killer));
            assertTrue(f.mover().abort("acme") > 0);
            assertEquals("shared", f.route("acme").target());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
            assertNull(f.journal.activeMigration("acme"));
            assertFalse(io.tenantroute.migrator.internal.TargetSchema.tableExists(
                    engine == Engine.POSTGRESQL ? io.tenantroute.config.Dialect.POSTGRESQL : io.tenantroute.config.Dialect.MYSQL,
                    f.dst.connect(), engine == Engine.POSTGRESQL ? "public" : f.dst.name(), "invoices"), "abort drops what the move created");
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 77 WHERE id = 1003")) {
                assertEquals(1, p.executeUpdate(), "writable on the source after abort");
            }
            assertThrows(TenantMoverTest.Kill.class, () -> f.mover().move(MoveRequest.of("acme", "dedicated"), killer));
            boolean acknowledged;
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = 78 WHERE id = 1004")) {
                // a write between the kill and the resume: captured or fenced, never lost
                acknowledged = p.executeUpdate() == 1;
            } catch (java.sql.SQLException fencedWhileKilled) {
                assertTrue(io.tenantroute.config.TenantRouteSqlState.TENANT_FENCED.matches(fencedWhileKilled));
                acknowledged = false;
            }
            Long interrupted = f.journal.activeMigration("acme");
            MoveResult r = f.mover().resume(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            assertTrue(r.verification().matches());
            boolean afterCopy = java.util.Arrays.asList(STEPS).indexOf(step) > java.util.Arrays.asList(STEPS).indexOf("copy");
            if (afterCopy) {
                // killed after the copy: the same move continues from catch-up, no table is copied twice
                assertEquals(interrupted.longValue(), r.migrationId(), "continued, not started again");
                long copies = f.journal.steps(r.migrationId()).stream().filter(st -> "copy".equals(st.step()) && st.table() != null).count();
                assertEquals(r.plan().tables().stream().filter(t -> t.loadOrder() >= 0).count(), copies, "each table copied once");
            } else {
                assertTrue(r.migrationId() != interrupted, "killed before the copy: started again");
            }
            assertEquals("dedicated", f.route("acme").target());
            assertEquals(8, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "acme"));
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1003 AND total = 77", null));
            // the write made between the kill and the resume: on the destination when it was acknowledged, absent when rejected
            assertEquals(acknowledged ? 1 : 0, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1004 AND total = 78", null),
                    "the write between kill and resume (" + (acknowledged ? "acknowledged" : "rejected with TR003") + ")");
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE id = 1004", null));
        }
    }
}
