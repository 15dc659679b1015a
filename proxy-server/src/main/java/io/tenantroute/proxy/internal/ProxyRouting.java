package io.tenantroute.proxy.internal;

import io.tenantroute.config.CachedTenantMap;
import io.tenantroute.config.Route;
import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.proxy.ProxyConfig;
import io.tenantroute.routing.Router;
import io.tenantroute.routing.TenantResolver;
import io.tenantroute.routing.sql.FallbackAudit;
import io.tenantroute.routing.sql.RoutingPolicy;
import io.tenantroute.routing.sql.SqlDialect;
import io.tenantroute.routing.sql.SqlTenantInference;
import io.tenantroute.routing.sql.TenantColumns;
import io.tenantroute.routing.sql.TenantInference;
import io.tenantroute.routing.sql.TenantOwnedTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing core as the proxy uses it: the live tenant map, a non-blocking {@link Router} for the event loops, the
 * {@link TenantResolver} with SQL inference, and the small thread pool where everything that blocks runs (store reads of
 * routes not in memory, map re-reads during frozen waits, catalog re-reads of the routing policy). Both protocols'
 * sessions share one instance. Thread-safe.
 */
public final class ProxyRouting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRouting.class);
    private static final int MAX_CACHED_TENANTS = 100_000;

    private final TenantMapStore store;
    private final TenantMap map;
    private final ExecutorService blocking;
    private final Router router;
    private final TenantResolver resolver;
    private final SqlDialect dialect;
    private final AutoCloseable changes;

    private ProxyRouting(TenantMapStore store, TenantMap map, ExecutorService blocking, Router router, TenantResolver resolver,
            SqlDialect dialect, AutoCloseable changes) {
        this.store = store;
        this.map = map;
        this.blocking = blocking;
        this.router = router;
        this.resolver = resolver;
        this.dialect = dialect;
        this.changes = changes;
    }

    /**
     * Opens the tenant map (reads its targets and version now), and — with inference on — reads the tenant-owned tables
     * from the shared database's catalog. Blocks for those reads.
     *
     * @param cfg the proxy's settings
     * @param metrics where lookups, waits and route changes are counted
     * @param onNextTarget told (on a routing thread; must not block) of every route read that names a next target
     * @return the routing
     * @throws SQLException {@code TR010} when the map cannot be read; {@code 08001} for a control URL of another database
     */
    public static ProxyRouting open(ProxyConfig cfg, ProxyMetrics metrics, Consumer<Route> onNextTarget) throws SQLException {
        Properties storeProps = cfg.controlProps();
        // Control tables in the shared database itself (the default): before `tenantroute init` the map is simply empty
        // and every tenant lives on shared, as for the driver. A control database named apart must have its tables.
        storeProps.setProperty(TenantMapStores.EMPTY_UNTIL_INIT, Boolean.toString(cfg.controlUrl().equals(cfg.sharedUrl())));
        TenantMapStore store = TenantMapStores.open(cfg.controlUrl(), storeProps);
        TenantMap map;
        try {
            map = CachedTenantMap.open(store, cfg.mapRefreshMs(), MAX_CACHED_TENANTS);
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor blocking = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tenantroute-proxy-blocking-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        blocking.allowCoreThreadTimeOut(true);
        Router router = Router.nonBlocking(map, cfg.frozenWaitMs(), metrics, onNextTarget, blocking);
        SqlDialect dialect = SqlDialect.forJdbcUrl(cfg.sharedUrl());
        TenantResolver resolver;
        if ("none".equals(cfg.inference())) {
            resolver = new TenantResolver(TenantInference.NONE, null);
        } else {
            TenantColumns columns = TenantColumns.parse(cfg.tenantColumns());
            RoutingPolicy policy = new RoutingPolicy(RoutingPolicy.Mode.of(cfg.routingPolicy()), () -> {
                try (Connection c = DriverManager.getConnection(cfg.sharedUrl(), cfg.sharedProps())) {
                    return TenantOwnedTables.read(c, dialect, columns);
                }
            }, new FallbackAudit(null, null), blocking);
            policy.loadOwnedTables();
            resolver = new TenantResolver(new SqlTenantInference(dialect, columns, SqlTenantInference.DEFAULT_MAX_CACHED_SHAPES),
                    policy);
            // Load the parser now (~0.5 s once), not on an event loop at the first statement that needs it.
            try {
                resolver.inference().decide("SELECT 1 FROM t WHERE tenant_id = 'warm-up'", null);
            } catch (SQLException e) {
                LOG.debug("parser warm-up: {}", e.toString());
            }
        }
        AutoCloseable changes = map.addListener(r -> {
            metrics.routeChange();
            LOG.info("route of tenant '{}' changed: target '{}'{}, {}{} (version {})", r.tenant(), r.target(),
                    r.schema() == null ? "" : " schema '" + r.schema() + "'", r.state().label(),
                    r.nextTarget() == null ? "" : ", next target '" + r.nextTarget() + "'", r.version());
        });
        return new ProxyRouting(store, map, blocking, router, resolver, dialect, changes);
    }

    /** @return the live tenant map */
    public TenantMap map() {
        return map;
    }

    /** @return the non-blocking router */
    public Router router() {
        return router;
    }

    /** @return the per-statement tenant rules */
    public TenantResolver resolver() {
        return resolver;
    }

    /** @return the shared database's SQL dialect */
    public SqlDialect dialect() {
        return dialect;
    }

    /** @return where blocking work runs (never on an event loop) */
    public ExecutorService blocking() {
        return blocking;
    }

    @Override
    public void close() {
        try {
            changes.close();
        } catch (Exception ignored) {
            // closing
        }
        blocking.shutdownNow();
        try {
            map.close();
        } catch (SQLException e) {
            LOG.debug("closing the tenant map: {}", e.toString());
        }
        try {
            store.close();
        } catch (SQLException e) {
            LOG.debug("closing the tenant map store: {}", e.toString());
        }
    }
}
