package io.tenantroute.proxy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantroute.routing.RoutingMetrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The proxy's meters, in a Prometheus registry that {@code GET /metrics} scrapes. Micrometer names (dots) become
 * Prometheus names with underscores, counters with {@code _total}, timers in seconds: e.g.
 * {@code tenantroute_statements_total{target="ded"}}. Tags: {@code target} (bounded by the map's targets),
 * {@code protocol}, {@code sqlstate} (bounded by the SQLStates databases define), never a tenant. Thread-safe; the
 * hot-path methods look meters up in a map, never in the registry.
 */
public final class ProxyMetrics implements RoutingMetrics {
    /** Gauge, tagged {@code protocol}: client connections open now. */
    public static final String CLIENT_CONNECTIONS = "tenantroute.client.connections";
    /** Gauge, tagged {@code target}: server connections open now (idle and in use). */
    public static final String SERVER_CONNECTIONS = "tenantroute.server.connections";
    /** Counter, tagged {@code target}: transactions routed (a transaction or an autocommit statement). */
    public static final String TRANSACTIONS = "tenantroute.transactions";
    /** Counter, tagged {@code target}: statements (simple queries and Executes) sent on. */
    public static final String STATEMENTS = "tenantroute.statements";
    /** Counter: route changes the proxy's map applied. */
    public static final String ROUTE_CHANGES = "tenantroute.route.changes";
    /** Counter: tenant-map lookups made to route a transaction. */
    public static final String ROUTE_LOOKUPS = "tenantroute.route.lookups";
    /** Counter: statements retried on a new route after a source fence (TR003), invisibly to the client. */
    public static final String FENCE_RETRIES = "tenantroute.fence.retries";
    /** Timer: time transactions waited for a frozen tenant. */
    public static final String FROZEN_WAIT = "tenantroute.frozen.wait";
    /** Timer, tagged {@code outcome} ({@code permit}, {@code timeout}): waits for a throttled tenant's turn. */
    public static final String THROTTLE_WAIT = "tenantroute.throttle.wait";
    /** Timer, tagged {@code target}: time transactions waited for a server connection. */
    public static final String POOL_WAIT = "tenantroute.pool.wait";
    /** Counter, tagged {@code sqlstate}: errors the proxy sent to clients (its own and the servers'). */
    public static final String ERRORS = "tenantroute.errors";
    /** Gauge: client sessions pinned to their server connection (LISTEN, advisory locks, temp tables…). */
    public static final String PINNED_SESSIONS = "tenantroute.pinned.sessions";
    /** Counter, tagged {@code reason}: sessions that became pinned. */
    public static final String PINS = "tenantroute.pins";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, AtomicInteger> clientConnections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> serverConnections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> transactions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> statements = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> poolWaits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> pins = new ConcurrentHashMap<>();
    private final AtomicInteger pinned = new AtomicInteger();
    private final Counter routeChanges = registry.counter(ROUTE_CHANGES);
    private final Counter routeLookups = registry.counter(ROUTE_LOOKUPS);
    private final Counter fenceRetries = registry.counter(FENCE_RETRIES);
    private final Timer frozenWait = registry.timer(FROZEN_WAIT);
    private final Timer throttlePermit = registry.timer(THROTTLE_WAIT, "outcome", "permit");
    private final Timer throttleTimeout = registry.timer(THROTTLE_WAIT, "outcome", "timeout");

    /** Registers the meters that exist from the start. */
    public ProxyMetrics() {
        Gauge.builder(PINNED_SESSIONS, pinned, AtomicInteger::get).register(registry);
    }

    /** @return the registry (for {@code /metrics} and tests) */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private <T> T meter(ConcurrentHashMap<String, T> cache, String key, Function<String, T> make) {
        T m = cache.get(key);
        return m != null ? m : cache.computeIfAbsent(key, make);
    }

    private AtomicInteger gauge(ConcurrentHashMap<String, AtomicInteger> cache, String name, String tag, String value) {
        return meter(cache, value, v -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder(name, n, AtomicInteger::get).tag(tag, v).register(registry);
            return n;
        });
    }

    /** @param protocol {@code postgresql} or {@code mysql} @param delta +1 on open, -1 on close */
    public void clientConnections(String protocol, int delta) {
        gauge(clientConnections, CLIENT_CONNECTIONS, "protocol", protocol).addAndGet(delta);
    }

    /** @param target a target name @param delta +1 on open, -1 on close */
    public void serverConnections(String target, int delta) {
        gauge(serverConnections, SERVER_CONNECTIONS, "target", target).addAndGet(delta);
    }

    /** @param target where a transaction was routed */
    public void transaction(String target) {
        meter(transactions, target, t -> registry.counter(TRANSACTIONS, "target", t)).increment();
    }

    /** @param target where a statement ran */
    public void statement(String target) {
        meter(statements, target, t -> registry.counter(STATEMENTS, "target", t)).increment();
    }

    /** A route change the map applied. */
    public void routeChange() {
        routeChanges.increment();
    }

    /** A statement retried invisibly after a fence. */
    public void fenceRetry() {
        fenceRetries.increment();
    }

    /** @param target the pool's target @param nanos how long a transaction waited for a server connection */
    public void poolWait(String target, long nanos) {
        meter(poolWaits, target, t -> registry.timer(POOL_WAIT, "target", t)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @param sqlState the SQLState of an error sent to a client (null counts as {@code XX000}) */
    public void error(String sqlState) {
        String s = sqlState == null || sqlState.length() != 5 ? "XX000" : sqlState;
        meter(errors, s, v -> registry.counter(ERRORS, "sqlstate", v)).increment();
    }

    /** @param reason why a session became pinned, e.g. {@code listen} */
    public void pinned(String reason) {
        pinned.incrementAndGet();
        meter(pins, reason, r -> registry.counter(PINS, "reason", r)).increment();
    }

    /** A pinned session ended. */
    public void unpinned() {
        pinned.decrementAndGet();
    }

    @Override
    public void routeLookup() {
        routeLookups.increment();
    }

    @Override
    public void frozenWait(long nanos) {
        frozenWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void throttleWait(long nanos, boolean permitted) {
        (permitted ? throttlePermit : throttleTimeout).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** @return the Prometheus text exposition of every meter */
    public String scrape() {
        return registry.scrape();
    }
}
