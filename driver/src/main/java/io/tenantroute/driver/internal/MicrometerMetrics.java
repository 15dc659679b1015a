package io.tenantroute.driver.internal;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@link Metrics} on a Micrometer registry. Loaded only when Micrometer is present. Thread-safe. */
final class MicrometerMetrics implements Metrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> statements = new ConcurrentHashMap<>();
    private final Counter lookups;
    private final Counter changes;
    private final Timer frozen;
    private final Timer throttlePermit;
    private final Timer throttleTimeout;
    private final Counter fallbacks;

    private MicrometerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lookups = Counter.builder(ROUTE_LOOKUPS).description("tenant map lookups to route a transaction").register(registry);
        this.changes = Counter.builder(ROUTE_CHANGES).description("route changes seen").register(registry);
        this.fallbacks = Counter.builder(INFERENCE_FALLBACKS)
                .description("statements that named no tenant and ran on shared (routing audit), or could not be parsed")
                .register(registry);
        this.frozen = Timer.builder(FROZEN_WAIT).description("time statements waited for a frozen tenant").register(registry);
        this.throttlePermit = Timer.builder(THROTTLE_WAIT).description("time transactions of a throttled tenant waited for their turn")
                .tag("outcome", "permit").register(registry);
        this.throttleTimeout = Timer.builder(THROTTLE_WAIT).description("time transactions of a throttled tenant waited for their turn")
                .tag("outcome", "timeout").register(registry);
    }

    static Metrics create(Object registry) {
        return new MicrometerMetrics(registry == null ? io.micrometer.core.instrument.Metrics.globalRegistry : (MeterRegistry) registry);
    }

    @Override
    public void statement(String target) {
        statements.computeIfAbsent(target, t -> Counter.builder(STATEMENTS).description("statements run, by target")
                .tag("target", t).register(registry)).increment();
    }

    @Override
    public void routeLookup() {
        lookups.increment();
    }

    @Override
    public void routeChange() {
        changes.increment();
    }

    @Override
    public void frozenWait(long nanos) {
        frozen.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void inferenceFallback() {
        fallbacks.increment();
    }

    @Override
    public void throttleWait(long nanos, boolean permitted) {
        (permitted ? throttlePermit : throttleTimeout).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public Object hikariTrackerFactory() {
        return new MicrometerMetricsTrackerFactory(registry);
    }
}
