package io.tenantroute.driver.internal;

/**
 * The driver's meters. Micrometer is optional at run time: {@link #create} checks once whether it is on the
 * classpath and falls back to a no-op. Meter names are constants. Thread-safe.
 */
interface Metrics extends io.tenantroute.routing.RoutingMetrics {
    /** Counter, tagged {@code target}: statements run. */
    String STATEMENTS = "tenantroute.statements";
    /** Counter: tenant-map lookups made to route a transaction. */
    String ROUTE_LOOKUPS = "tenantroute.route.lookups";
    /** Counter: route changes the driver saw (map listener). */
    String ROUTE_CHANGES = "tenantroute.route.changes";
    /** Counter: statements that named no tenant (nor had one from any source) and ran on shared, or were unparsable. */
    String INFERENCE_FALLBACKS = "tenantroute.inference.fallbacks";
    /** Timer: time statements waited for a frozen tenant. */
    String FROZEN_WAIT = "tenantroute.frozen.wait";
    /**
     * Timer, tagged {@code outcome}: time transactions of a throttled tenant waited for their turn; {@code permit}
     * when they got one, {@code timeout} when the wait ran out and they ran anyway.
     */
    String THROTTLE_WAIT = "tenantroute.throttle.wait";

    Metrics NOOP = new Metrics() { };

    default void statement(String target) {
    }

    default void routeLookup() {
    }

    default void routeChange() {
    }

    default void frozenWait(long nanos) {
    }

    default void inferenceFallback() {
    }

    /**
     * @param nanos how long a transaction of a throttled tenant waited for its turn
     * @param permitted true when it got a turn, false when the wait ran out
     */
    default void throttleWait(long nanos, boolean permitted) {
    }

    /** @return a HikariCP {@code MetricsTrackerFactory}, or null */
    default Object hikariTrackerFactory() {
        return null;
    }

    /** Whether Micrometer is on the classpath; checked once. */
    boolean MICROMETER = present("io.micrometer.core.instrument.Metrics");

    static boolean present(String cls) {
        try {
            Class.forName(cls, false, Metrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param enabled the {@code tenantroute.metrics} property
     * @param registry a {@code MeterRegistry}, or null for {@code Metrics.globalRegistry}
     * @return the meters
     */
    static Metrics create(boolean enabled, Object registry) {
        return enabled && MICROMETER ? MicrometerMetrics.create(registry) : NOOP;
    }
}
