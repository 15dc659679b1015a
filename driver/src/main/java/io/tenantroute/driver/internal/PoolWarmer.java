package io.tenantroute.driver.internal;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to a move's destination before the flip. A route with a {@link Route#nextTarget() next target}
 * makes the driver, once per tenant, route version and caller credentials, borrow N connections from the next
 * target's pool at once and give them all back, so that they sit idle there (HikariCP keeps idle connections
 * {@code idleTimeout}, 10 minutes) when the tenant's held transactions arrive after the flip — the pools have
 * {@code minimumIdle} 0 and would otherwise open them one at a time while those transactions wait.
 *
 * <p>N = the connections open now in the pool of the route's current target (what the tenant's traffic may
 * need at once), at least 1, at most the pool size and the destination pool's free room; nothing when the
 * destination already has N. Runs on one background daemon thread; never blocks or fails a statement (failures
 * are logged at debug). Thread-safe.
 */
final class PoolWarmer {
    private static final Logger LOG = LoggerFactory.getLogger(PoolWarmer.class);
    /** Bound on {@link #WARMED}: past it, the memory is dropped (at worst a pool is warmed once more). */
    private static final int MAX_REMEMBERED = 10_000;
    /** tenant + destination pool key → the highest route version warmed for. */
    private static final ConcurrentHashMap<String, Long> WARMED = new ConcurrentHashMap<>();
    private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "tenantroute-pool-warmer");
                t.setDaemon(true);
                return t;
            });

    static {
        EXECUTOR.allowCoreThreadTimeOut(true);
    }

    private PoolWarmer() {
    }

    /**
     * Warms the pool of {@code route}'s next target in the background, unless already done for this route version.
     * Returns at once (a map lookup when there is nothing to do).
     *
     * @param route a route just read; nothing happens when its next target is null or its own target
     * @param map the map the route came from (target definitions)
     * @param cfg the caller's settings (credentials and pool size select the pools)
     * @param metrics for a pool made now
     */
    static void request(Route route, TenantMap map, DriverConfig cfg, Metrics metrics) {
        String next = route.nextTarget();
        if (next == null || next.equals(route.target())) {
            return;
        }
        String key = route.tenant() + '\u0000' + Pools.callerKey(next, cfg);
        Long done = WARMED.get(key);
        if (done != null && done >= route.version()) {
            return;
        }
        if (WARMED.size() >= MAX_REMEMBERED) {
            WARMED.clear();
        }
        boolean[] mine = {false};
        WARMED.compute(key, (k, old) -> {
            if (old != null && old >= route.version()) {
                return old;
            }
            mine[0] = true;
            return route.version();
        });
        if (!mine[0]) {
            return;
        }
        try {
            EXECUTOR.execute(() -> warm(route, map, cfg, metrics));
        } catch (RejectedExecutionException e) {
            LOG.debug("not warming target '{}' for tenant '{}': {}", next, route.tenant(), e.toString());
        }
    }

    private static void warm(Route route, TenantMap map, DriverConfig cfg, Metrics metrics) {
        String next = route.nextTarget();
        try {
            Target dest = map.target(next);
            if (dest == null && !Target.SHARED.equals(next)) {
                LOG.debug("route of tenant '{}' names next target '{}', which the map does not define: not warming", route.tenant(), next);
                return;
            }
            int want = 1;
            Target current = map.target(route.target());
            if (current != null || Target.SHARED.equals(route.target())) {
                HikariPoolMXBean now = Pools.pool(current, cfg, metrics).ds().getHikariPoolMXBean();
                if (now != null) {
                    want = now.getTotalConnections();
                }
            }
            want = Math.max(1, Math.min(want, cfg.poolSize));
            Pools.Pool pool = Pools.pool(dest, cfg, metrics);
            HikariPoolMXBean there = pool.ds().getHikariPoolMXBean();
            if (there != null) {
                if (there.getTotalConnections() >= want) {
                    return;
                }
                // Never take connections the destination's own tenants are waiting for.
                want = Math.min(want, cfg.poolSize - there.getActiveConnections());
            }
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < want; i++) {
                    held.add(Pools.borrow(pool, next));
                }
            } finally {
                for (Connection c : held) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        LOG.debug("warming target '{}': closing a connection failed: {}", next, e.toString());
                    }
                }
            }
            LOG.debug("warmed target '{}' for tenant '{}' (route version {}): {} connection(s)", next, route.tenant(),
                    route.version(), held.size());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("warming target '{}' for tenant '{}' failed: {}", next, route.tenant(), e.toString());
        }
    }

    /** Forgets which routes were warmed; for {@code shutdown()} and tests. */
    static void clear() {
        WARMED.clear();
    }
}
