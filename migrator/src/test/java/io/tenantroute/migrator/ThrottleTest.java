package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The route during an online move: it names the destination from the pre-verification on (routers warm their pools),
 * turns {@code throttled} when the backlog does not drain, {@code frozen} at the cutover, and ends active on the
 * destination without the hint; a move killed while throttled leaves nothing behind after abort or resume.
 *
 * <p>With {@code lagRows = -1} ("at most −1 changes pending") the backlog never reaches the lag goal, and with
 * {@code throttleAboveRows = -1} any backlog is worth throttling, which makes the mover throttle every time, whatever
 * the timing. The writers write straight to the source (not through the driver,
 * so the throttle does not slow them): their increments must all arrive.
 */
class ThrottleTest {
    /** Writers incrementing their own invoice's total on the source until stopped or fenced; counts acknowledged increments. */
    static final class Writers implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();

        Writers(Fixture f, int n) {
            for (int i = 0; i < n; i++) {
                long id = 1000 + i;
                Thread t = new Thread(() -> {
                    try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("UPDATE invoices SET total = total + 1 WHERE id = ?")) {
                        p.setLong(1, id);
                        while (!stop.get()) {
                            try {
                                assertEquals(1, p.executeUpdate());
                                acknowledged.incrementAndGet();
                            } catch (SQLException e) {
                                if (TenantRouteSqlState.TENANT_FENCED.matches(e)) {
                                    return; // rejected by the fence, not acknowledged: the app would retry on the new route
                                }
                                throw e;
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "writer-" + i);
                threads.add(t);
                t.start();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
                if (t.isAlive()) {
                    throw new AssertionError(t.getName() + " did not stop within 30 s");
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
        }
    }

    private static Route routeQuietly(Fixture f) {
        try {
            return f.route("acme");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long totalOnTarget(Fixture f) throws SQLException {
        try (Connection c = f.dst.connect(); PreparedStatement p = c.prepareStatement("SELECT SUM(total) FROM invoices WHERE tenant_id = 'acme'");
             var r = p.executeQuery()) {
            r.next();
            return r.getBigDecimal(1).longValue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void backlogNotDraining_routeNamesDestination_thenThrottled_thenFrozen_endsActiveWithoutHint(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 20);
            long before;
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("SELECT SUM(total) FROM invoices WHERE tenant_id = 'acme'");
                 var r = p.executeQuery()) {
                r.next();
                before = r.getBigDecimal(1).longValue();
            }
            Map<String, Route> seen = new ConcurrentHashMap<>();
            AtomicReference<Writers> writers = new AtomicReference<>();
            MoveListener l = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("copy") && writers.get() == null) {
                        // from the copy on, after the capture's settle wait (MariaDB's innodb_trx can list a finished
                        // transaction of a session that writes without pause as still open, which would stall that wait)
                        writers.set(new Writers(f, 3));
                    } else if (step.equals("preverify") && detail.contains("after the copy")) {
                        seen.put("preverify", routeQuietly(f));
                    } else if (step.equals("throttle") || step.equals("replay")) {
                        seen.putIfAbsent(step, routeQuietly(f));
                    }
                }
            };
            MoveResult r;
            try {
                r = f.mover().move(MoveRequest.of("acme", "dedicated").withLagRows(-1).withThrottleAboveRows(-1), l);
            } finally {
                if (writers.get() != null) {
                    writers.get().close();
                }
            }
            Writers w = writers.get();
            assertNotNull(w);
            assertTrue(r.verification().matches(), r.verification().toString());

            Route pre = seen.get("preverify");
            assertEquals(RouteState.ACTIVE, pre.state());
            assertEquals("shared", pre.target());
            assertEquals("dedicated", pre.nextTarget(), "routers learn the destination before the freeze");
            Route throttled = seen.get("throttle");
            assertNotNull(throttled, "lagRows -1 is never reached: the mover throttles");
            assertEquals(RouteState.THROTTLED, throttled.state());
            assertEquals("shared", throttled.target());
            assertEquals("dedicated", throttled.nextTarget());
            Route frozen = seen.get("replay");
            assertEquals(RouteState.FROZEN, frozen.state());
            assertEquals("dedicated", frozen.nextTarget());

            Route after = f.route("acme");
            assertEquals("dedicated", after.target());
            assertEquals(RouteState.ACTIVE, after.state());
            assertNull(after.nextTarget(), "the flip drops the hint");
            assertTrue(w.acknowledged.get() > 0);
            assertEquals(before + w.acknowledged.get(), totalOnTarget(f), "every acknowledged increment is on the target, once");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void killedWhileThrottled_abortAndResumeLeaveNoThrottleBehind(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 20);
            MoveListener killer = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("throttle")) {
                        throw new TenantMoverTest.Kill();
                    }
                }
            };
            assertThrows(TenantMoverTest.Kill.class,
                    () -> f.mover().move(MoveRequest.of("acme", "dedicated").withLagRows(-1).withThrottleAboveRows(-1), killer));
            Route killed = f.route("acme");
            assertEquals(RouteState.THROTTLED, killed.state(), "a dead mover leaves the throttle on");
            assertTrue(f.mover().abort("acme") > 0);
            Route aborted = f.route("acme");
            assertEquals("shared", aborted.target());
            assertEquals(RouteState.ACTIVE, aborted.state());
            assertNull(aborted.nextTarget(), "abort drops the hint");

            assertThrows(TenantMoverTest.Kill.class,
                    () -> f.mover().move(MoveRequest.of("acme", "dedicated").withLagRows(-1).withThrottleAboveRows(-1), killer));
            assertEquals(RouteState.THROTTLED, f.route("acme").state());
            MoveResult r = f.mover().resume(MoveRequest.of("acme", "dedicated"), MoveListener.NONE);
            assertTrue(r.verification().matches());
            Route after = f.route("acme");
            assertEquals("dedicated", after.target());
            assertEquals(RouteState.ACTIVE, after.state());
            assertNull(after.nextTarget());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void noThrottle_neverThrottles_evenWhenTheBacklogDoesNotDrain(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed("acme", 1000, 20);
            List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
            Map<String, Route> seen = new ConcurrentHashMap<>();
            MoveListener l = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    steps.add(step);
                    if (step.equals("replay")) {
                        seen.put(step, routeQuietly(f));
                    }
                }
            };
            MoveResult r = f.mover().move(MoveRequest.of("acme", "dedicated").withLagRows(-1).withThrottle(false), l);
            assertTrue(r.verification().matches());
            assertTrue(!steps.contains("throttle"), steps.toString());
            assertEquals(RouteState.FROZEN, seen.get("replay").state(), "frozen straight from active");
            assertEquals("dedicated", seen.get("replay").nextTarget(), "the destination hint is still given");
            assertEquals("dedicated", f.route("acme").target());
        }
    }
}
