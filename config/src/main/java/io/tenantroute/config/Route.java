package io.tenantroute.config;

import java.util.Objects;

/**
 * Where one tenant lives: its target, an optional schema on that target (schema-per-tenant on a shared
 * server), its state, and the map version at which the route last changed.
 *
 * <p>Tenants absent from the map have the {@link #implicitShared(String) implicit route} to
 * {@link Target#SHARED}, state {@link RouteState#ACTIVE}, version 0.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant id (see {@link TenantIds})
 * @param target the target name
 * @param schema the schema on the target (PostgreSQL schema / MySQL database), or null for the target's default
 * @param state the route state
 * @param version the map-wide version at which this route last changed; 0 for the implicit route
 * @param nextTarget the target a move is about to flip this route to, so routers can open connections to it in
 *     advance; null otherwise. A hint only: statements always run on {@code target}. Set by
 *     {@link TenantMapStore#compareAndSetRoute(String, long, String, String, RouteState, String)}; every other
 *     change of the target (a flip) clears it.
 */
public record Route(String tenant, String target, String schema, RouteState state, long version, String nextTarget) {
    /**
     * Validates: {@code tenant}, {@code target} and {@code state} are required; an empty {@code schema} or
     * {@code nextTarget} is taken as null.
     *
     * @throws NullPointerException when {@code tenant}, {@code target} or {@code state} is null
     */
    public Route {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
        if (schema != null && schema.isEmpty()) {
            schema = null;
        }
        if (nextTarget != null && nextTarget.isEmpty()) {
            nextTarget = null;
        }
    }

    /**
     * A route without a next target (no move about to flip it).
     *
     * @param tenant the tenant id
     * @param target the target name
     * @param schema the schema on the target, or null
     * @param state the route state
     * @param version the map-wide version at which this route last changed
     * @throws NullPointerException when {@code tenant}, {@code target} or {@code state} is null
     */
    public Route(String tenant, String target, String schema, RouteState state, long version) {
        this(tenant, target, schema, state, version, null);
    }

    /**
     * @param tenant the tenant id
     * @return the route of a tenant the map does not name: {@code shared}, active, version 0
     */
    public static Route implicitShared(String tenant) {
        return new Route(tenant, Target.SHARED, null, RouteState.ACTIVE, 0L);
    }

    /** @return true for a route the map does not hold (version 0) */
    public boolean isImplicit() {
        return version == 0L;
    }

    /**
     * @param newState the state of the copy
     * @return a copy with another state (version and next target unchanged)
     */
    public Route withState(RouteState newState) {
        return new Route(tenant, target, schema, newState, version, nextTarget);
    }
}
