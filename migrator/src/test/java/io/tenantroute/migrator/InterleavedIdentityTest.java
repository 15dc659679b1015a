package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Identity counters when moves and rollbacks of several tenants interleave (issue 15): r1 and r2 both move shared →
 * dedicated and insert there (their identity values interleave in the dedicated database's range); r1 is rolled
 * back, the shared database's other tenant inserts, r2 is rolled back, and then r4 moves shared → dedicated. No
 * step may be refused for key collisions or fail on a duplicate key: a counter is never moved into a range that
 * another live location is still handing out.
 */
class InterleavedIdentityTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoMovesRolledBackInTurn_countersNeverEnterALiveRange_noCollisionNoDuplicate(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("r1", 1_000, 20);
            f.seed("r2", 2_000, 20);
            f.seed("r4", 4_000, 20);
            f.seed("other", 9_000, 20);
            Map<Long, String> customers = new HashMap<>();
            readCustomers(f, customers);
            TenantRollback rollback = new TenantRollback(f.store, f.journal, TargetConnector.direct(), null);

            f.mover().move(MoveRequest.of("r1", "dedicated"), MoveListener.NONE);
            f.mover().move(MoveRequest.of("r2", "dedicated"), MoveListener.NONE);
            for (int i = 0; i < 5; i++) { // interleaved on the dedicated database, r2 last: r2 holds keys above r1's largest
                insertCustomer(f, "r1", customers);
                insertCustomer(f, "r2", customers);
            }
            insertCustomer(f, "r2", customers);
            rollback.rollback("r1", MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
            for (int i = 0; i < 5; i++) { // the shared database's counter goes on, the dedicated one's too
                insertCustomer(f, "other", customers);
                insertCustomer(f, "r1", customers);
                insertCustomer(f, "r2", customers);
            }
            MovePlan plan = rollback.plan("r2", MoveMode.ONLINE, "tenant_id");
            assertTrue(plan.ready(), () -> "rollback of r2 refused: " + plan.checks());
            rollback.rollback("r2", MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
            for (int i = 0; i < 5; i++) {
                insertCustomer(f, "other", customers);
                insertCustomer(f, "r4", customers);
            }
            f.mover().move(MoveRequest.of("r4", "dedicated"), MoveListener.NONE);
            for (int i = 0; i < 5; i++) {
                insertCustomer(f, "r4", customers);
                insertCustomer(f, "other", customers);
            }

            assertEquals("shared", f.route("r1").target());
            assertEquals("shared", f.route("r2").target());
            assertEquals("dedicated", f.route("r4").target());
            // every acknowledged customer exactly once, where its tenant lives now
            Map<Long, String> live = new HashMap<>();
            for (String t : new String[] {"r1", "r2", "r4", "other"}) {
                Route r = f.route(t);
                try (Connection c = f.connectRoute(r); PreparedStatement p = c.prepareStatement("SELECT id, name FROM customers WHERE tenant_id = ?")) {
                    p.setString(1, t);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            assertTrue(live.put(rs.getLong(1), rs.getString(2)) == null, "customer " + rs.getLong(1) + " twice");
                        }
                    }
                }
            }
            assertEquals(customers, live);
        }
    }

    private static void readCustomers(Fixture f, Map<Long, String> into) throws SQLException {
        try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("SELECT id, name FROM customers"); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                into.put(r.getLong(1), r.getString(2));
            }
        }
    }

    /** Inserts one customer of {@code tenant} where its route points, the id from that database's counter. */
    private static void insertCustomer(Fixture f, String tenant, Map<Long, String> model) throws SQLException {
        String name = tenant + "-" + model.size();
        try (Connection c = f.connectRoute(f.route(tenant));
             PreparedStatement p = c.prepareStatement("INSERT INTO customers (tenant_id, name) VALUES (?, ?)", new String[] {"id"})) {
            p.setString(1, tenant);
            p.setString(2, name);
            p.executeUpdate();
            try (ResultSet k = p.getGeneratedKeys()) {
                k.next();
                long id = k.getLong(1);
                assertTrue(model.put(id, name) == null, "id " + id + " handed out twice (" + tenant + ")");
            }
        }
    }
}
