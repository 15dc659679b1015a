package io.tenantroute.driver.sql;

import java.sql.SQLException;
import java.util.function.IntFunction;

/**
 * Finds the tenant a SQL statement names, for connections that have no tenant from any other source
 * (issue "route from the SQL itself"). Free of JDBC wrapper code so that the wire proxy can reuse it.
 *
 * <p>Thread-safe. Implementations cache the routing shape per distinct SQL text.
 */
public interface TenantInference {

    /** Infers nothing: every statement names no tenant. */
    TenantInference NONE = (sql, parameters) -> null;

    /**
     * @param sql the statement text exactly as the app sent it
     * @param parameters the bound value of the i-th {@code ?} (0-based) at execute time; null for a plain statement
     * @return the tenant the statement names, or null when it names none
     * @throws SQLException with {@code TenantRouteSqlState.CROSS_TARGET_TRANSACTION}-like states of our own when the
     *     statement names several tenants at once (e.g. a multi-row INSERT of two tenants); see the implementation
     */
    String tenantOf(String sql, IntFunction<Object> parameters) throws SQLException;
}
