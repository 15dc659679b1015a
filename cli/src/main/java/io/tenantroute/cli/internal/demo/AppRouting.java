package io.tenantroute.cli.internal.demo;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the demo's app talks to the TenantRoute driver: which tenant a unit of work is for, and which target a
 * statement ran on ({@code unwrap(TenantRouteConnection.class).lastTarget()}).
 *
 * <p>Bridged by name until the driver lands on this branch, then direct calls. Thread-safe.
 */
final class AppRouting {
    private static final Class<?> CONNECTION_API = find("io.tenantroute.driver.TenantRouteConnection");
    private static final Method LAST_TARGET = method(CONNECTION_API, "lastTarget");
    private static final Class<?> CONTEXT = find("io.tenantroute.driver.TenantContext");
    private static final Method USE = method(CONTEXT, "use", String.class);

    private AppRouting() {
    }

    /** @return true when the TenantRoute driver is on the class path */
    static boolean available() {
        return CONNECTION_API != null && LAST_TARGET != null;
    }

    /**
     * Sets the tenant of this thread's work, as an app would ({@code TenantContext.use(tenant)}), until the
     * returned scope closes.
     *
     * @param tenant the tenant id
     * @return the scope (close it after the transaction)
     */
    static AutoCloseable tenant(String tenant) throws SQLException {
        if (USE == null) {
            throw new SQLException("the TenantRoute driver (TenantContext) is not on the class path");
        }
        try {
            return (AutoCloseable) USE.invoke(null, tenant);
        } catch (ReflectiveOperationException e) {
            throw new SQLException("TenantContext.use failed: " + e.getCause(), e);
        }
    }

    /**
     * @param c a {@code jdbc:tenantroute:} connection
     * @return the name of the target its last statement ran on
     */
    static String lastTarget(Connection c) throws SQLException {
        if (!available()) {
            throw new SQLException("the TenantRoute driver is not on the class path");
        }
        try {
            return (String) LAST_TARGET.invoke(c.unwrap(CONNECTION_API));
        } catch (ReflectiveOperationException e) {
            throw new SQLException("lastTarget() failed: " + e.getCause(), e);
        }
    }

    private static Class<?> find(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static Method method(Class<?> c, String name, Class<?>... types) {
        try {
            return c == null ? null : c.getMethod(name, types);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
