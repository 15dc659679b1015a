package io.tenantroute.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.routing.sql.FallbackAudit;
import io.tenantroute.routing.sql.RoutingPolicy;
import io.tenantroute.routing.sql.SqlDialect;
import io.tenantroute.routing.sql.SqlTenantInference;
import io.tenantroute.routing.sql.TenantInference;
import io.tenantroute.routing.sql.TenantOwnedTables;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The per-statement tenant rules both front ends apply, without a database. */
class TenantResolverTest {
    private final MemoryTenantMap map = new MemoryTenantMap().withTarget("ded")
            .route("acme", "ded", RouteState.ACTIVE)
            .route("globex", "ded", RouteState.ACTIVE)
            .route("initech", "shared", "initech", RouteState.ACTIVE, null);
    private final Router router = Router.blocking(map, 100, null, null);
    private final SqlTenantInference inference = new SqlTenantInference(SqlDialect.POSTGRESQL);
    private final TenantResolver resolver = new TenantResolver(inference, new RoutingPolicy(RoutingPolicy.Mode.LENIENT,
            () -> TenantOwnedTables.of(Set.of(), Set.of("items")), new FallbackAudit(null, null)));

    private static IntFunction<Object> values(Object... v) {
        return i -> v[i];
    }

    @Test
    void explicitTenant_winsOverWhatTheStatementNames_whenBothLiveTogether() throws SQLException {
        assertEquals("acme", resolver.resolve("acme", "INSERT INTO items (id, tenant_id) VALUES (1, 'globex')", null, null, false, router));
        assertEquals("acme", resolver.resolve("acme", "SELECT * FROM items WHERE tenant_id = $1", values("acme"), null, false, router));
    }

    @Test
    void statementNamingATenantOfAnotherTarget_thanTheSessionTenant_isRefusedWithTr012() {
        SQLException e = assertThrows(SQLException.class, () ->
                resolver.resolve("acme", "INSERT INTO items (id, tenant_id) VALUES (1, 'bob')", null, null, false, router));
        assertEquals(TenantRouteSqlState.MULTIPLE_TENANTS.state(), e.getSQLState());
        assertTrue(e.getMessage().contains("'bob'") && e.getMessage().contains("'acme'") && e.getMessage().contains("'ded'"),
                e.getMessage());
        SQLException bound = assertThrows(SQLException.class, () ->
                resolver.resolve("acme", "UPDATE items SET n = 1 WHERE tenant_id = $1", values("bob"), null, true, router));
        assertEquals(TenantRouteSqlState.MULTIPLE_TENANTS.state(), bound.getSQLState());
        SQLException hint = assertThrows(SQLException.class, () ->
                resolver.resolve("acme", "/* tenant=bob */ SELECT 1", null, null, false, router));
        assertEquals(TenantRouteSqlState.MULTIPLE_TENANTS.state(), hint.getSQLState());
    }

    @Test
    void anotherSchemaOnTheSameTarget_isAnotherHome() {
        SQLException e = assertThrows(SQLException.class, () ->
                resolver.resolve("bob", "SELECT * FROM items WHERE tenant_id = 'initech'", null, null, false, router));
        assertTrue(e.getMessage().contains("schema 'initech'"), e.getMessage());
    }

    @Test
    void withoutExplicitTenant_theStatementThenThePinThenTheHintThenShared() throws SQLException {
        assertEquals("acme", resolver.resolve(null, "SELECT * FROM items WHERE tenant_id = $1", values("acme"), null, false, router));
        assertEquals("acme", resolver.resolve(null, "SELECT * FROM items WHERE id = 3", null, "acme", true, router));
        assertNull(resolver.resolve(null, "SELECT * FROM items WHERE id = 3", null, "acme", false, router),
                "the pin holds only inside the transaction");
        assertEquals("globex", resolver.resolve(null, "/* tenant=globex */ SELECT * FROM items WHERE id = 3", null, null, false, router));
        assertNull(resolver.resolve(null, "SELECT 1", null, null, false, router));
        assertEquals("acme", resolver.resolve(null, null, null, "acme", true, router), "savepoints keep the pinned tenant");
    }

    @Test
    void numericTenantValues_nameTheSameTenantWhateverTheirType() throws SQLException {
        map.route("3", "ded", RouteState.ACTIVE);
        String sql = "SELECT * FROM items WHERE tenant_id = $1";
        for (Object v : List.of(3, 3L, 3.0d, 3.0f, new BigDecimal("3.00"), "3", (short) 3)) {
            assertEquals("3", resolver.resolve(null, sql, values(v), null, false, router), v.getClass().getSimpleName());
        }
        assertEquals("3", resolver.resolve(null, "SELECT * FROM items WHERE tenant_id = 3.0", null, null, false, router));
        assertEquals("2.5", resolver.resolve(null, sql, values(2.5d), null, false, router));
        assertEquals("3", resolver.resolve("3", "INSERT INTO items (id, tenant_id) VALUES (1, $1)", values(3.0d), null, false, router),
                "a double 3.0 is tenant 3, not another tenant");
    }

    @Test
    void batchRows_mustNameOneTenant() throws SQLException {
        String sql = "INSERT INTO items (id, tenant_id) VALUES ($1, $2)";
        assertEquals(1, resolver.batchRoutingRow(null, List.of("SELECT 1", sql), List.of(values(), values(1, "acme"))));
        SQLException e = assertThrows(SQLException.class, () ->
                resolver.batchRoutingRow(null, List.of(sql, sql), List.of(values(1, "acme"), values(2, "globex"))));
        assertEquals(TenantRouteSqlState.MULTIPLE_TENANTS.state(), e.getSQLState());
    }

    @Test
    void insideATransaction_aTenantOfAnotherTarget_isTr004() throws SQLException {
        Route held = router.route("acme");
        TenantResolver.requireSameTarget("globex", router.route("globex"), held, "acme", false);
        SQLException e = assertThrows(SQLException.class, () ->
                TenantResolver.requireSameTarget("bob", router.route("bob"), held, "acme", false));
        assertEquals(TenantRouteSqlState.CROSS_TARGET_TRANSACTION.state(), e.getSQLState());
        assertTrue(e.getMessage().contains("runs on target 'ded' (tenant 'acme')"), e.getMessage());
    }

    @Test
    void withoutInference_onlyTheExplicitTenantCounts() throws SQLException {
        TenantResolver none = new TenantResolver(TenantInference.NONE, null);
        assertEquals("acme", none.resolve("acme", "INSERT INTO items (id, tenant_id) VALUES (1, 'bob')", null, null, false, router));
        assertNull(none.resolve(null, "SELECT * FROM items WHERE tenant_id = 'acme'", null, null, false, router));
    }

    @Test
    void mayNameTenant_isFalseOnlyForTextsWithoutTenantColumnOrHint() {
        assertTrue(inference.mayNameTenant("select * from t where TENANT_ID = $1"));
        assertTrue(inference.mayNameTenant("/*tenant='acme'*/ select 1"));
        assertTrue(!inference.mayNameTenant("select nextval('invoice_seq')"));
    }
}
