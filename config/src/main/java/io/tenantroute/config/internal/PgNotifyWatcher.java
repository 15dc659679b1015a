package io.tenantroute.config.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the map version on PostgreSQL with {@code LISTEN} on a dedicated pgjdbc connection: a change's
 * {@code NOTIFY} (sent in the changing transaction, so only after it commits) wakes it at once. After every
 * wake-up and every {@code pollIntervalMs} without one it reads {@code map_version} on the same connection,
 * which is both the poll fallback (e.g. behind a pooler that drops notifications) and a liveness check.
 * When the connection breaks it reconnects after a pause that doubles from 200 ms up to 5 s, and re-reads the
 * version, so a change made meanwhile is not lost.
 *
 * <p>Only this class refers to pgjdbc, so the config module loads without it.
 */
public final class PgNotifyWatcher implements AutoCloseable {
    /** The channel every change notifies; the payload is the new map version. */
    public static final String CHANNEL = "tenantroute_map";

    private static final Logger LOG = LoggerFactory.getLogger(PgNotifyWatcher.class);
    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5000;

    private final String url;
    private final Properties props;
    private final String versionSql;
    private final LongConsumer onChange;
    private final long pollIntervalMs;
    private final String what;
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection current;

    /**
     * Starts watching at once, on a daemon thread.
     *
     * @param url the control database's pgjdbc URL
     * @param props connection properties (user, password)
     * @param schema the control schema
     * @param onChange told the version whenever it differs from the last one reported (the first read too)
     * @param pollIntervalMs the longest wait for a notification before reading the version anyway, ms
     * @param what a description for logs and the thread name, without credentials
     */
    public PgNotifyWatcher(String url, Properties props, String schema, LongConsumer onChange, long pollIntervalMs, String what) {
        this.url = url;
        this.props = props;
        this.versionSql = "SELECT version FROM " + schema + ".map_version WHERE id = 1";
        this.onChange = onChange;
        this.pollIntervalMs = pollIntervalMs;
        this.what = what;
        this.thread = new Thread(this::run, "tenantroute-listen-" + what);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long last = Long.MIN_VALUE;
        long backoffMs = MIN_BACKOFF_MS;
        boolean failing = false;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(url, props)) {
                current = c;
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (failing) {
                    LOG.info("tenant map LISTEN on {} works again", what);
                    failing = false;
                }
                backoffMs = MIN_BACKOFF_MS;
                try (PreparedStatement ps = c.prepareStatement(versionSql)) {
                    while (!closed) {
                        long v = readVersion(ps);
                        if (v != last) {
                            last = v;
                            report(v);
                        }
                        // Returns on the first notification or after the timeout; the payload is not trusted
                        // (another control schema in the same database may notify the same channel).
                        pg.getNotifications((int) Math.min(Integer.MAX_VALUE, pollIntervalMs));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (!failing) {
                    LOG.warn("tenant map LISTEN on {} failed, reconnecting: {}", what, e.toString());
                    failing = true;
                } else {
                    LOG.debug("tenant map LISTEN on {} still failing", what, e);
                }
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    break;
                }
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            } finally {
                current = null;
            }
        }
    }

    private long readVersion(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("map_version has no row", "TR010");
            }
            return rs.getLong(1);
        }
    }

    private void report(long v) {
        try {
            onChange.accept(v);
        } catch (RuntimeException e) {
            LOG.error("tenant map watch on {}: the change callback failed", what, e);
        }
    }

    /** Stops listening: closes the connection and waits for the thread at most a second. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // closing to unblock the reader; it is going away anyway
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
