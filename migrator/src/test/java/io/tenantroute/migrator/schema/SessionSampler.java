package io.tenantroute.migrator.schema;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Samples, every 20 ms, the server's own list of sessions (PostgreSQL {@code pg_stat_activity}, MySQL
 * {@code information_schema.processlist}) connected to a set of databases — what {@code --per-server} limits, seen
 * from the server, not from our scheduler.
 *
 * <p>A backend the client has just closed can linger in the list for a moment after its replacement connected, so a
 * sample alone over-counts by one now and then. {@link #sustainedMax()} is the largest number of sessions that stayed
 * the same sessions over {@link #SUSTAIN} consecutive samples (≥ 80 ms): a real overrun (locations that each hold their
 * session for ≥ 300 ms) shows there, a lingering backend does not.
 */
final class SessionSampler implements AutoCloseable {
    static final int SUSTAIN = 5;

    private final TestServer server;
    private final List<String> databases = new ArrayList<>();
    private final List<Set<Long>> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Exception failure;

    SessionSampler(TestServer server, List<TestDatabase> dbs) {
        this.server = server;
        for (TestDatabase d : dbs) {
            databases.add(d.name());
        }
        thread = new Thread(this::loop, "session-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        boolean pg = server.engine() == Engine.POSTGRESQL;
        String in = String.join(",", java.util.Collections.nCopies(databases.size(), "?"));
        String sql = pg ? "SELECT pid FROM pg_stat_activity WHERE datname IN (" + in + ") AND pid <> pg_backend_pid()"
                : "SELECT id FROM information_schema.processlist WHERE db IN (" + in + ") AND id <> CONNECTION_ID()";
        try (Connection c = server.admin(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < databases.size(); i++) {
                p.setString(i + 1, databases.get(i));
            }
            while (!stop) {
                Set<Long> now = new HashSet<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        now.add(r.getLong(1));
                    }
                }
                synchronized (samples) {
                    samples.add(now);
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** @return the most sessions seen in one sample (may include a backend that was closing) */
    int rawMax() {
        synchronized (samples) {
            return samples.stream().mapToInt(Set::size).max().orElse(0);
        }
    }

    /** @return the most sessions that were the same sessions in {@link #SUSTAIN} consecutive samples */
    int sustainedMax() {
        synchronized (samples) {
            int best = 0;
            for (int i = 0; i + SUSTAIN <= samples.size(); i++) {
                Set<Long> common = new HashSet<>(samples.get(i));
                for (int k = 1; k < SUSTAIN; k++) {
                    common.retainAll(samples.get(i + k));
                }
                best = Math.max(best, common.size());
            }
            return best;
        }
    }

    int samples() {
        synchronized (samples) {
            return samples.size();
        }
    }

    @Override
    public void close() throws Exception {
        stop = true;
        thread.join(5000);
        if (failure != null) {
            throw failure;
        }
    }
}
