package io.tenantroute.cli.internal.demo;

import io.tenantroute.driver.TenantContext;
import io.tenantroute.driver.TenantRouteConnection;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the demo's app talks to the TenantRoute driver, as a real app would: the tenant of a unit of work
 * ({@link TenantContext#use(String)}) and the target a statement ran on
 * ({@code unwrap(TenantRouteConnection.class).lastTarget()}). Stateless and thread-safe.
 */
final class AppRouting {
    private AppRouting() {
    }

    /**
     * @param tenant the tenant id
     * @return the scope setting this thread's tenant (close it after the transaction)
     */
    static AutoCloseable tenant(String tenant) {
        return TenantContext.use(tenant);
    }

    /**
     * @param c a {@code jdbc:tenantroute:} connection
     * @return the name of the target its last statement ran on
     */
    static String lastTarget(Connection c) throws SQLException {
        return c.unwrap(TenantRouteConnection.class).lastTarget();
    }
}
