package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Micrometer meters in {@code Metrics.globalRegistry}: statements per target, route lookups, route changes, HikariCP pools. */
class MetricsTest {

    private static double count(SimpleMeterRegistry r, String name, String target) {
        Counter c = target == null ? r.find(name).counter() : r.find(name).tag("target", target).counter();
        return c == null ? 0 : c.count();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void statementsPerTarget_lookups_routeChanges_andPoolMetrics_areRecorded(Engine engine) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        try (Fixture f = new Fixture(engine, true)) {
            f.map.route("acme", "a");
            try (Connection c = f.connect()) {
                double aBefore = count(registry, "tenantroute.statements", "a");
                double sharedBefore = count(registry, "tenantroute.statements", "shared");
                double lookupsBefore = count(registry, "tenantroute.route.lookups", null);
                double changesBefore = count(registry, "tenantroute.route.changes", null);
                try (var s = TenantContext.use("acme")) {
                    Fixture.insert(c, "acme", "m1");
                    Fixture.insert(c, "acme", "m2");
                }
                Fixture.insert(c, "none", "m3");
                f.map.route("acme", "b");
                assertEquals(2, count(registry, "tenantroute.statements", "a") - aBefore);
                assertEquals(1, count(registry, "tenantroute.statements", "shared") - sharedBefore);
                assertEquals(2, count(registry, "tenantroute.route.lookups", null) - lookupsBefore);
                assertEquals(1, count(registry, "tenantroute.route.changes", null) - changesBefore);
                assertTrue(registry.find("hikaricp.connections").gauges().stream()
                        .anyMatch(g -> g.getId().getTag("pool").startsWith("tenantroute-a-")), "HikariCP pool gauges of target a");
            }
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
    }
}
