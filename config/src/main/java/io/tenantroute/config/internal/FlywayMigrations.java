package io.tenantroute.config.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs the control-table migrations with Flyway. Kept apart from {@code ControlSchema} so that the config
 * module loads without Flyway (it is an optional dependency; only the CLI and the migrator create tables).
 */
public final class FlywayMigrations {
    /** Flyway's history table in the control schema. */
    public static final String HISTORY_TABLE = "schema_history";

    private FlywayMigrations() {
    }

    /**
     * Applies every pending migration of {@code io/tenantroute/config/db/<vendor>} (V1–V99) and
     * {@code io/tenantroute/migrator/db/<vendor>} (V100+, absent unless the migrator is on the class path).
     *
     * @param connection an open connection; left open, its current schema restored by Flyway
     * @param vendor the connection's vendor
     * @param schema the control schema (PostgreSQL schema / MySQL database), created when missing
     * @return how many migrations ran (0: already up to date)
     * @throws SQLException when a migration fails; SQLState of the database error, or {@code TR010}
     */
    public static int migrate(Connection connection, Vendor vendor, String schema) throws SQLException {
        ClassLoader loader = FlywayMigrations.class.getClassLoader();
        try {
            MigrateResult result = Flyway.configure(loader)
                    .dataSource(new NonClosingDataSource(connection))
                    .schemas(schema)
                    .defaultSchema(schema)
                    .createSchemas(true)
                    .table(HISTORY_TABLE)
                    .locations("classpath:io/tenantroute/config/db/" + vendor.location(),
                            "classpath:io/tenantroute/migrator/db/" + vendor.location())
                    // The migrator's location is on the class path only where the migrator is.
                    .failOnMissingLocations(false)
                    // Two independent ranges (config V1–V99, migrator V100+): a newer config migration must
                    // still run after migrator ones were applied, and a JVM without the migrator must not
                    // refuse a schema that has migrator versions.
                    .outOfOrder(true)
                    .ignoreMigrationPatterns("*:missing", "*:future")
                    .cleanDisabled(true)
                    .load()
                    .migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            SQLException cause = sqlCause(e);
            String msg = "creating/updating the tenant map control tables in '" + schema + "' failed: " + e.getMessage();
            if (cause != null) {
                throw new SQLException(msg, cause.getSQLState(), cause.getErrorCode(), e);
            }
            throw new SQLException(msg, "TR010", e);
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                return (SQLException) t;
            }
        }
        return null;
    }
}
