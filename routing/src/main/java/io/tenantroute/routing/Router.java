package io.tenantroute.routing;

import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing decision's state rules, shared by the JDBC driver and the wire proxy: a tenant → its usable route
 * (suspended refused, frozen waited for, throttled admitted one turn at a time), and a route → its target definition.
 * A route naming a next target is handed to the next-target hook (connection warming) as soon as it is read, frozen
 * or not. Free of JDBC plumbing and of any pool.
 *
 * <p>Two kinds of router:
 * <ul>
 *   <li><b>blocking</b> ({@link #blocking}, the driver): reads a route missing from the map's cache from the store,
 *       waits on the calling thread ({@link #route}, {@link #admit});</li>
 *   <li><b>non-blocking</b> ({@link #nonBlocking}, the proxy's event loops): never blocks. A route missing from the
 *       cache throws {@link RouteNotCachedException}: the caller runs {@link #load(String)} on a thread that may block
 *       and asks again. Waits are steps of an {@link AdmissionAttempt} the caller re-polls after
 *       {@link AdmissionAttempt#waitNanos()}; the map re-reads that a frozen wait asks for run on the given executor.</li>
 * </ul>
 *
 * <p>Thread-safe. One router per front end and tenant map; many threads (or event loops) share it.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** How often a frozen wait re-reads the route, in milliseconds. */
    static final long FROZEN_POLL_MS = 5;
    /**
     * A frozen wait reads the store itself at most this often per map, in milliseconds (also with watching off): the
     * flip reaches a waiting statement within this, not the MySQL polling interval (250 ms), so it adds to the pause.
     * One read per map (concurrent refreshes share it, see {@code CachedTenantMap#refresh}) every 5 ms, only while a
     * tenant is frozen: about 20 reads of the control database per process for a 100 ms cutover. At 20 ms the flip
     * reached waiting writers 2-20 ms late on MariaDB (docs/benchmarks.md).
     */
    static final long FROZEN_REFRESH_MS = 5;
    /** How often a transaction waiting for a throttle turn checks whether its route is still throttled, in milliseconds. */
    static final long THROTTLE_RECHECK_MS = 5;
    /** Per map: when a frozen wait last read the store itself (epoch ms), so that many waiters cause one read. */
    private static final java.util.Map<TenantMap, AtomicLong> LAST_FROZEN_REFRESH =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final TenantMap map;
    private final long frozenWaitMs;
    private final RoutingMetrics metrics;
    private final Consumer<Route> onNextTarget;
    private final Throttle throttle;
    /** Null for a blocking router; else where a frozen wait's map re-reads run. */
    private final Executor refreshExecutor;
    private final AtomicBoolean refreshRunning = new AtomicBoolean();

    private Router(TenantMap map, long frozenWaitMs, RoutingMetrics metrics, Consumer<Route> onNextTarget, Executor refreshExecutor) {
        if (frozenWaitMs < 0) {
            throw new IllegalArgumentException("frozenWaitMs must be ≥ 0, was " + frozenWaitMs);
        }
        this.map = Objects.requireNonNull(map, "map");
        this.frozenWaitMs = frozenWaitMs;
        this.metrics = metrics == null ? RoutingMetrics.NOOP : metrics;
        this.onNextTarget = onNextTarget == null ? r -> { } : onNextTarget;
        this.throttle = Throttle.of(map);
        this.refreshExecutor = refreshExecutor;
    }

    /**
     * A router that may block the calling thread (a store read on a cache miss, a frozen wait, a throttle wait).
     *
     * @param map the tenant map
     * @param frozenWaitMs how long a transaction waits for a frozen tenant at most, in milliseconds (≥ 0)
     * @param metrics where waits and lookups are reported; null for none
     * @param onNextTarget called (on the routing thread; must not block) with every route read whose next target is
     *     set, before any frozen wait; null for none
     * @return the router
     * @throws IllegalArgumentException for a negative {@code frozenWaitMs}
     */
    public static Router blocking(TenantMap map, long frozenWaitMs, RoutingMetrics metrics, Consumer<Route> onNextTarget) {
        return new Router(map, frozenWaitMs, metrics, onNextTarget, null);
    }

    /**
     * A router that never blocks the calling thread (see the class comment).
     *
     * @param map the tenant map
     * @param frozenWaitMs as for {@link #blocking}
     * @param metrics as for {@link #blocking}
     * @param onNextTarget as for {@link #blocking}
     * @param refreshExecutor runs the map re-reads ({@link TenantMap#refresh()}, which blocks) that frozen waits ask for;
     *     at most one at a time per router
     * @return the router
     */
    public static Router nonBlocking(TenantMap map, long frozenWaitMs, RoutingMetrics metrics, Consumer<Route> onNextTarget,
            Executor refreshExecutor) {
        return new Router(map, frozenWaitMs, metrics, onNextTarget, Objects.requireNonNull(refreshExecutor, "refreshExecutor"));
    }

    /** @return the tenant map this router reads */
    public TenantMap map() {
        return map;
    }

    /** @return the turns of this map's throttled tenants (shared by every router of the map) */
    public Throttle throttle() {
        return throttle;
    }

    /** @return true when this router never blocks (see {@link #nonBlocking}) */
    public boolean isNonBlocking() {
        return refreshExecutor != null;
    }

    /** @return the longest frozen wait, in milliseconds */
    public long frozenWaitMs() {
        return frozenWaitMs;
    }

    /**
     * The tenant's route as the map holds it now, whatever its state.
     *
     * @param tenant a valid tenant id
     * @return the route
     * @throws RouteNotCachedException (non-blocking router) when the route is not in memory: {@link #load} it, then ask again
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} (blocking router) when the store cannot be read
     */
    public Route read(String tenant) throws SQLException {
        metrics.routeLookup();
        Route r;
        if (refreshExecutor == null) {
            r = map.route(tenant);
        } else {
            r = map.cachedRoute(tenant);
            if (r == null) {
                throw new RouteNotCachedException(tenant);
            }
        }
        if (r.nextTarget() != null) {
            try {
                onNextTarget.accept(r);
            } catch (RuntimeException e) {
                LOG.debug("warming connections to the next target of tenant '{}' failed: {}", tenant, e.toString());
            }
        }
        return r;
    }

    /**
     * Reads a route into the map's cache; blocks for one store read at most. For the callers of a non-blocking router,
     * after a {@link RouteNotCachedException}, on a thread that may block.
     *
     * @param tenant a valid tenant id
     * @return the route read
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    public Route load(String tenant) throws SQLException {
        return map.route(tenant);
    }

    /**
     * Starts routing one transaction of {@code tenant}: the caller drives the returned attempt to
     * {@link AdmissionAttempt.Step#READY}. Never blocks.
     *
     * @param tenant a valid tenant id, or null for none (the implicit shared route, never looked up)
     * @param throttlePermits how many of a throttled tenant's transactions may run at once per map (≥ 1), or 0 to take no
     *     turn (a throttled route is then admitted at once)
     * @param throttleWaitMs how long to wait for a turn at most, in milliseconds (≥ 0), then run without one
     * @return the attempt, used by one thread (or event loop) at a time
     */
    public AdmissionAttempt attempt(String tenant, int throttlePermits, long throttleWaitMs) {
        return new AdmissionAttempt(this, tenant, throttlePermits, throttleWaitMs);
    }

    /**
     * Routes one transaction of {@code tenant} on the calling thread, blocking for a store read on a cache miss, a
     * frozen wait and a throttle wait. A blocking router only.
     *
     * @param tenant a valid tenant id, or null for none
     * @param throttlePermits as for {@link #attempt}
     * @param throttleWaitMs as for {@link #attempt}
     * @return the route to use and the throttle turn taken (release it when the transaction's connection goes back)
     * @throws SQLException {@link TenantRouteSqlState#TENANT_SUSPENDED} (non-transient) for a suspended tenant;
     *     {@link TenantRouteSqlState#TENANT_FROZEN_TIMEOUT} (transient) when it stays frozen longer than the frozen wait
     *     or the thread is interrupted while it waits; {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the map cannot
     *     be read
     * @throws IllegalStateException on a non-blocking router
     */
    public Admission admit(String tenant, int throttlePermits, long throttleWaitMs) throws SQLException {
        if (refreshExecutor != null) {
            throw new IllegalStateException("admit() blocks: use attempt() on a non-blocking router");
        }
        AdmissionAttempt a = attempt(tenant, throttlePermits, throttleWaitMs);
        try {
            while (a.poll() != AdmissionAttempt.Step.READY) {
                a.awaitBlocking();
            }
            return a.admission();
        } catch (SQLException | RuntimeException e) {
            a.cancel();
            throw e;
        }
    }

    /**
     * The route to use for {@code tenant}, taking no throttle turn (for checks such as "does this tenant live on the
     * transaction's target"). Blocks as {@link #admit} does. A blocking router only.
     *
     * @param tenant a valid tenant id, or null for none
     * @return the route, active or throttled; for no tenant the implicit shared route of tenant ""
     * @throws SQLException as for {@link #admit}
     */
    public Route route(String tenant) throws SQLException {
        return admit(tenant, 0, 0).route();
    }

    /**
     * @param route a route
     * @return the target definition, or null for the implicit {@code shared} target (the front end's own database)
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the route names a target the map lacks
     */
    public Target target(Route route) throws SQLException {
        Target t = map.target(route.target());
        if (t == null && !Target.SHARED.equals(route.target())) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("tenant '" + route.tenant() + "' is routed to target '"
                    + route.target() + "', which the tenant map does not define");
        }
        return t;
    }

    RoutingMetrics metrics() {
        return metrics;
    }

    /**
     * A frozen wait asks the store for news at most every {@link #FROZEN_REFRESH_MS} per map: blocking routers read it
     * on the calling thread, non-blocking ones on their executor (one read at a time; waiters re-read the cache).
     */
    void refreshWhileFrozen() throws SQLException {
        long now = System.currentTimeMillis();
        AtomicLong lastRefresh = LAST_FROZEN_REFRESH.computeIfAbsent(map, m -> new AtomicLong());
        long last = lastRefresh.get();
        if (now - last < FROZEN_REFRESH_MS || !lastRefresh.compareAndSet(last, now)) {
            return;
        }
        if (refreshExecutor == null) {
            map.refresh();
            return;
        }
        if (!refreshRunning.compareAndSet(false, true)) {
            return;
        }
        try {
            refreshExecutor.execute(() -> {
                try {
                    map.refresh();
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("re-reading the tenant map during a frozen wait failed: {}", e.toString());
                } finally {
                    refreshRunning.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshRunning.set(false);
        }
    }
}
