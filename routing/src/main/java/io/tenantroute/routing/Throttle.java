package io.tenantroute.routing;

import io.tenantroute.config.TenantMap;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The turns of throttled tenants' transactions, for one tenant map (so per driver instance, per proxy): per tenant
 * and concurrency a fair semaphore, which exists only while some transaction holds or waits for one of its permits.
 *
 * <p>Soft: a transaction waits at most its throttle wait for a turn and then runs without one (see
 * {@link AdmissionAttempt}), so a thread that already holds a turn never deadlocks, and the latency added is
 * bounded. A caller enters a {@link Queue queue}, takes a turn from it ({@link Queue#tryTake()} never blocks,
 * {@link Queue#take(long)} blocks up to a bound), or leaves it. Thread-safe.
 */
public final class Throttle {
    private static final Map<TenantMap, Throttle> BY_MAP = Collections.synchronizedMap(new WeakHashMap<>());

    /** One semaphore's key: callers with another concurrency get their own. */
    private record Key(String tenant, int permits) {
    }

    /** A semaphore and how many transactions hold or wait for its permits ({@code users}, changed only in {@code compute}). */
    private static final class Gate {
        final Semaphore semaphore;
        int users;

        Gate(int permits) {
            semaphore = new Semaphore(permits, true);
        }
    }

    private final ConcurrentHashMap<Key, Gate> gates = new ConcurrentHashMap<>();

    private Throttle() {
    }

    /**
     * @param map a tenant map
     * @return the throttle of {@code map}, made on first use; every router of one map shares it
     */
    public static Throttle of(TenantMap map) {
        return BY_MAP.computeIfAbsent(map, m -> new Throttle());
    }

    /**
     * Joins the queue of {@code tenant}'s turns: at most {@code permits} turns are out at once (per this throttle and
     * value of {@code permits}). The caller must end with a turn it later {@link Permit#release() releases}, or
     * {@link Queue#leave() leave} the queue.
     *
     * @param tenant the throttled tenant
     * @param permits how many turns at once, ≥ 1
     * @return the caller's place in the queue
     * @throws IllegalArgumentException when {@code permits < 1}
     */
    Queue join(String tenant, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("throttle concurrency must be ≥ 1, was " + permits);
        }
        Key key = new Key(tenant, permits);
        Gate gate = gates.compute(key, (k, g) -> {
            Gate x = g == null ? new Gate(permits) : g;
            x.users++;
            return x;
        });
        return new Queue(key, gate);
    }

    private void leave(Key key, Gate gate) {
        gates.computeIfPresent(key, (k, g) -> g != gate ? g : --g.users == 0 ? null : g);
    }

    /** @return how many tenants have a semaphore in use now (tests: nothing leaks) */
    public int gatesInUse() {
        return gates.size();
    }

    /** One caller's place in a tenant's queue. Used by one thread at a time; {@link #leave()} is idempotent. */
    final class Queue {
        private final Key key;
        private final Gate gate;
        private boolean left;

        private Queue(Key key, Gate gate) {
            this.key = key;
            this.gate = gate;
        }

        /** @return a turn if one is free now, else null; never blocks. Leaves the queue when it returns a turn. */
        Permit tryTake() {
            if (!left && gate.semaphore.tryAcquire()) {
                left = true;
                return new Permit(Throttle.this, key, gate);
            }
            return null;
        }

        /**
         * @param nanos how long to wait at most, in nanoseconds
         * @return a turn when one came within {@code nanos} (in the semaphore's fair order), else null; null also
         *     when the thread is interrupted (the interrupt stays set). Leaves the queue when it returns a turn.
         */
        Permit take(long nanos) {
            if (left) {
                return null;
            }
            try {
                if (gate.semaphore.tryAcquire(nanos, TimeUnit.NANOSECONDS)) {
                    left = true;
                    return new Permit(Throttle.this, key, gate);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        /** Leaves the queue without a turn; later calls, and calls after a turn was taken, do nothing. */
        void leave() {
            if (!left) {
                left = true;
                Throttle.this.leave(key, gate);
            }
        }
    }

    /** One transaction's turn. {@link #release()} is idempotent and may run on any thread (an abort). */
    public static final class Permit {
        private final Throttle throttle;
        private final Key key;
        private final Gate gate;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(Throttle throttle, Key key, Gate gate) {
            this.throttle = throttle;
            this.key = key;
            this.gate = gate;
        }

        /** Gives the turn back (call it after the transaction's server connection went back); later calls do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                gate.semaphore.release();
                throttle.leave(key, gate);
            }
        }
    }
}
