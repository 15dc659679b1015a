package io.tenantroute.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The state rules of one transaction's admission, driven as the proxy's event loop drives them (and as the driver does). */
class AdmissionAttemptTest {
    private final MemoryTenantMap map = new MemoryTenantMap().withTarget("ded").withTarget("ded2");
    private final List<Long> frozenWaits = new ArrayList<>();
    private final List<Boolean> throttleOutcomes = new ArrayList<>();
    private final RoutingMetrics metrics = new RoutingMetrics() {
        @Override
        public synchronized void frozenWait(long nanos) {
            frozenWaits.add(nanos);
        }

        @Override
        public synchronized void throttleWait(long nanos, boolean permitted) {
            throttleOutcomes.add(permitted);
        }
    };
    private final List<Route> hinted = new ArrayList<>();
    private final Router router = Router.nonBlocking(map, 300, metrics, hinted::add, Runnable::run);

    /** Polls as an event loop would: waits as asked, loads what is not cached. */
    private Admission drive(AdmissionAttempt a) throws SQLException {
        for (int i = 0; i < 10_000; i++) {
            try {
                if (a.poll() == AdmissionAttempt.Step.READY) {
                    return a.admission();
                }
                LockSupport.parkNanos(a.waitNanos());
            } catch (RouteNotCachedException e) {
                router.load(e.tenant());
            }
        }
        throw new AssertionError("no admission after 10,000 polls");
    }

    @Test
    void noTenant_isTheImplicitSharedRoute_withoutLookup() throws SQLException {
        Admission a = drive(router.attempt(null, 1, 50));
        assertEquals("shared", a.route().target());
        assertEquals(0, map.storeReads.get());
    }

    @Test
    void routeNotInMemory_asksForALoad_thenAdmits() throws SQLException {
        map.route("acme", "ded", RouteState.ACTIVE);
        AdmissionAttempt a = router.attempt("acme", 1, 50);
        RouteNotCachedException e = assertThrows(RouteNotCachedException.class, a::poll);
        assertEquals("acme", e.tenant());
        router.load("acme");
        assertEquals(AdmissionAttempt.Step.READY, a.poll());
        assertEquals("ded", a.admission().route().target());
        assertNull(a.admission().permit());
    }

    @Test
    void suspended_isRefusedWithTr001() throws SQLException {
        map.route("acme", "ded", RouteState.SUSPENDED);
        SQLException e = assertThrows(SQLException.class, () -> drive(router.attempt("acme", 1, 50)));
        assertEquals(TenantRouteSqlState.TENANT_SUSPENDED.state(), e.getSQLState());
        assertTrue(e.getMessage().contains("'acme'") && e.getMessage().contains("'ded'"), e.getMessage());
    }

