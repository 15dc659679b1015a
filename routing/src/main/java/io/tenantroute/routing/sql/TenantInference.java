package io.tenantroute.routing.sql;

import java.sql.SQLException;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Finds the tenant a SQL statement names, for connections that have no tenant from any other source
 * (issue "route from the SQL itself"). Free of JDBC wrapper code so that the wire proxy can reuse it.
 * {@link SqlTenantInference} is the implementation (Calcite); {@link #NONE} infers nothing.
 *
 * <p>Thread-safe. Implementations cache the routing shape per distinct SQL text.
 */
public interface TenantInference {

    /** Infers nothing: every statement names no tenant. */
    TenantInference NONE = (sql, parameters) -> null;

    /**
     * @param sql the statement text exactly as the app sent it
     * @param parameters the bound value of the i-th {@code ?} (0-based, text order; PostgreSQL {@code $n} is
     *     {@code n-1}) at execute time; null for a plain statement
     * @return the tenant the statement names (else its {@code /* tenant=… *}{@code /} hint), or null when it names none
     * @throws SQLException {@code TR012} ({@code TenantRouteSqlState.MULTIPLE_TENANTS}, non-transient) when the
     *     statement names several tenants at once, e.g. a multi-row INSERT of two tenants
     */
    String tenantOf(String sql, IntFunction<Object> parameters) throws SQLException;

    /**
     * The full decision, with the facts the routing policy needs (tables touched, parsed or not, hint or
     * statement). The default wraps {@link #tenantOf}: a tenant counts as named by the statement, no tables known.
     *
     * @param sql the statement text exactly as the app sent it
     * @param parameters as for {@link #tenantOf}
     * @return the decision, never null
     * @throws SQLException {@code TR012} as for {@link #tenantOf}
     */
    default RoutingDecision decide(String sql, IntFunction<Object> parameters) throws SQLException {
        return new RoutingDecision(tenantOf(sql, parameters), null, Set.of(), true);
    }

    /**
     * A cheap test on the text, made before the routing core asks a session that has an explicit tenant whether its
     * statement names another one: false only when the statement certainly names no tenant, so that such sessions
     * never pay for parsing statements that cannot. The default answers true.
     *
     * @param sql the statement text
     * @return false when {@link #decide} would certainly name no tenant for any bound values
     */
    default boolean mayNameTenant(String sql) {
        return true;
    }
}
