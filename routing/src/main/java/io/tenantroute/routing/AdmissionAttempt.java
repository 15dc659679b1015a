package io.tenantroute.routing;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Routing one transaction of one tenant, as a state machine both front ends drive: the driver on its own thread
 * ({@link Router#admit}), the proxy on an event loop (poll, and on {@link Step#WAIT} schedule the next poll after
 * {@link #waitNanos()}). The rules, in the order they apply to the route read at each poll:
 * <ul>
 *   <li>{@code suspended}: refused with {@code TR001};</li>
 *   <li>{@code frozen} (a move is cutting over): wait, re-reading the route every {@value Router#FROZEN_POLL_MS} ms
 *       (and the store at most every {@value Router#FROZEN_REFRESH_MS} ms per map), for at most the router's frozen wait;
 *       then {@code TR002};</li>
 *   <li>{@code throttled}: take one of the tenant's turns ({@link Throttle}); wait at most the throttle wait for one,
 *       then run without it (a soft limit); stop waiting as soon as the route changes and follow the new route (at most
 *       three rounds);</li>
 *   <li>{@code active}: run.</li>
 * </ul>
 * Not thread-safe: one caller drives one attempt. An attempt that ends without {@link #admission()} being taken must be
 * {@link #cancel() cancelled}, so that no throttle turn leaks.
 */
public final class AdmissionAttempt {
    /** What the caller does next. */
    public enum Step {
        /** Admitted: take {@link #admission()}. */
        READY,
        /** Poll again after {@link #waitNanos()} (a frozen or a throttle wait). */
        WAIT
    }

    /** Rounds of throttle waits after which a changed route is followed without waiting again. */
    private static final int MAX_THROTTLE_ROUNDS = 3;

    private final Router router;
    private final String tenant;
    private final int permits;
    private final long throttleWaitNanos;

    private Route route;
    private Admission admission;
    private long waitNanos;
    private boolean refreshBeforeRead;
    private long frozenStart;
    private Throttle.Queue queue;
    private long throttleStart;
    private long seenVersion;
    private int throttleRounds;
    /** A turn taken by {@link #awaitBlocking()}, handed out by the next poll if the route did not change. */
    private Throttle.Permit taken;

    AdmissionAttempt(Router router, String tenant, int permits, long throttleWaitMs) {
        if (permits < 0) {
            throw new IllegalArgumentException("throttlePermits must be ≥ 0, was " + permits);
        }
        if (throttleWaitMs < 0) {
            throw new IllegalArgumentException("throttleWaitMs must be ≥ 0, was " + throttleWaitMs);
        }
        this.router = router;
        this.tenant = tenant;
        this.permits = permits;
        this.throttleWaitNanos = TimeUnit.MILLISECONDS.toNanos(throttleWaitMs);
    }

    /** @return the tenant being routed, or null for none */
    public String tenant() {
        return tenant;
    }

    /**
     * Advances the attempt without blocking (on a non-blocking router; a blocking router may read the store).
     *
     * @return {@link Step#READY} once admitted (and on every later call), else {@link Step#WAIT}
     * @throws RouteNotCachedException (non-blocking router) when the route is not in memory: {@link Router#load} it on a
     *     thread that may block, then poll again — the attempt keeps its place
     * @throws SQLException {@link TenantRouteSqlState#TENANT_SUSPENDED} (non-transient) for a suspended tenant;
     *     {@link TenantRouteSqlState#TENANT_FROZEN_TIMEOUT} (transient) when it stayed frozen longer than the frozen wait;
     *     {@link TenantRouteSqlState#MAP_UNAVAILABLE} (blocking router) when the store cannot be read. The attempt is
     *     over (cancelled) after any SQLException.
     */
    public Step poll() throws SQLException {
        if (admission != null) {
            return Step.READY;
        }
        if (tenant == null) {
            admission = new Admission(Route.implicitShared(""), null);
            return Step.READY;
        }
        try {
            return advance();
        } catch (SQLException e) {
            cancel();
            throw e;
        }
    }

    private Step advance() throws SQLException {
        while (true) {
            if (route == null) {
                if (refreshBeforeRead) {
                    refreshBeforeRead = false;
                    router.refreshWhileFrozen();
                }
                route = router.read(tenant);
            }
            Route r = route;
            long now = System.nanoTime();
            if (queue != null && r.version() != seenVersion) {
                endThrottleWait(now, false); // the route changed while waiting for a turn: follow it now
                throttleRounds++;
            }
            if (taken != null && (r.state() != RouteState.THROTTLED || r.version() != seenVersion)) {
                taken.release();
                taken = null;
                throttleRounds++;
            }
            switch (r.state()) {
                case FROZEN: {
                    if (frozenStart == 0) {
                        frozenStart = now;
                    }
                    long left = TimeUnit.MILLISECONDS.toNanos(router.frozenWaitMs()) - (now - frozenStart);
                    if (left <= 0) {
                        endFrozenWait(now);
                        throw TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.exception("tenant '" + tenant + "' stayed frozen (target '"
                                + r.target() + "') longer than " + router.frozenWaitMs() + " ms; retry later");
                    }
                    waitNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(Router.FROZEN_POLL_MS), left + TimeUnit.MILLISECONDS.toNanos(1));
                    route = null;
                    refreshBeforeRead = true;
                    return Step.WAIT;
                }
                case SUSPENDED:
                    endFrozenWait(now);
                    throw TenantRouteSqlState.TENANT_SUSPENDED.exception("tenant '" + tenant + "' is suspended (target '" + r.target()
                            + "'); statements are refused until it is resumed");
                case THROTTLED: {
                    endFrozenWait(now);
                    if (permits == 0 || throttleRounds >= MAX_THROTTLE_ROUNDS) {
                        return admit(r, null);
                    }
                    if (taken != null) {
                        Throttle.Permit p = taken;
                        taken = null;
                        return admit(r, p);
                    }
                    if (queue == null) {
                        queue = router.throttle().join(tenant, permits);
                        throttleStart = now;
                        seenVersion = r.version();
                    }
                    Throttle.Permit p = queue.tryTake();
                    if (p != null) {
                        queue = null;
                        router.metrics().throttleWait(now - throttleStart, true);
                        return admit(r, p);
                    }
                    long left = throttleWaitNanos - (now - throttleStart);
                    if (left <= 0) {
                        endThrottleWait(now, false);
                        return admit(r, null); // soft limit: run without a turn
                    }
                    waitNanos = Math.min(left, TimeUnit.MILLISECONDS.toNanos(Router.THROTTLE_RECHECK_MS));
                    route = null;
                    return Step.WAIT;
                }
                case ACTIVE:
                default:
                    endFrozenWait(now);
                    return admit(r, null);
            }
        }
    }

    private Step admit(Route r, Throttle.Permit p) {
        admission = new Admission(r, p);
        return Step.READY;
    }

    private void endFrozenWait(long now) {
        if (frozenStart != 0) {
            router.metrics().frozenWait(now - frozenStart);
            frozenStart = 0;
        }
    }

    private void endThrottleWait(long now, boolean permitted) {
        if (queue != null) {
            queue.leave();
            queue = null;
            router.metrics().throttleWait(now - throttleStart, permitted);
        }
    }

    /** @return after {@link Step#WAIT}: how long to wait before the next poll, in nanoseconds (at most 5 ms) */
    public long waitNanos() {
        return waitNanos;
    }

    /**
     * @return the admission, after {@link Step#READY}; the caller now owns its throttle turn
     * @throws IllegalStateException before {@link Step#READY}
     */
    public Admission admission() {
        if (admission == null) {
            throw new IllegalStateException("not admitted yet: poll() until READY");
        }
        return admission;
    }

    /**
     * Waits on the calling thread as the last {@link Step#WAIT} asked: a throttle wait waits on the turns' fair queue,
     * a frozen wait sleeps. For blocking callers (the driver).
     *
     * @throws SQLException {@link TenantRouteSqlState#TENANT_FROZEN_TIMEOUT} when interrupted during a frozen wait (the
     *     interrupt stays set); an interrupted throttle wait returns at once and the transaction runs without a turn
     */
    void awaitBlocking() throws SQLException {
        if (queue != null) {
            Throttle.Permit p = queue.take(waitNanos);
            if (p != null) {
                queue = null;
                router.metrics().throttleWait(System.nanoTime() - throttleStart, true);
                taken = p;
            } else if (Thread.currentThread().isInterrupted()) {
                endThrottleWait(System.nanoTime(), false);
                throttleRounds = MAX_THROTTLE_ROUNDS;
            }
            return;
        }
        LockSupport.parkNanos(waitNanos);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            cancel();
            throw TenantRouteSqlState.TENANT_FROZEN_TIMEOUT.exception("interrupted while tenant '" + tenant + "' is frozen");
        }
    }

    /** Ends the attempt without admission: leaves the throttle queue, gives back a turn not yet handed out. Idempotent. */
    public void cancel() {
        long now = System.nanoTime();
        endThrottleWait(now, false);
        endFrozenWait(now);
        if (taken != null) {
            taken.release();
            taken = null;
        }
    }
}
