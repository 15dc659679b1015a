package io.tenantroute.cli.internal;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The CLI's one door to config's store factory and control schema, so that every command opens the tenant map
 * the same way. Stateless.
 */
public final class ControlStores {
    /** Store property naming the control schema ({@link TenantMapStores#CONTROL_SCHEMA}). */
    public static final String CONTROL_SCHEMA_PROPERTY = TenantMapStores.CONTROL_SCHEMA;

    private ControlStores() {
    }

    /**
     * @param controlUrl vendor JDBC URL of the control database
     * @param props user/password, and {@link #CONTROL_SCHEMA_PROPERTY}
     * @return a JDBC-backed store (caller closes); connects lazily
     * @throws SQLException {@code 08001} for a URL of another database
     */
    public static TenantMapStore open(String controlUrl, Properties props) throws SQLException {
        return TenantMapStores.open(controlUrl, props);
    }

    /**
     * Creates or updates the control tables (idempotent). Blocks while the DDL runs.
     *
     * @param c a connection to the control database
     * @param schema the control schema (PostgreSQL schema / MySQL database)
     * @return migrations applied (0: already up to date)
     * @throws SQLException the database's own SQLState, e.g. missing privileges
     */
    public static int init(Connection c, String schema) throws SQLException {
        return ControlSchema.init(c, schema);
    }
}