    @Test
    void frozen_waitsThenRunsOnTheNewTarget() throws Exception {
        map.route("acme", "shared", null, RouteState.FROZEN, "ded");
        CompletableFuture<Void> flip = CompletableFuture.runAsync(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
            map.route("acme", "ded", RouteState.ACTIVE);
        });
        Admission a = drive(router.attempt("acme", 1, 50));
        flip.get();
        assertEquals("ded", a.route().target());
        assertEquals(1, frozenWaits.size(), "the frozen wait is reported once");
        assertTrue(map.refreshes.get() >= 1, "a frozen wait asks the store for news");
        assertEquals("ded", hinted.get(0).nextTarget(), "the next target is handed to warming before the wait");
    }

    @Test
    void frozenLongerThanTheWait_failsWithTransientTr002() {
        map.route("acme", "shared", RouteState.FROZEN);
        SQLException e = assertThrows(SQLException.class, () -> drive(router.attempt("acme", 1, 50)));
        assertEquals(TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.state(), e.getSQLState());
        assertTrue(e instanceof java.sql.SQLTransientException, e.getClass().getName());
        assertEquals(1, frozenWaits.size());
    }

    @Test
    void throttled_oneTurnAtATime_secondWaitsAndGetsTheTurnBack() throws SQLException {
        map.route("acme", "ded", RouteState.THROTTLED);
        router.load("acme");
        Admission first = drive(router.attempt("acme", 1, 10_000));
        assertNotNull(first.permit());
        AdmissionAttempt second = router.attempt("acme", 1, 10_000);
        assertEquals(AdmissionAttempt.Step.WAIT, second.poll());
        assertTrue(second.waitNanos() > 0 && second.waitNanos() <= TimeUnit.MILLISECONDS.toNanos(5));
        first.release();
        Admission s = drive(second);
        assertNotNull(s.permit(), "the freed turn goes to the waiter");
        s.release();
        assertEquals(0, router.throttle().gatesInUse(), "every turn was given back");
    }

    @Test
    void throttleWaitRunsOut_runsWithoutATurn() throws SQLException {
        map.route("acme", "ded", RouteState.THROTTLED);
        router.load("acme");
        Admission first = drive(router.attempt("acme", 1, 50));
        Admission second = drive(router.attempt("acme", 1, 20));
        assertNull(second.permit(), "a soft limit: the transaction runs anyway");
        assertEquals("ded", second.route().target());
        first.release();
        assertEquals(List.of(true, false), throttleOutcomes);
        assertEquals(0, router.throttle().gatesInUse());
    }

    @Test
    void routeChangesWhileWaitingForATurn_followsTheNewRoute() throws SQLException {
        map.route("acme", "shared", RouteState.THROTTLED);
        router.load("acme");
        Admission first = drive(router.attempt("acme", 1, 10_000));
        AdmissionAttempt second = router.attempt("acme", 1, 10_000);
        assertEquals(AdmissionAttempt.Step.WAIT, second.poll());
        map.route("acme", "ded", RouteState.ACTIVE); // the move flipped it
        Admission s = drive(second);
        assertEquals("ded", s.route().target());
        assertNull(s.permit());
        first.release();
        assertEquals(0, router.throttle().gatesInUse());
    }

    @Test
    void cancelledWhileWaiting_leavesNoGateBehind() throws SQLException {
        map.route("acme", "ded", RouteState.THROTTLED);
        router.load("acme");
        Admission first = drive(router.attempt("acme", 1, 10_000));
        AdmissionAttempt second = router.attempt("acme", 1, 10_000);
        assertEquals(AdmissionAttempt.Step.WAIT, second.poll());
        second.cancel();
        second.cancel();
        first.release();
        assertEquals(0, router.throttle().gatesInUse());
    }

    @Test
    void blockingRouter_admitsOnTheCallingThread_fairlyAcrossThreads() throws Exception {
        Router blocking = Router.blocking(map, 300, metrics, null);
        map.route("acme", "ded", RouteState.THROTTLED);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(CompletableFuture.runAsync(() -> {
                for (int j = 0; j < 20; j++) {
                    try {
                        Admission a = blocking.admit("acme", 1, 10_000);
                        assertNotNull(a.permit());
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        LockSupport.parkNanos(100_000);
                        running.decrementAndGet();
                        a.release();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (CompletableFuture<Void> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, most.get(), "never two turns of one tenant at once");
        assertEquals(0, blocking.throttle().gatesInUse());
        assertThrows(IllegalStateException.class, () -> router.admit("acme", 1, 1), "a non-blocking router never blocks");
    }

    @Test
    void unknownTarget_isTr005() throws SQLException {
        map.route("acme", "nowhere", RouteState.ACTIVE);
        Admission a = Router.blocking(map, 300, null, null).admit("acme", 0, 0);
        SQLException e = assertThrows(SQLException.class, () -> router.target(a.route()));
        assertEquals(TenantRouteSqlState.UNKNOWN_TARGET.state(), e.getSQLState());
        assertSame(null, router.target(Route.implicitShared("x")), "shared is the front end's own database");
    }
}
