package io.tenantroute.driver.internal;

import io.tenantroute.routing.sql.FallbackAudit;
import io.tenantroute.routing.sql.RoutingPolicy;
import io.tenantroute.routing.sql.SqlDialect;
import io.tenantroute.routing.sql.SqlTenantInference;
import io.tenantroute.routing.sql.TenantColumns;
import io.tenantroute.routing.sql.TenantInference;
import io.tenantroute.routing.sql.TenantOwnedTables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the SQL tenant inference and the routing policy a connection uses, from {@code tenantroute.inference},
 * {@code tenantroute.tenant-columns}, {@code tenantroute.routing-policy} and {@code tenantroute.audit-file}. One
 * instance per distinct setting per JVM, so the shape cache, the owned tables and the audit's "once per SQL text"
 * are shared by every connection of an app. Thread-safe.
 */
final class Inference {
    private static final ConcurrentHashMap<String, TenantInference> INSTANCES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, RoutingPolicy> POLICIES = new ConcurrentHashMap<>();

    private Inference() {
    }

    /**
     * {@code none} → {@link TenantInference#NONE}; {@code sql} → {@link SqlTenantInference} in the delegate URL's
     * dialect (Calcite loads at the first statement that needs it, not here); otherwise the class name of a
     * {@link TenantInference} with a public no-argument constructor.
     *
     * @throws SQLException {@code 08001} when the class cannot be made
     */
    static TenantInference create(DriverConfig cfg) throws SQLException {
        String name = cfg.inference == null ? "none" : cfg.inference.trim();
        if (name.isEmpty() || name.equalsIgnoreCase("none")) {
            return TenantInference.NONE;
        }
        if (name.equalsIgnoreCase("sql")) {
            SqlDialect dialect = SqlDialect.forJdbcUrl(cfg.vendorUrl);
            TenantColumns columns = TenantColumns.parse(cfg.tenantColumns);
            return INSTANCES.computeIfAbsent("sql|" + dialect + "|" + columns,
                    k -> new SqlTenantInference(dialect, columns, SqlTenantInference.DEFAULT_MAX_CACHED_SHAPES));
        }
        TenantInference t = INSTANCES.get(name);
        if (t != null) {
            return t;
        }
        try {
            Class<?> c = Class.forName(name, true, Inference.class.getClassLoader());
            t = (TenantInference) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new SQLNonTransientConnectionException("tenantroute.inference: cannot create " + name + ": " + e, "08001", e);
        }
        TenantInference prev = INSTANCES.putIfAbsent(name, t);
        return prev != null ? prev : t;
    }

    /**
     * The routing policy for statements that name no tenant. Its owned tables are read from the shared database
     * (the driver URL's), through the shared pool, when the first connection of these settings opens (blocking it
     * for two catalog queries); when that fails, at the next statement that needs them.
     *
     * @param cfg the connection's settings
     * @param metrics where fallbacks are counted
     * @return the policy, shared by connections of the same shared database, policy, columns and audit file
     */
    static RoutingPolicy policy(DriverConfig cfg, Metrics metrics) {
        RoutingPolicy.Mode mode = RoutingPolicy.Mode.of(cfg.routingPolicy);
        TenantColumns columns = TenantColumns.parse(cfg.tenantColumns);
        SqlDialect dialect = SqlDialect.forJdbcUrl(cfg.vendorUrl);
        String key = cfg.vendorUrl + "|" + cfg.user + "|" + mode + "|" + columns + "|" + cfg.auditFile;
        RoutingPolicy existing = POLICIES.get(key);
        if (existing != null) {
            return existing;
        }
        RoutingPolicy created = new RoutingPolicy(mode, () -> {
            try (Connection c = Pools.borrow(null, cfg, metrics)) {
                return TenantOwnedTables.read(c, dialect, columns);
            }
        }, new FallbackAudit(cfg.auditFile == null ? null : Path.of(cfg.auditFile), metrics::inferenceFallback));
        existing = POLICIES.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        // Read the catalog now, while this connection holds nothing: a statement that needs it later may be inside a
        // transaction holding the last connection of a small shared pool. A failure is retried at the next need.
        created.loadOwnedTables();
        return created;
    }

    /** Forgets every inference and policy (driver shutdown; tests). */
    static void clear() {
        INSTANCES.clear();
        POLICIES.clear();
    }
}
