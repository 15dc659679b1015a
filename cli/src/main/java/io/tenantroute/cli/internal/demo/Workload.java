package io.tenantroute.cli.internal.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's app: several threads, each holding ONE {@code jdbc:tenantroute:} connection for the whole run (as
 * an app's pooled connection would), doing short transactions for all tenants — reads, invoice inserts (with
 * lines, which have no tenant column) and customer updates — with the tenant set per transaction.
 *
 * <p>It records, for every statement, the target the driver says it ran on, and for every acknowledged write
 * a marker that the demo later looks for in each database. It checks as it goes that each statement ran on the
 * tenant's route at that time (for the tenant being moved: the old target before the freeze began, the new one
 * for statements started after the flip, either in between).
 *
 * <p>Thread-safe: the counters are concurrent; {@link #markFreeze()} and {@link #markFlip()} are called by the
 * demo's main thread while the workers run.
 */
public final class Workload {
    /** An acknowledged (committed) invoice insert. */
    public record Ack(String tenant, String marker, int lines, String target, long startNanos, long endNanos) {
    }

    /** The last acknowledged update of one customer (each customer is updated by one thread only). */
    public record Update(String tenant, long customerId, String marker, String target, long endNanos) {
    }

    /** A statement that ran somewhere it should not have, or read nothing where the tenant's rows must be. */
    public record Stray(String tenant, String what, String target, Set<String> expected) {
    }

    /** Phase of a statement relative to the live re-route. */
    public enum Phase { BEFORE, AFTER }

    private final String url;
    private final Properties props;
    private final List<DemoTenant> tenants;
    private final DemoData data;
    private final int threads;
    private final long seed;
    private final long pauseMs;
    private final String runId;
    private final Map<String, String> routes;
    private final String moved;
    private final String movedTo;

    private volatile long freezeAt = Long.MAX_VALUE;
    private volatile long flipAt = Long.MAX_VALUE;
    private volatile long stopAt;
    private volatile long lastOnOldTarget = Long.MIN_VALUE;

    /** Grace after an online move returns for routers to see the new route (the map reaches every JVM within 1 s). */
    static final long MAP_PROPAGATION_NANOS = 1_000_000_000L;
    private volatile String online;
    private volatile String onlineTo;
    private volatile long onlineStart = Long.MAX_VALUE;
    private volatile long onlineEnd = Long.MAX_VALUE;
    private final ConcurrentLinkedQueue<long[]> onlineWrites = new ConcurrentLinkedQueue<>();

    private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Map<String, Update> updates = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Stray> strays = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder transientErrors = new LongAdder();
    private final LongAdder units = new LongAdder();
    private final List<Thread> workers = new ArrayList<>();

    /**
     * @param url the app's {@code jdbc:tenantroute:} URL
     * @param props connection properties (user, password, {@code tenantroute.*})
     * @param tenants the tenants
     * @param data their generated data (customer ids)
     * @param threads worker threads (one connection each)
     * @param seed random seed
     * @param pauseMs think time between transactions, per thread
     * @param runId marker prefix unique to this run
     * @param routes each tenant's target at the start
     * @param moved the tenant re-routed halfway
     * @param movedTo its new target
     */
    public Workload(String url, Properties props, List<DemoTenant> tenants, DemoData data, int threads, long seed,
            long pauseMs, String runId, Map<String, String> routes, String moved, String movedTo) {
        this.url = url;
        this.props = props;
        this.tenants = tenants;
        this.data = data;
        this.threads = threads;
        this.seed = seed;
        this.pauseMs = pauseMs;
        this.runId = runId;
        this.routes = Map.copyOf(routes);
        this.moved = moved;
        this.movedTo = movedTo;
    }

    /**
     * Opens one connection per thread (failing fast if the driver refuses) and starts the threads.
     *
     * @param durationNanos how long they run
     */
    public void start(long durationNanos) throws SQLException {
        List<Connection> conns = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                Connection c = DriverManager.getConnection(url, props);
                conns.add(c);
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            for (Connection c : conns) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // failing anyway
                }
            }
            throw e;
        }
        stopAt = System.nanoTime() + durationNanos;
        for (int i = 0; i < threads; i++) {
            int n = i;
            Connection c = conns.get(i);
            Thread t = new Thread(() -> run(n, c), "demo-app-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Waits for every worker to finish its last transaction and close its connection. */
    public void await() throws InterruptedException {
        for (Thread t : workers) {
            t.join();
        }
    }

    /**
     * Lets the workers run at least until then (the demo gives the phase after the re-route as long as the phase
     * before it, however long the move took).
     *
     * @param nanoTime a {@link System#nanoTime()} instant
     */
    public void runUntilAtLeast(long nanoTime) {
        if (nanoTime > stopAt) {
            stopAt = nanoTime;
        }
    }

    /**
     * Sets when the workers stop (earlier or later than before); the demo keeps them running while a move of
     * unknown length goes on, then gives the phase after the re-route its share.
     *
     * @param nanoTime a {@link System#nanoTime()} instant
     */
    public void stopAt(long nanoTime) {
        stopAt = nanoTime;
    }

    /** Stops the workers early (e.g. on failure). */
    public void stop() {
        stopAt = System.nanoTime();
    }

    /** Records that the freeze of the moved tenant is about to be set. */
    public void markFreeze() {
        freezeAt = System.nanoTime();
    }

    /** Records that the flip (new target, active) of the moved tenant has been committed to the map. */
    public void markFlip() {
        flipAt = System.nanoTime();
    }

    /**
     * Declares the tenant that the migrator moves online during the run (before {@link #start}): its statements may
     * run on either target from {@link #markOnlineStart()} until {@link #MAP_PROPAGATION_NANOS} after
     * {@link #markOnlineEnd()}, and the latency of each of its write statements (and commits) is recorded.
     *
     * @param tenant the tenant
     * @param to its destination target
     */
    public void trackOnlineMove(String tenant, String to) {
        this.onlineTo = to;
        this.online = tenant;
    }

    /** Records that the online move is about to start. */
    public void markOnlineStart() {
        onlineStart = System.nanoTime();
    }

    /** Records that the online move returned (the route points at the destination). */
    public void markOnlineEnd() {
        onlineEnd = System.nanoTime();
    }

    /** @return nanoTime of {@link #markOnlineStart()} */
    public long onlineStart() {
        return onlineStart;
    }

    /** @return nanoTime of {@link #markOnlineEnd()} */
    public long onlineEnd() {
        return onlineEnd;
    }

    /**
     * The write pause the app saw: the longest write statement or commit of the online-moved tenant that overlaps
     * {@code [from, to]}.
     *
     * @param from nanoTime
     * @param to nanoTime
     * @return {@code {longest latency in ns, writes overlapping}}
     */
    public long[] longestOnlineWrite(long from, long to) {
        long max = 0;
        long n = 0;
        for (long[] w : onlineWrites) {
            if (w[1] >= from && w[0] <= to) {
                n++;
                max = Math.max(max, w[1] - w[0]);
            }
        }
        return new long[] {max, n};
    }

    /** @return nanoTime at which the last statement of the moved tenant on its old target ended */
    public long lastOnOldTarget() {
        return lastOnOldTarget;
    }

    /** @return nanoTime of {@link #markFlip()} */
    public long flipAt() {
        return flipAt;
    }

    /** @return nanoTime of {@link #markFreeze()} */
    public long freezeAt() {
        return freezeAt;
    }

    /** @return statements counted per tenant, phase and target */
    public long statements(String tenant, Phase phase, String target) {
        LongAdder a = statements.get(key(tenant, phase, target));
        return a == null ? 0 : a.sum();
    }

    /** @return every target some statement ran on */
    public Set<String> targetsSeen() {
        Set<String> s = new java.util.TreeSet<>();
        for (String k : statements.keySet()) {
            s.add(k.substring(k.lastIndexOf('\0') + 1));
        }
        return s;
    }

    /** @return acknowledged invoice inserts */
    public List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** @return the last acknowledged update per customer */
    public List<Update> updates() {
        return List.copyOf(updates.values());
    }

    /** @return statements that went astray as seen by the app itself */
    public List<Stray> strays() {
        return List.copyOf(strays);
    }

    /** @return errors by SQLState and first words of the message */
    public Map<String, Long> errors() {
        Map<String, Long> m = new java.util.TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** @return errors whose exception was transient (retryable, e.g. a frozen tenant's wait timed out) */
    public long transientErrors() {
        return transientErrors.sum();
    }

    /** @return transactions committed */
    public long units() {
        return units.sum();
    }

    /**
     * @param tenant a tenant
     * @param t0 statement start (nanoTime)
     * @param t1 statement end (nanoTime)
     * @return the targets the statement may have run on
     */
    Set<String> allowed(String tenant, long t0, long t1) {
        if (tenant.equals(online)) {
            if (t1 < onlineStart) {
                return Set.of(routes.get(tenant));
            }
            if (onlineEnd != Long.MAX_VALUE && t0 > onlineEnd + MAP_PROPAGATION_NANOS) {
                return Set.of(onlineTo);
            }
            return Set.of(routes.get(tenant), onlineTo);
        }
        if (!tenant.equals(moved)) {
            return Set.of(routes.get(tenant));
        }
        if (t1 < freezeAt) {
            return Set.of(routes.get(tenant));
        }
        if (t0 > flipAt) {
            return Set.of(movedTo);
        }
        return Set.of(routes.get(tenant), movedTo);
    }

    private void run(int n, Connection c) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + n);
        long seq = 0;
        try (c) {
            while (System.nanoTime() < stopAt) {
                DemoTenant t = tenants.get(rnd.nextInt(tenants.size()));
                int dice = rnd.nextInt(100);
                long txStart = System.nanoTime();
                try (AutoCloseable scope = AppRouting.tenant(t.id())) {
                    if (dice < 60) {
                        read(c, t, rnd);
                    } else if (dice < 85) {
                        insert(c, t, rnd, "m-" + runId + "-" + n + "-" + (++seq));
                    } else {
                        update(c, t, rnd, n, "u-" + runId + "-" + n + "-" + (++seq));
                    }
                    units.increment();
                } catch (Exception e) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the connection may be broken; the next transaction will tell
                    }
                    String state = e instanceof SQLException && ((SQLException) e).getSQLState() != null
                            ? ((SQLException) e).getSQLState() : "-";
                    if (e instanceof SQLTransientException) {
                        transientErrors.increment();
                    }
                    if (dice >= 60) {
                        timed(t, txStart); // a failed write transaction: the app waited all that time for nothing
                    }
                    errors.computeIfAbsent(t.id() + " " + state + " " + firstWords(e.getMessage()), k -> new LongAdder()).increment();
                    sleep(10);
                }
                if (pauseMs > 0) {
                    sleep(pauseMs);
                }
            }
        } catch (SQLException e) {
            errors.computeIfAbsent("close " + e.getSQLState() + " " + firstWords(e.getMessage()), k -> new LongAdder()).increment();
        }
    }

    private void read(Connection c, DemoTenant t, SplittableRandom rnd) throws SQLException {
        long[] cust = data.customersOf(t.id());
        long customer = cust[rnd.nextInt(cust.length)];
        long t0 = System.nanoTime();
        String target;
        boolean found;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, balance_cents FROM customers WHERE tenant_id = ? AND id = ?")) {
            ps.setString(1, t.id());
            ps.setLong(2, customer);
            try (ResultSet rs = ps.executeQuery()) {
                found = rs.next();
            }
            target = AppRouting.lastTarget(c);
        }
        long t1 = System.nanoTime();
        count(t.id(), "read customer", target, t0, t1);
        if (!found) {
            strays.add(new Stray(t.id(), "read customer " + customer + ": not found", target, allowed(t.id(), t0, t1)));
        }
        t0 = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT i.number, i.total_cents, count(l.id) FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
                        + " WHERE i.tenant_id = ? AND i.customer_id = ? GROUP BY i.id, i.number, i.total_cents ORDER BY i.id DESC LIMIT 10")) {
            ps.setString(1, t.id());
            ps.setLong(2, customer);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(3);
                }
            }
            target = AppRouting.lastTarget(c);
        }
        t1 = System.nanoTime();
        count(t.id(), "read invoices", target, t0, t1);
        c.commit();
    }

    private void insert(Connection c, DemoTenant t, SplittableRandom rnd, String marker) throws SQLException {
        long[] cust = data.customersOf(t.id());
        long customer = cust[rnd.nextInt(cust.length)];
        int lines = 1 + rnd.nextInt(3);
        long start = System.nanoTime();
        long invoiceId;
        String target;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoices (tenant_id, customer_id, number, status,"
                + " issued_on, total_cents, marker) VALUES (?, ?, ?, 'draft', ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, t.id());
            ps.setLong(2, customer);
            ps.setString(3, marker);
            ps.setObject(4, LocalDate.now());
            ps.setLong(5, 0);
            ps.setString(6, marker);
            ps.executeUpdate();
            timed(t, start);
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                invoiceId = keys.getLong(1);
            }
            target = AppRouting.lastTarget(c);
        }
        count(t.id(), "insert invoice", target, start, System.nanoTime());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invoice_lines (invoice_id, line_no, description,"
                + " quantity, unit_cents) VALUES (?, ?, ?, ?, ?)")) {
            for (int l = 1; l <= lines; l++) {
                long t0 = System.nanoTime();
                ps.setLong(1, invoiceId);
                ps.setInt(2, l);
                ps.setString(3, "Workload item " + l);
                ps.setInt(4, 1 + rnd.nextInt(5));
                ps.setLong(5, 1000 + rnd.nextInt(9000));
                ps.executeUpdate();
                timed(t, t0);
                String lt = AppRouting.lastTarget(c);
                count(t.id(), "insert invoice_line", lt, t0, System.nanoTime());
                if (!lt.equals(target)) {
                    strays.add(new Stray(t.id(), "invoice line left the transaction's target", lt, Set.of(target)));
                }
            }
        }
        long tc = System.nanoTime();
        c.commit();
        timed(t, tc);
        acks.add(new Ack(t.id(), marker, lines, target, start, System.nanoTime()));
    }

    private void update(Connection c, DemoTenant t, SplittableRandom rnd, int n, String marker) throws SQLException {
        long[] cust = data.customersOf(t.id());
        int slots = (cust.length - n + threads - 1) / threads;
        if (slots <= 0) {
            read(c, t, rnd);
            return;
        }
        long customer = cust[n + threads * rnd.nextInt(slots)];
        long t0 = System.nanoTime();
        int changed;
        String target;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE customers SET balance_cents = balance_cents + ?, last_marker = ? WHERE tenant_id = ? AND id = ?")) {
            ps.setLong(1, 100 + rnd.nextInt(1000));
            ps.setString(2, marker);
            ps.setString(3, t.id());
            ps.setLong(4, customer);
            changed = ps.executeUpdate();
            timed(t, t0);
            target = AppRouting.lastTarget(c);
        }
        long t1 = System.nanoTime();
        count(t.id(), "update customer", target, t0, t1);
        if (changed != 1) {
            strays.add(new Stray(t.id(), "update customer " + customer + " changed " + changed + " rows", target,
                    allowed(t.id(), t0, t1)));
        }
        long tc = System.nanoTime();
        c.commit();
        timed(t, tc);
        updates.put(t.id() + '\0' + customer, new Update(t.id(), customer, marker, target, System.nanoTime()));
    }

    private void timed(DemoTenant t, long t0) {
        if (t.id().equals(online)) {
            onlineWrites.add(new long[] {t0, System.nanoTime()});
        }
    }

    private void count(String tenant, String what, String target, long t0, long t1) {
        Phase phase = t1 < flipAt ? Phase.BEFORE : Phase.AFTER;
        statements.computeIfAbsent(key(tenant, phase, target), k -> new LongAdder()).increment();
        if (tenant.equals(moved) && target.equals(routes.get(moved)) && t1 > lastOnOldTarget) {
            lastOnOldTarget = t1; // a benign race between workers: only used to wait for quiet, never for a verdict
        }
        Set<String> ok = allowed(tenant, t0, t1);
        if (!ok.contains(target)) {
            strays.add(new Stray(tenant, what, target, ok));
        }
    }

    private static String key(String tenant, Phase phase, String target) {
        return tenant + '\0' + phase + '\0' + target;
    }

    private static String firstWords(String m) {
        if (m == null) {
            return "";
        }
        m = m.replace('\n', ' ');
        return m.length() > 100 ? m.substring(0, 100) + "…" : m;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
