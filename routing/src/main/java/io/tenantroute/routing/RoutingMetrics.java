package io.tenantroute.routing;

/**
 * What the routing core reports while it decides, for the front end's meters (the driver's Micrometer meters, the
 * proxy's Prometheus registry). Every method has a no-op default. Implementations must be thread-safe and must not
 * block: they are called on routing threads, including the proxy's event loops.
 */
public interface RoutingMetrics {
    /** Reports nothing. */
    RoutingMetrics NOOP = new RoutingMetrics() { };

    /** One tenant-map lookup made to route a transaction (a cache hit or a store read). */
    default void routeLookup() {
    }

    /**
     * A transaction waited for a frozen tenant.
     *
     * @param nanos how long it waited, in nanoseconds, whatever the outcome (ran, or {@code TR002})
     */
    default void frozenWait(long nanos) {
    }

    /**
     * A transaction of a throttled tenant waited for its turn.
     *
     * @param nanos how long it waited, in nanoseconds
     * @param permitted true when it got a turn, false when the wait ran out (or the route changed) and it ran without one
     */
    default void throttleWait(long nanos, boolean permitted) {
    }
}
