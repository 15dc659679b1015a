package io.tenantroute.cli.internal;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The CLI's one door to config's store factory ({@code TenantMapStores.open}) and control schema
 * ({@code ControlSchema.init}).
 *
 * <p>Bridged by name until config's stores land on this branch; then these become direct calls. Keeping the
 * bridge in one class means nothing else in the CLI changes when that happens.
 */
public final class ControlStores {
    /** Store property naming the control schema ({@code TenantMapStores.CONTROL_SCHEMA}). */
    public static final String CONTROL_SCHEMA_PROPERTY = "tenantroute.control-schema";

    private ControlStores() {
    }

    /**
     * @param controlUrl vendor JDBC URL of the control database
     * @param props user/password
     * @return a JDBC-backed store (caller closes)
     * @throws SQLException {@code TR010} when the store cannot be opened
     */
    public static TenantMapStore open(String controlUrl, Properties props) throws SQLException {
        return (TenantMapStore) call("io.tenantroute.config.TenantMapStores", "open",
                new Class<?>[] {String.class, Properties.class}, controlUrl, props);
    }

    /**
     * Creates or updates the control tables (idempotent).
     *
     * @param c a connection to the control database
     * @param schema the control schema (PostgreSQL schema / MySQL database)
     * @return migrations applied (0: already up to date)
     */
    public static int init(Connection c, String schema) throws SQLException {
        return (Integer) call("io.tenantroute.config.ControlSchema", "init", new Class<?>[] {Connection.class, String.class}, c, schema);
    }

    private static Object call(String cls, String method, Class<?>[] types, Object... args) throws SQLException {
        Method m;
        try {
            m = Class.forName(cls).getMethod(method, types);
        } catch (ReflectiveOperationException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception(
                    "this build has no " + cls + "." + method + " (the config module's stores are missing)");
        }
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof SQLException) {
                throw (SQLException) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            throw new SQLException(t.getMessage(), t);
        } catch (IllegalAccessException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }
}
