package io.tenantroute.config;

import java.sql.SQLException;

/**
 * The live, cached read side of the tenant map, one per JVM and store, used on every routed transaction.
 *
 * <p>{@link #route(String)} answers from memory in the common case (a Caffeine cache); a change in the store
 * reaches it within about one second (push or poll). No correctness depends on that delay: a tenant being
 * moved is fenced on its source database, and {@link #refresh()} reads the store at once when the driver
 * meets the fence.
 *
 * <p>Thread-safe; {@link #route(String)} may block on a cache miss (one indexed read of the store).
 */
public interface TenantMap extends AutoCloseable {

    /**
     * @param tenant a valid tenant id
     * @return the tenant's route; the {@link Route#implicitShared(String) implicit shared route} when the map
     *     holds none
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read and
     *     nothing is cached
     */
    Route route(String tenant) throws SQLException;

    /**
     * The route {@link #route(String)} would answer without reading the store, for callers that must not block
     * (the wire proxy's event loops): they read a missing route with {@link #route(String)} on a thread that may
     * block, then ask again.
     *
     * @param tenant a tenant id
     * @return the route held in memory, or null when {@link #route(String)} would read the store (the default:
     *     an implementation that keeps nothing in memory). Never blocks, never throws for an invalid id (null).
     */
    default Route cachedRoute(String tenant) {
        return null;
    }

    /**
     * @param name a target name
     * @return the target, or null when the map does not define it (callers treat {@link Target#SHARED} specially)
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when an implementation must read the
     *     store and cannot ({@link CachedTenantMap} never does: it holds every target in memory)
     */
    Target target(String name) throws SQLException;

    /** @return the newest map version this view has applied */
    long version();

    /**
     * Reads the store now and applies every change since {@link #version()}; returns when applied.
     *
     * @return the version applied
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read (the view
     *     keeps what it had)
     */
    long refresh() throws SQLException;

    /**
     * @param listener told (on a background thread) of every route that changed, after it is applied
     * @return a handle that removes the listener when closed
     */
    AutoCloseable addListener(java.util.function.Consumer<Route> listener);

    /**
     * Stops watching the store and releases this view's threads.
     *
     * @throws SQLException when releasing fails
     */
    @Override
    void close() throws SQLException;
}
