package io.tenantroute.config.internal;

import io.tenantroute.config.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the control-table migrations with Flyway. Kept apart from {@code ControlSchema} so that the config
 * module loads without Flyway (it is an optional dependency; only the CLI and the migrator create tables).
 */
public final class FlywayMigrations {
    /** Flyway's history table in the control schema. */
    public static final String HISTORY_TABLE = "schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(FlywayMigrations.class);

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
    public static int migrate(Connection connection, Dialect vendor, String schema) throws SQLException {
        return migrate(connection, vendor, schema, FlywayMigrations.class.getClassLoader());
    }

    /**
     * As {@link #migrate(Connection, Dialect, String)}, finding migrations through another class loader
     * (tests: a class path with or without the migrator's migrations).
     *
     * @param connection an open connection; left open
     * @param vendor the connection's vendor
     * @param schema the control schema, created when missing
     * @param loader where the migration scripts are looked up
     * @return how many migrations ran
     * @throws SQLException as {@link #migrate(Connection, Dialect, String)}
     */
    public static int migrate(Connection connection, Dialect vendor, String schema, ClassLoader loader) throws SQLException {
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
                    .placeholders(vendor == Dialect.MYSQL ? Map.of("tenant_collation", binaryNoPadCollation(connection)) : Map.of())
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

    /**
     * MySQL's and MariaDB's utf8mb4_bin compares with PAD SPACE ("acme" = "acme "), so tenant ids use a
     * NO PAD binary collation where the server has one.
     */
    static String binaryNoPadCollation(Connection c) throws SQLException {
        List<String> preferred = List.of("utf8mb4_nopad_bin", "utf8mb4_0900_bin");
        Set<String> present = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT collation_name FROM information_schema.collations WHERE collation_name IN (?, ?)")) {
            ps.setString(1, preferred.get(0));
            ps.setString(2, preferred.get(1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        for (String p : preferred) {
            if (present.contains(p)) {
                return p;
            }
        }
        LOG.warn("this MySQL server has no NO PAD binary collation: tenant ids that differ only by trailing spaces "
                + "will be taken as one tenant");
        return "utf8mb4_bin";
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
