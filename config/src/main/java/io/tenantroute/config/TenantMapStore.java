package io.tenantroute.config;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The source of truth of the tenant map: targets and routes, and a map-wide version that every change
 * increments by one (monotonic, never reused).
 *
 * <p>Implementations: control tables in PostgreSQL (schema {@code tenantroute}) or MySQL/MariaDB (database
 * {@code tenantroute}), see {@code JdbcTenantMapStore}; a read-only YAML file, see {@code YamlTenantMapStore}.
 * A store is thread-safe; each call is atomic on its own. Reads may block on I/O.
 *
 * <p>Errors: every method throws {@link SQLException}; states of our own are {@link TenantRouteSqlState#MAP_UNAVAILABLE}
 * (cannot read), {@link TenantRouteSqlState#MAP_REJECTED} (change refused), {@link TenantRouteSqlState#MAP_CONFLICT}
 * (compare-and-set lost), {@link TenantRouteSqlState#INVALID_TENANT}, {@link TenantRouteSqlState#UNKNOWN_TARGET}.
 */
public interface TenantMapStore extends AutoCloseable {

    /** @return the current map-wide version (0 for an empty map) */
    long version() throws SQLException;

    /** @return every target defined in the map, by name */
    List<Target> targets() throws SQLException;

    /** @return the target of that name, if the map defines it */
    Optional<Target> target(String name) throws SQLException;

    /** @return every route the map holds (tenants absent from it live on {@code shared}), by tenant */
    List<Route> routes() throws SQLException;

    /** @return the tenant's route, if the map holds one */
    Optional<Route> route(String tenant) throws SQLException;

    /**
     * @param version a map version seen earlier
     * @return routes whose version is greater than {@code version} (changed since), by version
     */
    List<Route> routesChangedSince(long version) throws SQLException;

    /**
     * Adds or replaces a target.
     *
     * @return the new map version
     */
    long putTarget(Target target) throws SQLException;

    /**
     * Removes a target.
     *
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#MAP_REJECTED} while a route uses it, or when it does not exist
     */
    long removeTarget(String name) throws SQLException;

    /**
     * Routes a tenant to a target (creating the route, state {@code active}, or changing target and schema
     * and keeping the state).
     *
     * @param schema the schema on the target, or null
     * @return the new map version
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the target is not defined (and is
     *     not {@code shared}); {@link TenantRouteSqlState#INVALID_TENANT}
     */
    long setRoute(String tenant, String target, String schema) throws SQLException;

    /**
     * Changes a tenant's state. A tenant without a route gets one to {@code shared} with that state.
     *
     * @return the new map version
     */
    long setState(String tenant, RouteState state) throws SQLException;

    /**
     * Replaces a tenant's route only if its version is still {@code expectedRouteVersion} (0: the tenant has
     * no route yet). The migrator flips a route with this so that a concurrent operator change is never
     * overwritten.
     *
     * @return the new map version (also the new route's version)
     * @throws SQLException {@link TenantRouteSqlState#MAP_CONFLICT} when the route changed meanwhile
     */
    long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schema, RouteState state)
            throws SQLException;

    /**
     * Asks to be told when the map may have changed (PostgreSQL LISTEN/NOTIFY, or polling the version).
     * The callback runs on a store-owned daemon thread and must not block long; it may fire spuriously.
     *
     * @param onChange called with the newest version seen
     * @param pollIntervalMs how often to poll where there is no push, in milliseconds (≥ 50)
     * @return a handle that stops watching when closed
     */
    AutoCloseable watch(java.util.function.LongConsumer onChange, long pollIntervalMs) throws SQLException;

    /** @return true when this store refuses changes (a YAML file) */
    default boolean isReadOnly() {
        return false;
    }

    /** Releases the store's connections and threads. */
    @Override
    void close() throws SQLException;
}
