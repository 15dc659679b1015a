package io.tenantroute.config.internal;

import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a version every {@code intervalMs} on its own daemon thread and reports it when it differs from the
 * last one reported. The first successful read is always reported. Failures are logged (a warning for the
 * first of a streak, debug after) and retried at the next interval.
 */
public final class PollingWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollingWatcher.class);

    /** Where the version comes from; may block on I/O. */
    @FunctionalInterface
    public interface VersionSource {
        /**
         * @return the current version
         * @throws Exception when it cannot be read (logged; retried at the next interval)
         */
        long read() throws Exception;
    }

    private final VersionSource source;
    private final LongConsumer onChange;
    private final long intervalMs;
    private final String what;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts watching at once.
     *
     * @param what what is watched, for thread name and log lines (no credentials)
     * @param source reads the version
     * @param onChange told the version whenever it differs from the last one reported
     * @param intervalMs pause between reads, ms
     */
    public PollingWatcher(String what, VersionSource source, LongConsumer onChange, long intervalMs) {
        this.source = source;
        this.onChange = onChange;
        this.intervalMs = intervalMs;
        this.what = what;
        this.thread = new Thread(this::run, "tenantroute-watch-" + what);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long last = Long.MIN_VALUE;
        boolean failing = false;
        while (!closed) {
            long v = Long.MIN_VALUE;
            try {
                v = source.read();
                if (failing) {
                    LOG.info("tenant map watch on {} works again", what);
                    failing = false;
                }
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                if (!failing) {
                    LOG.warn("tenant map watch on {} failed, retrying every {} ms: {}", what, intervalMs, e.toString());
                    failing = true;
                } else {
                    LOG.debug("tenant map watch on {} still failing", what, e);
                }
            }
            if (!failing && v != last) {
                last = v;
                try {
                    onChange.accept(v);
                } catch (RuntimeException e) {
                    LOG.error("tenant map watch on {}: the change callback failed", what, e);
                }
            }
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** Stops the thread; waits for it at most a second. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
