package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code --copy-reference}: reference tables come along whole; one changed during the move fails it safely. */
class CopyReferenceTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void copyReference_copiesReferenceTablesWhole_andThePlanSaysSo(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 10);
            MoveRequest req = MoveRequest.of("acme", "dedicated").withCopyReference(true);
            MovePlan plan = f.mover().plan(req);
            assertTrue(plan.checks().stream().anyMatch(c -> c.name().startsWith("reference tables") && c.detail().contains("countries")),
                    plan.checks().toString());
            MoveResult r = f.mover().move(req, MoveListener.NONE);
            assertTrue(r.verification().matches());
            assertEquals(2, f.count(f.dst, null, "SELECT COUNT(*) FROM countries", null));
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM countries WHERE code = 'DE' AND name = 'Germany'", null));
            assertTrue(f.journal.steps(r.migrationId()).stream().anyMatch(s -> "copy-reference".equals(s.step()) && "countries".equals(s.table())
                    && s.rows() == 2));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void withoutTheOption_referenceTablesStayBehind(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 3);
            f.mover().move(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            assertFalse(io.tenantroute.migrator.internal.TargetSchema.tableExists(
                    engine == Engine.POSTGRESQL ? io.tenantroute.config.Dialect.POSTGRESQL : io.tenantroute.config.Dialect.MYSQL,
                    f.dst.connect(), engine == Engine.POSTGRESQL ? "public" : f.dst.name(), "countries"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aReferenceTableChangedDuringTheMove_failsItBeforeTheFreeze_tenantStaysOnSource(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 5);
            java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
            MoveListener changeCountries = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if ("catchup".equals(step) && once.compareAndSet(false, true)) {
                        try {
                            f.src.execute("INSERT INTO countries VALUES ('IT', 'Italy')");
                        } catch (SQLException ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                }
            };
            SQLException ex = assertThrows(SQLException.class,
                    () -> f.mover().move(MoveRequest.of("acme", "dedicated").withCopyReference(true), changeCountries));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex));
            assertTrue(ex.getMessage().contains("reference table countries changed"), ex.getMessage());
            assertEquals("shared", f.route("acme").target());
            assertEquals(RouteState.ACTIVE, f.route("acme").state());
        }
    }
}
