package io.tenantroute.migrator;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * The tenant map held in memory, with the store's contract (monotonic version, compare-and-set), so the
 * migrator's tests do not depend on the config module's JDBC store being finished. The databases the
 * tenants live on are real.
 */
final class MemoryTenantMapStore implements TenantMapStore {
    private final Map<String, Target> targets = new TreeMap<>();
    private final Map<String, Route> routes = new TreeMap<>();
    private long version;

    @Override
    public synchronized long version() {
        return version;
    }

    @Override
    public synchronized List<Target> targets() {
        return new ArrayList<>(targets.values());
    }

    @Override
    public synchronized Optional<Target> target(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    @Override
    public synchronized List<Route> routes() {
        return new ArrayList<>(routes.values());
    }

    @Override
    public synchronized Optional<Route> route(String tenant) {
        return Optional.ofNullable(routes.get(tenant));
    }

    @Override
    public synchronized List<Route> routesChangedSince(long v) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes.values()) {
            if (r.version() > v) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public synchronized long putTarget(Target t) {
        version++;
        targets.put(t.name(), new Target(t.name(), t.jdbcUrl(), t.user(), t.passwordRef(), version));
        return version;
    }

    @Override
    public synchronized long removeTarget(String name) throws SQLException {
        if (targets.remove(name) == null) {
            throw TenantRouteSqlState.MAP_REJECTED.exception("no target " + name);
        }
        return ++version;
    }

    @Override
    public synchronized long setRoute(String tenant, String target, String schema) {
        Route old = routes.get(tenant);
        version++;
        routes.put(tenant, new Route(tenant, target, schema, old == null ? RouteState.ACTIVE : old.state(), version));
        return version;
    }

    @Override
    public synchronized long setState(String tenant, RouteState state) {
        Route old = routes.getOrDefault(tenant, Route.implicitShared(tenant));
        version++;
        routes.put(tenant, new Route(tenant, old.target(), old.schema(), state, version, old.nextTarget()));
        return version;
    }

    @Override
    public synchronized long compareAndSetRoute(String tenant, long expected, String target, String schema, RouteState state)
            throws SQLException {
        return compareAndSetRoute(tenant, expected, target, schema, state, null);
    }

    @Override
    public synchronized long compareAndSetRoute(String tenant, long expected, String target, String schema, RouteState state, String nextTarget)
            throws SQLException {
        Route old = routes.get(tenant);
        long have = old == null ? 0 : old.version();
        if (have != expected) {
            throw TenantRouteSqlState.MAP_CONFLICT.exception("route of " + tenant + " changed: version " + have + ", expected " + expected);
        }
        version++;
        routes.put(tenant, new Route(tenant, target, schema, state, version, nextTarget));
        return version;
    }

    @Override
    public AutoCloseable watch(LongConsumer onChange, long pollIntervalMs) {
        return () -> { };
    }

    @Override
    public void close() {
    }
}
