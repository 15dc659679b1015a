package io.tenantroute.driver;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A tenant map for driver tests until config's JDBC store and cache are merged: a "store" (what an operator
 * wrote) and the applied view the driver reads. Watching: every change applies at once; stale
 * ({@code tenantroute.map-refresh-ms=0}): changes apply only on {@link #refresh()}, as after a missed
 * notification. Thread-safe.
 */
public final class TestTenantMap implements TenantMap {
    private final boolean watching;
    private final Map<String, Route> store = new ConcurrentHashMap<>();
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private volatile Map<String, Route> applied = Map.of();
    private final AtomicLong version = new AtomicLong();
    private final List<Consumer<Route>> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger frozenReads = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();

    public TestTenantMap(boolean watching) {
        this.watching = watching;
    }

    public synchronized void target(String name, String jdbcUrl) {
        targets.put(name, new Target(name, jdbcUrl, null, null, version.incrementAndGet()));
    }

    public synchronized void route(String tenant, String target, String schema, RouteState state) {
        routeWithNext(tenant, target, state, schema, null);
    }

    /** A route with a {@link Route#nextTarget() next target} (a move about to flip it there), or null for none. */
    public synchronized void routeWithNext(String tenant, String target, RouteState state, String schema, String nextTarget) {
        Route r = new Route(tenant, target, schema, state, version.incrementAndGet(), nextTarget);
        store.put(tenant, r);
        if (watching) {
            apply();
            listeners.forEach(l -> l.accept(r));
        }
    }

    void route(String tenant, String target) {
        route(tenant, target, null, RouteState.ACTIVE);
    }

    private synchronized void apply() {
        applied = Map.copyOf(store);
    }

    @Override
    public Route route(String tenant) {
        Route r = applied.get(tenant);
        r = r == null ? Route.implicitShared(tenant) : r;
        if (r.state() == RouteState.FROZEN) {
            frozenReads.incrementAndGet();
        }
        return r;
    }

    @Override
    public Target target(String name) {
        return targets.get(name);
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public long refresh() throws SQLException {
        refreshes.incrementAndGet();
        apply();
        return version.get();
    }

    @Override
    public AutoCloseable addListener(Consumer<Route> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
    }
}
