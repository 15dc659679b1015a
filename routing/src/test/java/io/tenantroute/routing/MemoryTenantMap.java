package io.tenantroute.routing;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A tenant map held in memory, for the routing core's tests (the core is tested without a database; the front ends'
 * tests use the real control tables). A route counts as cached once {@link #route(String)} read it, like
 * {@code CachedTenantMap}'s bounded cache; {@link #forget} drops it. Changes apply at once. Thread-safe.
 */
final class MemoryTenantMap implements TenantMap {
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, Boolean> cached = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private final List<Consumer<Route>> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger storeReads = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();

    MemoryTenantMap withTarget(String name) {
        targets.put(name, new Target(name, "jdbc:postgresql://db/" + name, null, null, version.incrementAndGet()));
        return this;
    }

    MemoryTenantMap route(String tenant, String target, RouteState state) {
        return route(tenant, target, null, state, null);
    }

    MemoryTenantMap route(String tenant, String target, String schema, RouteState state, String nextTarget) {
        Route r = new Route(tenant, target, schema, state, version.incrementAndGet(), nextTarget);
        routes.put(tenant, r);
        listeners.forEach(l -> l.accept(r));
        return this;
    }

    void forget(String tenant) {
        cached.remove(tenant);
    }

    @Override
    public Route route(String tenant) {
        storeReads.incrementAndGet();
        cached.put(tenant, Boolean.TRUE);
        return current(tenant);
    }

    private Route current(String tenant) {
        Route r = routes.get(tenant);
        return r == null ? Route.implicitShared(tenant) : r;
    }

    @Override
    public Route cachedRoute(String tenant) {
        return cached.containsKey(tenant) ? current(tenant) : null;
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
    public long refresh() {
        refreshes.incrementAndGet();
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
