package io.tenantroute.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tenantroute.driver.TenantRouteConnection;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load harness (issue 3, "Demo and benchmark"): the write pause an app sees while its tenant is moved online.
 *
 * <p>16 writer threads (an app: HikariCP, 16 connections, in front of {@code jdbc:tenantroute:}, tenant set with the
 * {@code tenantroute.tenant} URL property, driver defaults otherwise: map refresh 250 ms, frozen wait 5 s) write to
 * tenant {@code big} in a loop, autocommit, alternating an INSERT of a new invoice and
 * {@code UPDATE invoices SET revision = revision + 1} of the writer's own counter row. Each logical write is timed from
 * its first attempt to its acknowledgement (app-level retries of transient errors included, no think time);
 * latencies are kept as longs in per-thread arrays. After {@code --warmup} seconds an online
 * {@link io.tenantroute.migrator.TenantMover#move} of the tenant (seeded with {@code --rows} rows) to a
 * {@code dedicated} database starts; writers go on for {@code --after} seconds after it returns.
 *
 * <p>Reported: percentiles of the whole run, before the move, during copy/catch-up, and in the cutover window
 * (writes whose [start, end] overlaps [freeze step, move returned]); the longest write (the longest pause). When the
 * mover throttled the tenant before the freeze (its backlog was not draining), the throttled window [throttle, freeze]
 * is reported on its own.
 * Lost writes: per writer, acknowledged inserts vs its rows on the target, acknowledged counter increments vs the
 * counter on the target; extra rows; and rows acknowledged on {@code dedicated} that also reached the source.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.tenantroute.bench.CutoverPauseBench [pg|mariadb]
 * [--rows N] [--writers 16] [--warmup S] [--after S] [--refresh-ms N] [--rate W] [--no-throttle]}; {@code --rate}: writes per second per
 * writer (default: as fast as each can — the saturating worst case); {@code --no-throttle}: the move never throttles the
 * tenant ({@code MoveRequest#withThrottle(false)}). Creates and drops its databases.
 */
public final class CutoverPauseBench {
    private CutoverPauseBench() {
    }

    private static void log(String fmt, Object... a) {
        System.out.println(String.format(Locale.ROOT, "%tT ", System.currentTimeMillis()) + String.format(Locale.ROOT, fmt, a));
    }

    /** One writer's record: start and latency of each acknowledged write, in ns. */
    static final class Rec {
        long[] start = new long[1 << 16];
        long[] lat = new long[1 << 16];
        byte[] tries = new byte[1 << 16];
        int n;
        long insertsShared;
        long insertsDedicated;
        long increments;
        long retries;
        long dupOnRetry;
        long nextId;
        final Map<String, Long> errors = new TreeMap<>();

        void add(long s, long l, int attempts) {
            if (n == start.length) {
                start = Arrays.copyOf(start, n * 2);
                lat = Arrays.copyOf(lat, n * 2);
                tries = Arrays.copyOf(tries, n * 2);
            }
            start[n] = s;
            lat[n] = l;
            tries[n] = (byte) Math.min(attempts, 127);
            n++;
        }
    }

    public static void main(String[] args) throws Exception {
        BenchDb.Kind kind = BenchDb.Kind.PG;
        long rows = 200_000;
        int writers = 16;
        int warmup = 5;
        int after = 3;
        String refresh = null;
        double rate = 0;
        boolean throttle = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--after" -> after = Integer.parseInt(args[++i]);
                case "--refresh-ms" -> refresh = args[++i];
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--no-throttle" -> throttle = false;
                default -> kind = BenchDb.Kind.parse(args[i]);
            }
        }
        try (BenchDb db = new BenchDb(kind)) {
            run(db, rows, writers, warmup, after, refresh, rate, throttle);
        }
    }

    private static void run(BenchDb db, long rows, int writers, int warmup, int after, String refresh, double rate, boolean throttle)
            throws Exception {
        log("[%s] setup: tenant big %,d rows, %d writers, %s; load %s", db.kind, rows, writers,
                (rate > 0 ? rate + " writes/s each" : "each as fast as it can") + (throttle ? "" : ", no throttle"), BenchDb.loadAverage());
        WRITE_INTERVAL_NANOS = rate > 0 ? (long) (1e9 / rate) : 0;
        String src = db.create("src");
        String dst = db.create("dst");
        db.createInvoices(src);
        db.seed(src, "big", 1, rows);
        db.seed(src, "small", 500_000_000L, 10_000);
        // one counter row per writer
        db.seed(src, "big", 900_000_000L, writers);
        try (MoveWorld w = new MoveWorld(db, src, dst)) {
            String url = "jdbc:tenantroute:" + db.url(src).substring("jdbc:".length());
            url += (url.contains("?") ? "&" : "?") + "tenantroute.tenant=big&tenantroute.control-schema=" + w.controlSchema
                    + "&tenantroute.pool-size=" + writers + (refresh == null ? "" : "&tenantroute.map-refresh-ms=" + refresh);
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(url);
            cfg.setMaximumPoolSize(writers);
            cfg.setMinimumIdle(writers);
            cfg.setPoolName("app");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Rec[] recs = new Rec[writers];
            List<Thread> threads = new ArrayList<>();
            try (HikariDataSource app = new HikariDataSource(cfg)) {
                for (int i = 0; i < writers; i++) {
                    Rec r = new Rec();
                    recs[i] = r;
                    r.nextId = 1_000_000_000L + i * 10_000_000L;
                    final long counterId = 900_000_000L + i;
                    Thread t = new Thread(() -> write(app, r, counterId, stop, failure), "writer-" + i);
                    threads.add(t);
                }
                long runStart = System.nanoTime();
                threads.forEach(Thread::start);
                Thread.sleep(warmup * 1000L);
                Map<String, Long> steps = new ConcurrentHashMap<>();
                MoveListener l = new MoveListener() {
                    @Override
                    public void step(String step, String detail) {
                        steps.putIfAbsent(step, System.nanoTime());
                        log("[%s]   move step %s %s", db.kind, step, detail == null ? "" : detail);
                    }
                };
                String loadBefore = BenchDb.loadAverage();
                long m0 = System.nanoTime();
                MoveResult res;
                try {
                    res = w.mover.move(MoveRequest.of("big", "dedicated").withThrottle(throttle), l);
                } finally {
                    long m1x = System.nanoTime();
                    steps.put("<returned>", m1x);
                    Thread.sleep(after * 1000L);
                    stop.set(true);
                    for (Thread t : threads) {
                        t.join(30_000);
                    }
                }
                long m1 = steps.get("<returned>");
                String loadAfter = BenchDb.loadAverage();
                if (failure.get() != null) {
                    throw new IllegalStateException("a writer failed", failure.get());
                }
                long freeze = steps.getOrDefault("freeze", m1);
                long copy = steps.getOrDefault("copy", m0);
                System.out.println();
                System.out.printf(Locale.ROOT, "== %s cutover, tenant of %,d rows, %d writers via HikariCP + jdbc:tenantroute:%s ==%n",
                        db.kind, rows, writers, refresh == null ? "" : " (map-refresh-ms " + refresh + ")");
                System.out.printf(Locale.ROOT, "move: %.2f s (copy step at +%.2f s, freeze at +%.2f s), rowsCopied %,d, rowsReplayed %,d,"
                        + " mover's writePauseMillis %d, verify %s; load before %s, after %s%n",
                        (m1 - m0) / 1e9, (copy - m0) / 1e9, (freeze - m0) / 1e9, res.rowsCopied(), res.rowsReplayed(), res.writePauseMillis(),
                        res.verification().matches() ? "match" : "MISMATCH", loadBefore, loadAfter);
                report("whole run", recs, runStart, Long.MAX_VALUE);
                report("before move", recs, runStart, m0);
                Long throttled = steps.get("throttle");
                if (throttled != null) {
                    // the mover throttled the tenant's transactions because the backlog was not draining
                    report("move until throttle", recs, m0, throttled);
                    report("throttled (throttle..freeze)", recs, throttled, freeze);
                } else {
                    report("move until freeze", recs, m0, freeze);
                }
                report("cutover window (freeze..move returned)", recs, freeze, m1);
                report("after move", recs, m1, Long.MAX_VALUE);
                slowest(recs, freeze, m1, steps, 5);
            }
            // close the driver's per-target pools and map watchers before the databases are dropped
            io.tenantroute.driver.TenantRouteDriver.shutdown();
            verify(db, src, dst, recs);
        }
    }

    /** {@code --rate}: each writer's pace (0: as fast as it can, the saturating worst case). */
    private static long WRITE_INTERVAL_NANOS;

    private static void write(HikariDataSource app, Rec r, long counterId, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        boolean insert = true;
        long due = System.nanoTime();
        try {
            while (!stop.get()) {
                if (WRITE_INTERVAL_NANOS > 0) {
                    due += WRITE_INTERVAL_NANOS;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                }
                long id = r.nextId;
                long s = System.nanoTime();
                int attempts = 0;
                for (int attempt = 0; ; attempt++) {
                    attempts = attempt + 1;
                    try (Connection c = app.getConnection()) {
                        if (insert) {
                            try (PreparedStatement p = c.prepareStatement(
                                    "INSERT INTO invoices (id, tenant_id, customer, description, amount) VALUES (?, ?, ?, ?, ?)")) {
                                p.setLong(1, id);
                                p.setString(2, "big");
                                p.setString(3, "Customer " + (id % 5000));
                                p.setString(4, "written during the move");
                                p.setBigDecimal(5, java.math.BigDecimal.valueOf(id % 100000, 2));
                                p.executeUpdate();
                            }
                            if ("dedicated".equals(c.unwrap(TenantRouteConnection.class).lastTarget())) {
                                r.insertsDedicated++;
                            } else {
                                r.insertsShared++;
                            }
                            r.nextId++;
                        } else {
                            try (PreparedStatement p = c.prepareStatement(
                                    "UPDATE invoices SET revision = revision + 1 WHERE id = ? AND tenant_id = ?")) {
                                p.setLong(1, counterId);
                                p.setString(2, "big");
                                int n = p.executeUpdate();
                                if (n != 1) {
                                    throw new IllegalStateException("counter row " + counterId + " updated " + n + " rows");
                                }
                            }
                            r.increments++;
                        }
                        break;
                    } catch (SQLException e) {
                        String st = String.valueOf(e.getSQLState());
                        if (insert && attempt > 0 && (st.equals("23505") || e.getErrorCode() == 1062)) {
                            // an earlier attempt that reported an error did commit: count it as acknowledged now
                            r.dupOnRetry++;
                            r.insertsDedicated++;
                            r.nextId++;
                            break;
                        }
                        r.errors.merge(st + " " + firstLine(e.getMessage()), 1L, Long::sum);
                        if (attempt >= 100) {
                            throw e;
                        }
                        r.retries++;
                    }
                }
                r.add(s, System.nanoTime() - s, attempts);
                insert = !insert;
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        m = m.replaceAll("'big'", "'…'");
        int nl = m.indexOf('\n');
        String s = nl < 0 ? m : m.substring(0, nl);
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    private static void report(String name, Rec[] recs, long from, long to) {
        long total = 0;
        for (Rec r : recs) {
            total += r.n;
        }
        long[] l = new long[(int) total];
        int k = 0;
        for (Rec r : recs) {
            for (int i = 0; i < r.n; i++) {
                long s = r.start[i];
                long e = s + r.lat[i];
                if (e >= from && s <= to) {
                    l[k++] = r.lat[i];
                }
            }
        }
        l = Arrays.copyOf(l, k);
        Arrays.sort(l);
        if (k == 0) {
            System.out.printf(Locale.ROOT, "%-40s no writes%n", name);
            return;
        }
        double secs = to == Long.MAX_VALUE ? Double.NaN : (to - from) / 1e9;
        System.out.printf(Locale.ROOT, "%-40s writes %,8d%s  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms%n", name, k,
                Double.isNaN(secs) ? "" : String.format(Locale.ROOT, " in %6.2f s", secs), pct(l, 0.50), pct(l, 0.99), pct(l, 0.999),
                l[k - 1] / 1e6);
    }

    /**
     * The {@code k} slowest writes of the cutover window, each with its start and end relative to the freeze, and the
     * mover's steps on the same clock: tells a write held by the freeze from one the database was slow with.
     */
    private static void slowest(Rec[] recs, long from, long to, Map<String, Long> steps, int k) {
        List<long[]> w = new ArrayList<>();
        for (Rec r : recs) {
            for (int i = 0; i < r.n; i++) {
                long s = r.start[i];
                long e = s + r.lat[i];
                if (e >= from && s <= to) {
                    w.add(new long[] {s, e, r.tries[i]});
                }
            }
        }
        w.sort((a, b) -> Long.compare(b[1] - b[0], a[1] - a[0]));
        StringBuilder b = new StringBuilder("steps (ms from the freeze):");
        steps.entrySet().stream().filter(e -> e.getValue() >= from - 1_000_000_000L).sorted(Map.Entry.comparingByValue())
                .forEach(e -> b.append(String.format(Locale.ROOT, " %s %+.1f", e.getKey(), (e.getValue() - from) / 1e6)));
        System.out.println(b);
        for (int i = 0; i < Math.min(k, w.size()); i++) {
            long[] x = w.get(i);
            System.out.printf(Locale.ROOT, "  slow write %d: %.1f ms, from %+.1f to %+.1f ms, %d attempt(s)%n", i + 1, (x[1] - x[0]) / 1e6,
                    (x[0] - from) / 1e6, (x[1] - from) / 1e6, x[2]);
        }
    }

    private static double pct(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static void verify(BenchDb db, String src, String dst, Rec[] recs) throws SQLException {
        long ackIns = 0;
        long ackInc = 0;
        long lostIns = 0;
        long extraIns = 0;
        long lostInc = 0;
        long extraInc = 0;
        long leaked = 0;
        long retries = 0;
        long dup = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (int i = 0; i < recs.length; i++) {
            Rec r = recs[i];
            long lo = 1_000_000_000L + i * 10_000_000L;
            long inserts = r.insertsShared + r.insertsDedicated;
            long onTarget = db.count(dst, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'big' AND id >= " + lo + " AND id < " + (lo + 10_000_000L));
            long counter = db.count(dst, "SELECT revision FROM invoices WHERE id = " + (900_000_000L + i));
            long onSource = db.count(src, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'big' AND id >= " + lo + " AND id < " + (lo + 10_000_000L));
            ackIns += inserts;
            ackInc += r.increments;
            lostIns += Math.max(0, inserts - onTarget);
            extraIns += Math.max(0, onTarget - inserts);
            lostInc += Math.max(0, r.increments - counter);
            extraInc += Math.max(0, counter - r.increments);
            leaked += Math.max(0, onSource - r.insertsShared);
            retries += r.retries;
            dup += r.dupOnRetry;
            r.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
        }
        System.out.printf(Locale.ROOT, "acknowledged: %,d inserts, %,d counter increments; app-level retries %,d (inserts found committed on retry: %d)%n",
                ackIns, ackInc, retries, dup);
        System.out.printf(Locale.ROOT, "lost writes: %d (inserts missing on target %d, increments missing %d); extra: inserts %d, increments %d;"
                + " inserts acknowledged on dedicated that reached the source: %d%n", lostIns + lostInc, lostIns, lostInc, extraIns, extraInc, leaked);
        errors.forEach((k, v) -> System.out.printf(Locale.ROOT, "  error seen by the app x%d: %s%n", v, k));
    }
}
