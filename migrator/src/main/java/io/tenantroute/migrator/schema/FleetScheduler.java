package io.tenantroute.migrator.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one job per location with at most {@code parallel} at once overall and at most {@code perServer} at once on one
 * database server, in the given order where the limits allow: a job whose server is full is passed over (not waited
 * for) while a later job on another server can start, so one busy server never idles the others.
 *
 * <p>Each job holds its slot for as long as it runs, and a job opens at most one database session (see
 * {@link OneConnectionDataSource}), so the limits are limits on sessions. Thread-safe; {@link #run} blocks until every
 * started job ended.
 */
final class FleetScheduler {
    private final int parallel;
    private final int perServer;

    /**
     * @param parallel jobs at once overall, ≥ 1
     * @param perServer jobs at once on one server, ≥ 1
     */
    FleetScheduler(int parallel, int perServer) {
        if (parallel < 1 || perServer < 1) {
            throw new IllegalArgumentException("parallel and per-server must be ≥ 1, were " + parallel + " and " + perServer);
        }
        this.parallel = parallel;
        this.perServer = perServer;
    }

    /**
     * Runs the jobs.
     *
     * @param items the jobs, in the order they should start
     * @param serverOf the server of a job ({@code host:port})
     * @param work runs one job on a pool thread; must not throw (a {@link RuntimeException} is passed to
     *     {@code onCrash} and counts as done)
     * @param stop checked before each start: true stops starting jobs (those running finish)
     * @param onCrash told of a job that threw
     * @return the jobs never started (because of {@code stop}), in order
     */
    <T> List<T> run(List<T> items, Function<T, String> serverOf, Consumer<T> work, BooleanSupplier stop, java.util.function.BiConsumer<T, RuntimeException> onCrash) {
        LinkedList<T> queue = new LinkedList<>(items);
        Map<String, Integer> busy = new HashMap<>();
        AtomicInteger running = new AtomicInteger();
        Object lock = new Object();
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, items.size())), r -> {
            Thread t = new Thread(r, "tenantroute-schema-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            synchronized (lock) {
                while (true) {
                    if (stop.getAsBoolean()) {
                        break;
                    }
                    T next = null;
                    if (running.get() < parallel) {
                        for (T candidate : queue) {
                            if (busy.getOrDefault(serverOf.apply(candidate), 0) < perServer) {
                                next = candidate;
                                break;
                            }
                        }
                    }
                    if (next != null) {
                        queue.remove(next);
                        String server = serverOf.apply(next);
                        busy.merge(server, 1, Integer::sum);
                        running.incrementAndGet();
                        T job = next;
                        pool.execute(() -> {
                            try {
                                work.accept(job);
                            } catch (RuntimeException e) {
                                onCrash.accept(job, e);
                            } finally {
                                synchronized (lock) {
                                    busy.merge(server, -1, Integer::sum);
                                    running.decrementAndGet();
                                    lock.notifyAll();
                                }
                            }
                        });
                        continue;
                    }
                    if (queue.isEmpty() && running.get() == 0) {
                        break;
                    }
                    try {
                        lock.wait(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                // stopped or interrupted: let the running jobs end
                while (running.get() > 0) {
                    try {
                        lock.wait(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
        return new ArrayList<>(queue);
    }
}
