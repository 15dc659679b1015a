package io.tenantroute.driver.internal;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The routing decision: a tenant → its usable route (suspended refused, frozen waited for; throttled returned
 * as it is, the caller takes a turn from {@link #throttle()}), and a route → its target definition. A route
 * naming a next target is handed to the next-target hook (pool warming) as soon as it is read, frozen or not.
 * Free of JDBC wrapper code. Thread-safe; {@link #route} blocks up to the frozen wait.
 */
final class Router {
    /** How often a waiting statement re-reads the route, in milliseconds. */
    private static final long FROZEN_POLL_MS = 5;
    /**
     * A frozen wait reads the store itself at most this often per map, in milliseconds (also with watching off): the
     * flip reaches a waiting statement within this, not the MySQL polling interval (250 ms), so it adds to the pause.
     * One read per map (concurrent refreshes share it, see {@code CachedTenantMap#refresh}) every 5 ms, only while a
     * tenant is frozen: about 20 reads of the control database per JVM for a 100 ms cutover. At 20 ms the flip
     * reached waiting writers 2-20 ms late on MariaDB (docs/benchmarks.md).
     */
    private static final long FROZEN_REFRESH_MS = 5;
    /** Per map: when a frozen wait last read the store itself (epoch ms), so that many waiters cause one read. */
    private static final java.util.Map<TenantMap, AtomicLong> LAST_FROZEN_REFRESH =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final TenantMap map;
    private final long frozenWaitMs;
    private final Metrics metrics;
    private final Consumer<Route> onNextTarget;
    private final Throttle throttle;

    Router(TenantMap map, long frozenWaitMs, Metrics metrics) {
        this(map, frozenWaitMs, metrics, r -> { });
    }

    /**
     * @param onNextTarget called (on the routing thread: must not block) with every route read whose next target is
     *     set, before any frozen wait
     */
    Router(TenantMap map, long frozenWaitMs, Metrics metrics, Consumer<Route> onNextTarget) {
        this.map = map;
        this.frozenWaitMs = frozenWaitMs;
        this.metrics = metrics;
        this.onNextTarget = onNextTarget;
        this.throttle = Throttle.of(map);
    }

    TenantMap map() {
        return map;
    }

    /** @return the turns of this map's throttled tenants (shared by every router of the map) */
    Throttle throttle() {
        return throttle;
    }

    private Route read(String tenant) throws SQLException {
        metrics.routeLookup();
        Route r = map.route(tenant);
        if (r.nextTarget() != null) {
            try {
                onNextTarget.accept(r);
            } catch (RuntimeException e) {
                // warming is an optimisation: never let it fail a statement
            }
        }
        return r;
    }

    /**
     * @param tenant a valid tenant id, or null for none
     * @return the route to use, active or throttled; for no tenant the implicit shared route of tenant "" (never looked up)
     * @throws SQLException {@link TenantRouteSqlState#TENANT_SUSPENDED} (non-transient) for a suspended tenant;
     *     {@link TenantRouteSqlState#TENANT_FROZEN_TIMEOUT} (transient) when it stays frozen longer than the wait;
     *     {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the map cannot be read
     */
    Route route(String tenant) throws SQLException {
        if (tenant == null) {
            return Route.implicitShared("");
        }
        Route r = read(tenant);
        if (r.state() == RouteState.FROZEN) {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(frozenWaitMs);
            try {
                while (r.state() == RouteState.FROZEN) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.exception("tenant '" + tenant + "' stayed frozen (target '"
                                + r.target() + "') longer than " + frozenWaitMs + " ms; retry later");
                    }
                    try {
                        Thread.sleep(Math.min(FROZEN_POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.exception("interrupted while tenant '" + tenant + "' is frozen", e);
                    }
                    long now = System.currentTimeMillis();
                    AtomicLong lastRefresh = LAST_FROZEN_REFRESH.computeIfAbsent(map, m -> new AtomicLong());
                    long last = lastRefresh.get();
                    if (now - last >= FROZEN_REFRESH_MS && lastRefresh.compareAndSet(last, now)) {
                        map.refresh();
                    }
                    r = read(tenant);
                }
            } finally {
                metrics.frozenWait(System.nanoTime() - start);
            }
        }
        if (r.state() == RouteState.SUSPENDED) {
            throw TenantRouteSqlState.TENANT_SUSPENDED.exception("tenant '" + tenant + "' is suspended (target '" + r.target()
                    + "'); statements are refused until it is resumed");
        }
        return r;
    }

    /**
     * @param route a route
     * @return the target definition, or null for the implicit {@code shared} target (the driver URL's database)
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the route names a target the map lacks
     */
    Target target(Route route) throws SQLException {
        Target t = map.target(route.target());
        if (t == null && !Target.SHARED.equals(route.target())) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("tenant '" + route.tenant() + "' is routed to target '"
                    + route.target() + "', which the tenant map does not define");
        }
        return t;
    }
}
