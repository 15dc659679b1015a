package io.tenantroute.config;

import io.tenantroute.config.internal.SchemaNames;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens the stores of the tenant map: control tables ({@link #open(String, Properties)}) or a read-only YAML
 * file ({@link #openYaml(Path)}).
 */
public final class TenantMapStores {
    /**
     * Property naming the control schema (PostgreSQL schema / MySQL database) of {@link #open(String, Properties)};
     * default {@value ControlSchema#DEFAULT_SCHEMA}. Lets several maps share one server, e.g. one per test
     * database on a shared MySQL server. Value: 1–63 characters of {@code [a-z0-9_]}.
     */
    public static final String CONTROL_SCHEMA = "tenantroute.control-schema";

    /**
     * Property for {@link #open}: {@code "true"} makes a store whose control tables do not exist yet read as an
     * empty map (version 0, no targets, no routes: every tenant lives on {@code shared}) instead of failing with
     * {@link TenantRouteSqlState#MAP_UNAVAILABLE}; changes still need {@code tenantroute init}. The driver sets it
     * when the control tables live in the driver URL's own database (the default), so that swapping the URL is
     * enough on day one, before anyone ran {@code tenantroute init}. An unreachable database is never read as
     * empty.
     */
    public static final String EMPTY_UNTIL_INIT = "tenantroute.empty-until-init";

    private TenantMapStores() {
    }

    /**
     * Opens the control tables made by {@code tenantroute init} / {@link ControlSchema#init(java.sql.Connection)}.
     * Does not connect yet: the store's small pool (at most 4 connections) connects on first use, so an
     * unreachable database shows as {@link TenantRouteSqlState#MAP_UNAVAILABLE} on each call, not here.
     *
     * @param controlJdbcUrl a {@code jdbc:postgresql:}, {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL (a
     *     {@code jdbc:tenantroute:} URL is accepted and its prefix removed); the vendor is read from it. The
     *     vendor driver must be on the class path.
     * @param props connection properties, typically {@code user} and {@code password}; may be null. Keys
     *     starting with {@code tenantroute.} are ours and not passed to the vendor driver:
     *     {@link #CONTROL_SCHEMA}.
     * @return the store; close it to release its connections and watch threads. Thread-safe.
     * @throws SQLException SQLState {@code 08001} for a URL of another database (the message never repeats
     *     the URL)
     * @throws IllegalArgumentException for an invalid {@link #CONTROL_SCHEMA}
     */
    public static JdbcTenantMapStore open(String controlJdbcUrl, Properties props) throws SQLException {
        String url = controlJdbcUrl;
        if (url != null && url.startsWith("jdbc:tenantroute:")) {
            url = "jdbc:" + url.substring("jdbc:tenantroute:".length());
        }
        Dialect vendor;
        try {
            vendor = Dialect.fromUrl(url);
        } catch (SQLException ex) {
            throw new java.sql.SQLNonTransientConnectionException("the tenant map's control database: " + ex.getMessage(), ex.getSQLState(), ex);
        }
        Properties vendorProps = new Properties();
        String schema = ControlSchema.DEFAULT_SCHEMA;
        boolean emptyUntilInit = false;
        if (props != null) {
            for (String key : props.stringPropertyNames()) {
                if (key.equals(EMPTY_UNTIL_INIT)) {
                    emptyUntilInit = Boolean.parseBoolean(props.getProperty(key));
                } else if (key.equals(CONTROL_SCHEMA)) {
                    schema = props.getProperty(key);
                } else if (!key.startsWith("tenantroute.")) {
                    vendorProps.setProperty(key, props.getProperty(key));
                }
            }
        }
        SchemaNames.requireValid(schema);
        return new JdbcTenantMapStore(url, vendorProps, vendor, schema, emptyUntilInit);
    }

    /**
     * Opens a read-only tenant map from a YAML file (format: see {@link YamlTenantMapStore}). Reads it now.
     *
     * @param path the file
     * @return the store; thread-safe; re-reads the file when it changes
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the file cannot be read or parsed,
     *     {@link TenantRouteSqlState#UNKNOWN_TARGET} when a route names an undefined target or a target is
     *     invalid (e.g. a literal password instead of a reference)
     */
    public static YamlTenantMapStore openYaml(Path path) throws SQLException {
        return new YamlTenantMapStore(path);
    }
}
