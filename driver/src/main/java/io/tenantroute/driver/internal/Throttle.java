package io.tenantroute.driver.internal;

import io.tenantroute.config.TenantMap;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The turns of throttled tenants' transactions, for one tenant map (so per driver instance): per tenant and
 * concurrency a fair semaphore, which exists only while some transaction holds or waits for one of its permits.
 *
 * <p>Soft: {@link #enter} waits at most the given time, then answers null and the transaction runs without a
 * turn. So a thread that already holds a turn (another logical connection, another transaction of the tenant)
 * never deadlocks, and the latency added is bounded. Thread-safe.
 */
final class Throttle {
    private static final Map<TenantMap, Throttle> BY_MAP = Collections.synchronizedMap(new WeakHashMap<>());

    /** One semaphore's key: connections with another {@code tenantroute.throttle-concurrency} get their own. */
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

    /** @return the throttle of {@code map}, made on first use */
    static Throttle of(TenantMap map) {
        return BY_MAP.computeIfAbsent(map, m -> new Throttle());
    }

    /** How often a waiting transaction checks whether its route is still throttled, in milliseconds. */
    private static final long RECHECK_MS = 5;

    /**
     * Waits for a turn of {@code tenant}: at most {@code permits} turns are out at once (per this map and value of
     * {@code permits}).
     *
     * @param tenant the throttled tenant
     * @param permits how many turns at once, ≥ 1
     * @param waitMs how long to wait at most, in milliseconds; 0 takes a free turn or none
     * @param metrics records the wait
     * @param stillThrottled checked every {@value #RECHECK_MS} ms while waiting: once false (the route changed — the
     *     move froze or flipped it) the wait ends at once, so a freeze does not add the rest of the throttle wait
     *     to the pause
     * @return the turn, to be {@link Permit#release() released} exactly when the transaction's physical connection
     *     goes back; null when none came within {@code waitMs}, the route changed, or the thread was interrupted
     *     (the interrupt stays set) — the transaction then re-reads its route, and runs without a turn if still
     *     throttled
     */
    Permit enter(String tenant, int permits, long waitMs, Metrics metrics, java.util.function.BooleanSupplier stillThrottled) {
        Key key = new Key(tenant, permits);
        Gate gate = gates.compute(key, (k, g) -> {
            Gate x = g == null ? new Gate(permits) : g;
            x.users++;
            return x;
        });
        long start = System.nanoTime();
        boolean got = false;
        try {
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(waitMs);
            got = gate.semaphore.tryAcquire();
            while (!got) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !stillThrottled.getAsBoolean()) {
                    break;
                }
                got = gate.semaphore.tryAcquire(Math.min(left, TimeUnit.MILLISECONDS.toNanos(RECHECK_MS)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.throttleWait(System.nanoTime() - start, got);
            if (!got) {
                leave(key, gate);
            }
        }
        return got ? new Permit(this, key, gate) : null;
    }

    private void leave(Key key, Gate gate) {
        gates.computeIfPresent(key, (k, g) -> g != gate ? g : --g.users == 0 ? null : g);
    }

    /** @return how many tenants have a semaphore in use now (tests: nothing leaks) */
    int gatesInUse() {
        return gates.size();
    }

    /** One transaction's turn. {@link #release()} is idempotent and may run on any thread ({@code abort}). */
    static final class Permit {
        private final Throttle throttle;
        private final Key key;
        private final Gate gate;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(Throttle throttle, Key key, Gate gate) {
            this.throttle = throttle;
            this.key = key;
            this.gate = gate;
        }

        /** Gives the turn back; later calls do nothing. */
        void release() {
            if (released.compareAndSet(false, true)) {
                gate.semaphore.release();
                throttle.leave(key, gate);
            }
        }
    }
}
