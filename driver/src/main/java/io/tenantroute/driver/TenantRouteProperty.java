package io.tenantroute.driver;

import java.sql.DriverPropertyInfo;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Every {@code tenantroute.*} connection property: its name, default, description and allowed values. The
 * single source of truth for {@link TenantRouteDriver#getPropertyInfo} and for {@code docs/properties.md}
 * (generated from this enum by {@code PropertiesDocTest}).
 *
 * <p>Properties come from the URL's query string or the {@link Properties} given to {@code connect}; the
 * latter win. Every property whose name starts with {@code tenantroute.} is ours and never reaches the vendor
 * driver; all others pass through unchanged.
 */
public enum TenantRouteProperty {
    /** The connection's default tenant; lowest of the tenant sources. */
    TENANT("tenantroute.tenant", null,
            "Default tenant of every connection. Lowest precedence: TenantContext, then setClientInfo(\"tenantroute.tenant\"), "
                    + "then the intercepted SQL SET statement win over it. No tenant from any source: the statement runs on `shared`."),
    /** The control database holding the tenant map. */
    CONTROL_URL("tenantroute.control-url", null,
            "Vendor JDBC URL of the database holding the tenant map's control tables. Default: the driver URL's own database, "
                    + "with the connection's user and password."),
    /** The schema (PostgreSQL) / database (MySQL) of the control tables. */
    CONTROL_SCHEMA("tenantroute.control-schema", "tenantroute",
            "Schema (PostgreSQL) or database (MySQL/MariaDB) of the control tables in the control database, `[a-z0-9_]`, "
                    + "1 to 63 characters; several tenant maps can share one server under different names."),
    /** A read-only YAML tenant map instead of control tables. */
    MAP_FILE("tenantroute.map-file", null,
            "Path of a read-only YAML tenant map; when set, the control tables are not used."),
    /** How often the tenant map watches the store, in milliseconds. */
    MAP_REFRESH_MS("tenantroute.map-refresh-ms", "250",
            "How often the cached tenant map polls the store for changes, in milliseconds (PostgreSQL control tables also push). "
                    + "0 = never watch (the map still refreshes when the database raises the TR003 fence)."),
    /** How long a statement of a frozen tenant waits, in milliseconds. */
    FROZEN_WAIT_MS("tenantroute.frozen-wait-ms", "5000",
            "How long a statement of a `frozen` tenant waits for the route to become active again, in milliseconds; "
                    + "then it fails with the transient SQLState TR002."),
    /** How many of a throttled tenant's transactions may run at once, per tenant map of the JVM. */
    THROTTLE_CONCURRENCY("tenantroute.throttle-concurrency", "1",
            "How many transactions of a `throttled` tenant (a move about to freeze it) may run at once in this JVM (per "
                    + "tenant map), 1 to 10000; the others wait for their turn, at most `tenantroute.throttle-wait-ms` each. "
                    + "A transaction holds its turn from its first statement until commit, rollback or close (in autocommit: one "
                    + "statement and its results)."),
    /** How long a transaction of a throttled tenant waits for its turn, in milliseconds. */
    THROTTLE_WAIT_MS("tenantroute.throttle-wait-ms", "50",
            "How long a transaction of a `throttled` tenant waits for its turn, in milliseconds (0 to 60000); then it runs "
                    + "anyway. The limit is soft: it adds at most this much latency and never deadlocks (e.g. a thread that "
                    + "already holds another transaction of the tenant). Waits are timed in `tenantroute.throttle.wait`."),
    /** Maximum size of each per-target connection pool. */
    POOL_SIZE("tenantroute.pool-size", "10",
            "Maximum number of physical connections of each per-target pool (one set of pools per JVM, keyed by target and credentials)."),
    /** How long borrowing a physical connection may take, in milliseconds. */
    CONNECT_TIMEOUT_MS("tenantroute.connect-timeout-ms", "30000",
            "How long a statement waits for a physical connection from a target's pool (HikariCP connectionTimeout), in "
                    + "milliseconds, at least 250; then the vendor's connection error is thrown, naming the target."),
    /** Routing policy of SQL tenant inference. */
    ROUTING_POLICY("tenantroute.routing-policy", "lenient",
            "What to do with a statement that names no tenant and has none from any other source (nor a pinned transaction, nor a "
                    + "hint): `lenient` runs it on `shared`, counted in `tenantroute.inference.fallbacks` and logged once per SQL "
                    + "text; `strict` refuses statements on tenant-owned tables (TR007; owned = with the tenant column or "
                    + "foreign-key-chained to one, read once from the shared database's catalog) while global tables still "
                    + "run on `shared`.", "lenient", "strict"),
    /** SQL tenant inference implementation. */
    INFERENCE("tenantroute.inference", "sql",
            "How the tenant is inferred from each statement when no other source names one: `sql` (Apache Calcite reads "
                    + "`tenant_id = ?` predicates, INSERT values and `/* tenant=acme */` hints; the parser loads on first use), "
                    + "`none`, or the class name of an `io.tenantroute.routing.sql.TenantInference` with a public "
                    + "no-argument constructor."),
    /** The tenant column, per table. */
    TENANT_COLUMNS("tenantroute.tenant-columns", "tenant_id",
            "The column that holds the tenant id, for SQL inference and for telling tenant-owned tables: a default column, "
                    + "then `table=column` exceptions, comma-separated, e.g. `tenant_id, customers=org_id`."),
    /** Routing audit file. */
    AUDIT_FILE("tenantroute.audit-file", null,
            "Path of the routing audit: one tab-separated line (time, reason, tables, SQL) is appended per distinct SQL text "
                    + "that named no tenant and ran on `shared` (lenient policy) or could not be parsed. Read it before moving "
                    + "anyone: each line is a statement a move would leave behind."),
    /** Micrometer metrics on or off. */
    METRICS("tenantroute.metrics", "true",
            "Record Micrometer metrics (statements per target, route lookups and changes, frozen and throttle waits, HikariCP "
                    + "pool metrics) in `Metrics.globalRegistry`. No Micrometer on the classpath: no metrics.", "true", "false");

    private final String propertyName;
    private final String defaultValue;
    private final String description;
    private final List<String> choices;

    TenantRouteProperty(String name, String defaultValue, String description, String... choices) {
        this.propertyName = name;
        this.defaultValue = defaultValue;
        this.description = description;
        this.choices = List.of(choices);
    }

    /** The prefix of every property of ours. */
    public static final String PREFIX = "tenantroute.";

    /** @return the property name, e.g. {@code tenantroute.tenant} */
    public String propertyName() {
        return propertyName;
    }

    /** @return the default value, or null when there is none */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return one paragraph for people */
    public String description() {
        return description;
    }

    /** @return the allowed values, empty when any value is allowed */
    public List<String> choices() {
        return choices;
    }

    /**
     * @param props connection properties, may be null
     * @return the value in {@code props}, else the default (may be null)
     */
    public String get(Properties props) {
        String v = props == null ? null : props.getProperty(propertyName);
        return v == null ? defaultValue : v;
    }

    /**
     * @param name a property name
     * @return the property of that name, or null when it is not one of ours
     */
    public static TenantRouteProperty forName(String name) {
        for (TenantRouteProperty p : values()) {
            if (p.propertyName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * @param name a property name
     * @return true when it starts with {@code tenantroute.} (case-insensitive) and so never reaches the vendor driver
     */
    public static boolean isOurs(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /**
     * @param props the connection properties
     * @return this property as {@link DriverPropertyInfo}, its value taken from {@code props}
     */
    public DriverPropertyInfo toDriverPropertyInfo(Properties props) {
        DriverPropertyInfo info = new DriverPropertyInfo(propertyName, get(props));
        info.description = description;
        info.required = false;
        info.choices = choices.isEmpty() ? null : choices.toArray(new String[0]);
        return info;
    }
}
