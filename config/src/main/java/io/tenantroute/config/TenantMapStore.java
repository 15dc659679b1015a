package io.tenantroute.config;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The source of truth of the tenant map: targets and routes, and a map-wide version that every change
 * increments by one (monotonic, never reused).
 *
 * <p>Implementations: control tables in PostgreSQL (schema {@code tenantroute}) or MySQL/MariaDB (database
 * {@code tenantroute}), see {@link JdbcTenantMapStore}; a read-only YAML file, see {@link YamlTenantMapStore}.
 * Open them with {@link TenantMapStores}. A store is thread-safe; each call is atomic on its own. Every method
 * may block on I/O (the control database, the file).
 *
 * <p>Errors: every method throws {@link SQLException}; states of our own are {@link TenantRouteSqlState#MAP_UNAVAILABLE}
 * (TR010, transient: cannot read, control tables missing), {@link TenantRouteSqlState#MAP_REJECTED} (TR009:
 * change refused), {@link TenantRouteSqlState#MAP_CONFLICT} (TR008, transient: compare-and-set lost),
 * {@link TenantRouteSqlState#INVALID_TENANT} (TR006), {@link TenantRouteSqlState#UNKNOWN_TARGET} (TR005). Other
 * errors of the control database pass through with their own SQLState. No message holds a password.
 */
public interface TenantMapStore extends AutoCloseable {

    /**
     * @return the current map-wide version (0 for an empty map)
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    long version() throws SQLException;

    /**
     * @return every target defined in the map, by name
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    List<Target> targets() throws SQLException;

    /**
     * @param name a target name
     * @return the target of that name, if the map defines it ({@code shared} only when defined explicitly)
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    Optional<Target> target(String name) throws SQLException;

    /**
     * @return every route the map holds (tenants absent from it live on {@code shared}), by tenant
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    List<Route> routes() throws SQLException;

    /**
     * @param tenant a tenant id, compared exactly (case, accents and spaces matter)
     * @return the tenant's route, if the map holds one
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT} for an invalid id;
     *     {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    Optional<Route> route(String tenant) throws SQLException;

    /**
     * @param version a map version seen earlier
     * @return routes whose version is greater than {@code version} (changed since), by version
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    List<Route> routesChangedSince(long version) throws SQLException;

    /**
     * Adds or replaces a target.
     *
     * @param target the target; its {@code version} is ignored (the store sets it)
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} for an invalid URL;
     *     {@link TenantRouteSqlState#MAP_REJECTED} for a read-only store
     */
    long putTarget(Target target) throws SQLException;

    /**
     * Removes a target.
     *
     * @param name the target name
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#MAP_REJECTED} while a route uses it (the message says how
     *     many tenants), when it does not exist, or for a read-only store
     */
    long removeTarget(String name) throws SQLException;

    /**
     * Routes a tenant to a target (creating the route, state {@code active}, or changing target and schema
     * and keeping the state). Clears the route's {@link Route#nextTarget() next target}.
     *
     * @param tenant a tenant id
     * @param target a defined target, or {@code shared}
     * @param schema the schema on the target, or null
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the target is not defined (and is
     *     not {@code shared}); {@link TenantRouteSqlState#INVALID_TENANT}; {@link TenantRouteSqlState#MAP_REJECTED}
     *     for a read-only store
     */
    long setRoute(String tenant, String target, String schema) throws SQLException;

    /**
     * Changes a tenant's state. A tenant without a route gets one to {@code shared} with that state. Keeps the
     * route's target, schema and {@link Route#nextTarget() next target}.
     *
     * @param tenant a tenant id
     * @param state the new state
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT}; {@link TenantRouteSqlState#MAP_REJECTED}
     *     for a read-only store
     */
    long setState(String tenant, RouteState state) throws SQLException;

    /**
     * Replaces a tenant's route only if its version is still {@code expectedRouteVersion} (0: the tenant has
     * no route yet). The migrator flips a route with this so that a concurrent operator change is never
     * overwritten. Clears the route's {@link Route#nextTarget() next target} (as the six-argument form with null).
     *
     * @param tenant a tenant id
     * @param expectedRouteVersion the route's version as read before (its {@link Route#version()}), 0 for none
     * @param target a defined target, or {@code shared}
     * @param schema the schema on the target, or null
     * @param state the new state
     * @return the new map version (also the new route's version)
     * @throws SQLException {@link TenantRouteSqlState#MAP_CONFLICT} when the route changed meanwhile (nothing
     *     is written); {@link TenantRouteSqlState#UNKNOWN_TARGET}; {@link TenantRouteSqlState#INVALID_TENANT};
     *     {@link TenantRouteSqlState#MAP_REJECTED} for a read-only store
     */
    long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schema, RouteState state)
            throws SQLException;

    /**
     * As {@link #compareAndSetRoute(String, long, String, String, RouteState)}, also setting the route's
     * {@link Route#nextTarget() next target}: the target a move is about to flip the route to, so that drivers
     * open connections to it in advance (null: none). A move sets it with the route still on its source (state
     * {@code throttled} or {@code frozen}); the flip (the five-argument form, or this one with null) clears it.
     * Drivers see the change like any other route change (one map version, the usual notification).
     *
     * <p>This default implementation, for stores that cannot record a next target, ignores {@code nextTarget}
     * (it is a hint only) and calls the five-argument form; {@link JdbcTenantMapStore} records it.
     *
     * @param tenant a tenant id
     * @param expectedRouteVersion the route's version as read before (its {@link Route#version()}), 0 for none
     * @param target a defined target, or {@code shared}
     * @param schema the schema on the target, or null
     * @param state the new state
     * @param nextTarget a defined target, or {@code shared}, or null
     * @return the new map version (also the new route's version)
     * @throws SQLException {@link TenantRouteSqlState#MAP_CONFLICT} when the route changed meanwhile (nothing
     *     is written); {@link TenantRouteSqlState#UNKNOWN_TARGET} when {@code target} or {@code nextTarget} is not
     *     defined; {@link TenantRouteSqlState#INVALID_TENANT}; {@link TenantRouteSqlState#MAP_REJECTED} for a
     *     read-only store
     */
    default long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schema, RouteState state,
            String nextTarget) throws SQLException {
        return compareAndSetRoute(tenant, expectedRouteVersion, target, schema, state);
    }

    /**
     * Asks to be told when the map may have changed (PostgreSQL LISTEN/NOTIFY, or polling the version).
     * The callback runs on a store-owned daemon thread and must not block long; it may fire spuriously.
     *
     * @param onChange called with the newest version seen
     * @param pollIntervalMs how often to poll where there is no push, in milliseconds (≥ 50)
     * @return a handle that stops watching when closed
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store is closed
     */
    AutoCloseable watch(LongConsumer onChange, long pollIntervalMs) throws SQLException;

    /** @return true when this store refuses changes (a YAML file) */
    default boolean isReadOnly() {
        return false;
    }

    /**
     * Releases the store's connections and threads (watches stop). Idempotent.
     *
     * @throws SQLException when releasing fails
     */
    @Override
    void close() throws SQLException;
}
