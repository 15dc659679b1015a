package io.tenantroute.config;

import io.tenantroute.config.internal.FlywayMigrations;
import io.tenantroute.config.internal.SchemaNames;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Creates and updates the tenant map's control tables: {@code map_version} (one row, the map-wide
 * version), {@code targets} and {@code routes}, in the PostgreSQL schema / MySQL database
 * {@value #DEFAULT_SCHEMA} (or another one, see {@link #init(Connection, String)}).
 *
 * <p>Migrations are Flyway SQL scripts on the class path: {@code io/tenantroute/config/db/postgresql|mysql}
 * (versions 1–99) and, when the migrator is present, {@code io/tenantroute/migrator/db/postgresql|mysql}
 * (versions 100 and up). Flyway's history table is {@code schema_history} in the same schema. Flyway is an
 * optional dependency of this module: the CLI and the migrator bring it, the JDBC driver never creates tables
 * and does not.
 *
 * <p>Thread-safety: stateless. Two processes running {@code init} at the same moment are serialized by
 * Flyway's lock on its history table.
 */
public final class ControlSchema {
    /** The default control schema (PostgreSQL schema / MySQL database): {@value}. */
    public static final String DEFAULT_SCHEMA = "tenantroute";

    private ControlSchema() {
    }

    /**
     * Creates the control tables in schema {@value #DEFAULT_SCHEMA}, or brings them up to date. Idempotent:
     * a second run changes nothing and returns 0.
     *
     * @param connection an open connection to PostgreSQL (the tables go into a schema of its database) or
     *     MySQL/MariaDB (into a database of its server); the vendor is read from its metadata. Blocks while
     *     the DDL runs; leaves the connection open with its current schema / database unchanged.
     * @return how many migrations were applied (0: already up to date)
     * @throws SQLException SQLState {@code 0A000} for another database product; SQLState {@code TR010} when
     *     Flyway is not on the class path; otherwise the database's own SQLState (e.g. missing privileges)
     */
    public static int init(Connection connection) throws SQLException {
        return init(connection, DEFAULT_SCHEMA);
    }

    /**
     * Same as {@link #init(Connection)} with another control schema, e.g. one control map per test database
     * on a shared MySQL server. Stores opened with {@link TenantMapStores#CONTROL_SCHEMA} set to the same
     * name use it.
     *
     * @param connection an open PostgreSQL or MySQL/MariaDB connection (left open)
     * @param schema the schema / database to hold the control tables: 1–63 characters of {@code [a-z0-9_]}
     * @return how many migrations were applied (0: already up to date)
     * @throws IllegalArgumentException for an invalid schema name
     * @throws SQLException as {@link #init(Connection)}
     */
    public static int init(Connection connection, String schema) throws SQLException {
        SchemaNames.requireValid(schema);
        Dialect vendor = Dialect.fromMetaData(connection.getMetaData());
        try {
            Class.forName("org.flywaydb.core.Flyway", false, ControlSchema.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("creating the control tables needs Flyway on the class path "
                    + "(org.flywaydb:flyway-core, flyway-database-postgresql, flyway-mysql); run `tenantroute init` instead");
        }
        return FlywayMigrations.migrate(connection, vendor, schema);
    }
}
