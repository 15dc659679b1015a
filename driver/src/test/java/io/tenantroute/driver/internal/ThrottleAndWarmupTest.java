package io.tenantroute.driver.internal;

import io.tenantroute.routing.Throttle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.tenantroute.config.RouteState;

import io.tenantroute.driver.TenantContext;
import io.tenantroute.driver.TenantRouteConnection;
import io.tenantroute.driver.TenantRouteDriver;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import java.util.Properties;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code throttled} route limits how many of the tenant's transactions run at once (per tenant map), softly, and
 * never leaks a turn; a route with a next target makes the driver open connections in the next target's pool.
 * Real databases: {@code shared} (the driver URL's), targets {@code a} and {@code b}. Concurrency is observed at the
 * database (sessions running the probe statement) and in the app; nothing asserts a duration.
 */
class ThrottleAndWarmupTest {
    private static final long BOUND_MS = 10_000;

    private TestDatabase shared;
    private TestDatabase a;
    private TestDatabase b;
    private io.tenantroute.driver.TestTenantMap map;
    private SimpleMeterRegistry registry;

    private void setUp(Engine engine) throws SQLException {
        TestServer server = TestDatabases.server(engine);
        shared = server.createDatabase("thr_shared");
        a = server.createDatabase("thr_a");
        b = server.createDatabase("thr_b");
        map = new io.tenantroute.driver.TestTenantMap(true);
        map.target("a", a.url());
        map.target("b", b.url());
        TenantMaps.install(shared.url(), 250, map);
    }

    @BeforeEach
    void meters() {
        registry = new SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.globalRegistry.add(registry);
    }

    @AfterEach
    void tearDown() throws SQLException {
        io.micrometer.core.instrument.Metrics.globalRegistry.remove(registry);
        TenantRouteDriver.shutdown();
        for (TestDatabase d : new TestDatabase[] {shared, a, b}) {
            if (d != null) {
                d.close();
            }
        }
    }

    private Properties props(int poolSize, int concurrency, long waitMs) {
        Properties p = new Properties();
        p.setProperty("tenantroute.pool-size", Integer.toString(poolSize));
        p.setProperty("tenantroute.map-refresh-ms", "250");
        p.setProperty("tenantroute.throttle-concurrency", Integer.toString(concurrency));
        p.setProperty("tenantroute.throttle-wait-ms", Long.toString(waitMs));
        return p;
    }

    private Connection connect(Properties p) throws SQLException {
        return DriverManager.getConnection(shared.tenantRouteUrl(), p);
    }

    private static String probe(Engine engine) {
        return engine == Engine.POSTGRESQL ? "SELECT pg_sleep(0.02) AS throttle_probe" : "SELECT SLEEP(0.02) AS throttle_probe";
    }

    /** @return sessions of database {@code db} running the probe statement now, seen from the server */
    private static int probesRunning(Statement admin, Engine engine, String db) throws SQLException {
        String sql = engine == Engine.POSTGRESQL
                ? "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "' AND state = 'active'"
                        + " AND query LIKE '%throttle_probe%' AND pid <> pg_backend_pid()"
                : "SELECT count(*) FROM information_schema.processlist WHERE db = '" + db + "'"
                        + " AND info LIKE '%throttle_probe%' AND id <> CONNECTION_ID()";
        try (ResultSet rs = admin.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private double timeouts() {
        Timer t = registry.find(Metrics.THROTTLE_WAIT).tag("outcome", "timeout").timer();
        return t == null ? 0 : t.count();
    }

    private double permits() {
        Timer t = registry.find(Metrics.THROTTLE_WAIT).tag("outcome", "permit").timer();
        return t == null ? 0 : t.count();
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    /** Max concurrency seen at the database and in the app while 8 threads each run 5 probe transactions of acme. */
    private int[] observeConcurrency(Engine engine, Properties p) throws Exception {
        int threads = 8;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger maxAtDb = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try (Connection admin = a.connect(); Statement st = admin.createStatement()) {
            Future<?> sampler = pool.submit(() -> {
                while (!done.get()) {
                    maxAtDb.accumulateAndGet(probesRunning(st, engine, a.name()), Math::max);
                    Thread.sleep(2);
                }
                return null;
            });
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    try (Connection c = connect(p); var tenant = TenantContext.use("acme")) {
                        c.setAutoCommit(false);
                        for (int k = 0; k < 5; k++) {
                            run(c, "SELECT 1"); // the transaction has its physical connection (and turn) from here
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            run(c, probe(engine));
                            inside.decrementAndGet();
                            c.commit();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            sampler.get(10, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        return new int[] {maxAtDb.get(), maxInside.get()};
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void throttledTenant_runsAtMostOneTransactionAtATime_activeOneRunsMany(Engine engine) throws Exception {
        setUp(engine);
        Properties p = props(8, 1, 10_000); // the pool allows 8; a wait long enough never to run out here

        map.routeWithNext("acme", "a", RouteState.ACTIVE, null, null);
        int[] active = observeConcurrency(engine, p);
        assertTrue(active[1] > 1, "control: unthrottled, the 8 threads overlap (app saw at most " + active[1] + ")");

        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, null);
        double permitsBefore = permits();
        int[] throttled = observeConcurrency(engine, p);
        assertEquals(1, throttled[0], "sessions of the throttled tenant running the probe at once, seen by the database");
        assertEquals(1, throttled[1], "transactions of the throttled tenant inside at once, seen by the app");
        assertEquals(40, permits() - permitsBefore, "every transaction took a turn");
        assertEquals(0, timeouts(), "none ran out of its wait");
        assertEquals(0, Throttle.of(map).gatesInUse(), "every turn was given back");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void softLimit_aBlockedTransactionRunsAfterTheWait_alsoOnTheThreadThatHoldsTheTurn(Engine engine) throws Exception {
        setUp(engine);
        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, null);
        Properties p = props(4, 1, 100);
        try (Connection holder = connect(p); Connection other = connect(p); var tenant = TenantContext.use("acme")) {
            holder.setAutoCommit(false);
            run(holder, "SELECT 1"); // holds acme's only turn until commit
            // The same thread, another connection: would deadlock with a hard limit; runs once the wait is over.
            other.setAutoCommit(false);
            run(other, "SELECT 1");
            assertEquals(1, timeouts(), "the second transaction ran without a turn after waiting");
            assertEquals("a", holder.unwrap(TenantRouteConnection.class).currentTarget(), "the first transaction is still open");
            assertEquals("a", other.unwrap(TenantRouteConnection.class).currentTarget(), "and so is the second, at once");
            other.commit();
            holder.commit();
        }
        // Another thread, while a turn is held: also let through.
        try (Connection holder = connect(p); var tenant = TenantContext.use("acme")) {
            holder.setAutoCommit(false);
            run(holder, "SELECT 1");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                pool.submit(() -> {
                    try (Connection c = connect(p); var t = TenantContext.use("acme")) {
                        run(c, "SELECT 1"); // autocommit: one statement is the transaction
                    }
                    return null;
                }).get(BOUND_MS, TimeUnit.MILLISECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2, timeouts());
            holder.commit();
        }
        assertEquals(0, Throttle.of(map).gatesInUse());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aWaitingTransaction_stopsWaitingForItsTurn_whenTheRouteChanges(Engine engine) throws Exception {
        setUp(engine);
        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, "b");
        Properties p = props(4, 1, 60_000); // a wait that outlasts BOUND_MS: only the route change can end it in time
        try (Connection holder = connect(p); var tenant = TenantContext.use("acme")) {
            holder.setAutoCommit(false);
            run(holder, "SELECT 1"); // holds acme's only turn until commit
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                java.util.concurrent.Future<String> waiter = pool.submit(() -> {
                    try (Connection c = connect(p); var t = TenantContext.use("acme")) {
                        c.setAutoCommit(false);
                        run(c, "SELECT 1");
                        String on = c.unwrap(TenantRouteConnection.class).currentTarget();
                        c.commit();
                        return on;
                    }
                });
                until(() -> Throttle.of(map).gatesInUse() == 1 && !waiter.isDone(), "the second transaction waits for its turn",
                        () -> "done " + waiter.isDone());
                Thread.sleep(100);
                assertTrue(!waiter.isDone(), "still waiting: the holder has the only turn");
                map.routeWithNext("acme", "b", RouteState.ACTIVE, null, null); // the move flipped the route
                assertEquals("b", waiter.get(BOUND_MS, TimeUnit.MILLISECONDS), "ran on the new route, without waiting out its turn");
            } finally {
                pool.shutdownNow();
            }
            holder.commit();
        }
        assertEquals(0, Throttle.of(map).gatesInUse());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void turns_areGivenBackOnCommitCloseFailureAndAbort_neverTwice(Engine engine) throws Exception {
        setUp(engine);
        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, null);
        // Concurrency 1 and a wait far longer than this test: a leaked turn shows as a timed-out wait.
        Properties one = props(4, 1, 2_000);
        try (var tenant = TenantContext.use("acme")) {
            // Close with a transaction open.
            Connection c = connect(one);
            c.setAutoCommit(false);
            run(c, "SELECT 1");
            c.close();
            // A failing statement in autocommit.
            try (Connection f = connect(one)) {
                assertThrows(SQLException.class, () -> run(f, "SELECT * FROM no_such_table"));
                // A failing statement inside a transaction keeps the turn until rollback.
                f.setAutoCommit(false);
                run(f, "SELECT 1");
                assertThrows(SQLException.class, () -> run(f, "SELECT * FROM no_such_table"));
                f.rollback();
            }
            // abort() with a transaction open (then close(), which does nothing more).
            Connection ab = connect(one);
            ab.setAutoCommit(false);
            run(ab, "SELECT 1");
            ab.abort(Runnable::run);
            ab.close();
            HikariPoolMXBean poolA = Pools.pool(map.target("a"), DriverConfig.parse(shared.tenantRouteUrl(), one), Metrics.NOOP)
                    .ds().getHikariPoolMXBean();
            assertEquals(0, poolA.getActiveConnections(), "abort() gave the aborted connection's pool slot back too");
            // An open result set in autocommit holds the turn until it closes.
            try (Connection r = connect(one); Statement s = r.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT 1");
                rs.next();
                rs.close();
            }
            assertEquals(0, Throttle.of(map).gatesInUse(), "no turn is held after everything closed");
            // A new transaction gets its turn at once (a leaked one would make it wait 2 s and time out).
            try (Connection n = connect(one)) {
                n.setAutoCommit(false);
                run(n, "SELECT 1");
                n.commit();
            }
            assertEquals(0, timeouts(), "no wait ran out: no turn leaked");
        }

        // Never given back twice: with 2 turns, one held by `keeper`, abort() then close() of the other may give back
        // one turn only — else two more transactions would both get one.
        Properties two = props(4, 2, 300);
        try (var tenant = TenantContext.use("acme"); Connection keeper = connect(two); Connection twice = connect(two);
             Connection third = connect(two); Connection fourth = connect(two)) {
            keeper.setAutoCommit(false);
            run(keeper, "SELECT 1");
            twice.setAutoCommit(false);
            run(twice, "SELECT 1");
            twice.abort(Runnable::run);
            twice.close();
            third.setAutoCommit(false);
            run(third, "SELECT 1");
            assertEquals(0, timeouts(), "the turn given back by abort() is free");
            fourth.setAutoCommit(false);
            run(fourth, "SELECT 1");
            assertEquals(1, timeouts(), "2 turns out (keeper, third): the fourth waits and runs without one");
            fourth.commit();
            third.commit();
            keeper.commit();
        }
        assertEquals(0, Throttle.of(map).gatesInUse());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void routeWithANextTarget_warmsTheNextTargetsPool_toTheCurrentPoolsSize(Engine engine) throws Exception {
        setUp(engine);
        Properties p = props(5, 1, 50);
        DriverConfig cfg = DriverConfig.parse(shared.tenantRouteUrl(), p);
        map.routeWithNext("acme", "a", RouteState.ACTIVE, null, null);
        // Three transactions at once on a: its pool then has 3 connections (idle once they end).
        try (var tenant = TenantContext.use("acme"); Connection c1 = connect(p); Connection c2 = connect(p); Connection c3 = connect(p)) {
            for (Connection c : List.of(c1, c2, c3)) {
                c.setAutoCommit(false);
                run(c, "SELECT 1");
            }
            for (Connection c : List.of(c1, c2, c3)) {
                c.commit();
            }
        }
        HikariPoolMXBean poolA = Pools.pool(map.target("a"), cfg, Metrics.NOOP).ds().getHikariPoolMXBean();
        HikariPoolMXBean poolB = Pools.pool(map.target("b"), cfg, Metrics.NOOP).ds().getHikariPoolMXBean();
        int n = poolA.getTotalConnections();
        assertTrue(n >= 3 && n <= 5, "a's pool has the 3 connections the transactions needed: " + n);
        assertEquals(0, poolB.getTotalConnections(), "nothing has used b yet");

        // An unknown next target is ignored: statements run as before.
        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, "nowhere");
        try (var tenant = TenantContext.use("acme"); Connection c = connect(p)) {
            run(c, "SELECT 1");
        }

        map.routeWithNext("acme", "a", RouteState.THROTTLED, null, "b");
        try (var tenant = TenantContext.use("acme"); Connection c = connect(p)) {
            run(c, "SELECT 1"); // reads the route: warming starts in the background; the statement runs on a
            assertEquals("a", c.unwrap(TenantRouteConnection.class).lastTarget());
        }
        until(() -> poolB.getTotalConnections() == n && poolB.getIdleConnections() == n, "b's pool has " + n + " idle connections",
                () -> "total " + poolB.getTotalConnections() + ", idle " + poolB.getIdleConnections());
        try (Connection admin = b.connect(); Statement st = admin.createStatement()) {
            assertEquals(n, sessions(st, engine, b.name()), "the database sees b's connections");
        }

        // The flip: held transactions find b warm.
        map.routeWithNext("acme", "b", RouteState.ACTIVE, null, null);
        try (var tenant = TenantContext.use("acme"); Connection c = connect(p)) {
            run(c, "SELECT 1");
            assertEquals("b", c.unwrap(TenantRouteConnection.class).lastTarget());
        }
        assertEquals(n, poolB.getTotalConnections(), "served from the warm pool, no new connection");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void frozenRouteWithANextTarget_warmsWhileTheTransactionWaits(Engine engine) throws Exception {
        setUp(engine);
        Properties p = props(5, 1, 50);
        p.setProperty("tenantroute.frozen-wait-ms", "60000"); // the flip below ends the wait, not this bound
        DriverConfig cfg = DriverConfig.parse(shared.tenantRouteUrl(), p);
        map.routeWithNext("acme", "a", RouteState.ACTIVE, null, null);
        try (var tenant = TenantContext.use("acme"); Connection c1 = connect(p); Connection c2 = connect(p)) {
            for (Connection c : List.of(c1, c2)) {
                c.setAutoCommit(false);
                run(c, "SELECT 1");
            }
            c1.commit();
            c2.commit();
        }
        HikariPoolMXBean poolB = Pools.pool(map.target("b"), cfg, Metrics.NOOP).ds().getHikariPoolMXBean();
        map.routeWithNext("acme", "a", RouteState.FROZEN, null, "b");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> held = pool.submit(() -> {
                try (var tenant = TenantContext.use("acme"); Connection c = connect(p)) {
                    run(c, "SELECT 1"); // waits while frozen
                    return c.unwrap(TenantRouteConnection.class).lastTarget();
                }
            });
            until(() -> poolB.getIdleConnections() == 2, "b's pool warmed to 2 while the tenant is frozen",
                    () -> "total " + poolB.getTotalConnections() + ", idle " + poolB.getIdleConnections());
            assertTrue(!held.isDone(), "the transaction is still held by the freeze");
            map.routeWithNext("acme", "b", RouteState.ACTIVE, null, null);
            assertEquals("b", held.get(BOUND_MS, TimeUnit.MILLISECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    private static int sessions(Statement admin, Engine engine, String db) throws SQLException {
        String sql = engine == Engine.POSTGRESQL
                ? "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db + "' AND pid <> pg_backend_pid()"
                : "SELECT count(*) FROM information_schema.processlist WHERE db = '" + db + "' AND id <> CONNECTION_ID()";
        try (ResultSet rs = admin.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    private static void until(Check check, String what, java.util.function.Supplier<String> state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MS);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                fail("did not converge within " + BOUND_MS + " ms: " + what + " (" + state.get() + ")");
            }
            Thread.sleep(20);
        }
    }
}
