package io.tenantroute.bench;

import io.tenantroute.config.Dialect;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveMode;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Copier;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.Planner;
import io.tenantroute.migrator.internal.TableJob;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Load harness (issue 3, "Demo and benchmark"): how fast TenantRoute copies a big tenant compared with the
 * physical limit on the same machine and server.
 *
 * <p>Setup: a shared database with {@code invoices} (9 columns: bigint key, tenant, text, text, numeric, char,
 * timestamp, varchar, int; primary key + index on (tenant_id, issued_at)) holding tenant {@code big} with
 * {@code --rows} rows (default 1,000,000) and 4 other tenants of {@code --others} rows each (default 50,000).
 *
 * <p>Limit (run before and after TenantRoute's copy, into an empty table with the same DDL, in a database of its own):
 * <ul>
 *   <li>PostgreSQL, in-process: pgjdbc CopyManager, {@code COPY (SELECT * FROM invoices WHERE tenant_id = 'big') TO STDOUT}
 *       piped buffer by buffer into {@code COPY invoices FROM STDIN} (source in a REPEATABLE READ read-only
 *       transaction, target in one transaction — the same shape as the migrator's copier);</li>
 *   <li>PostgreSQL, subprocess: {@code psql -c "COPY (…) TO STDOUT" | psql -c "COPY invoices FROM STDIN"};</li>
 *   <li>MariaDB: {@code mysqldump --no-create-info --skip-triggers --where "tenant_id='big'" db invoices | mysql target}.</li>
 * </ul>
 * TenantRoute: {@link io.tenantroute.migrator.TenantMover#move} of tenant {@code big} to a {@code dedicated}
 * target (online mode by default, {@code --offline} for offline), no concurrent writers. The copy rate is
 * rows / (tableDone − tableStarted) of {@code invoices} as reported to the {@link MoveListener}; the whole move's
 * wall time (plan, schema, capture, copy, catch-up, cutover, verify) is reported next to it.
 *
 * <p>Paired rounds ({@code --rounds N}, default 3) follow the move: in each, the limit and TenantRoute's table copier
 * ({@link Copier#copy}, what the copy step runs per table) copy tenant {@code big} into the emptied limit table back
 * to back (alternating which goes first), and the ratio is taken within the round — on a machine shared with other
 * work, single runs minutes apart differ by more than the effect being measured.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.tenantroute.bench.MoveCopyRateBench [pg|mariadb|both]
 * [--rows N] [--others N] [--offline] [--rounds N]} ({@code --help}). Creates and drops its databases ({@code trb_*}).
 * Prints plain lines.
 */
public final class MoveCopyRateBench {
    private MoveCopyRateBench() {
    }

    public static void main(String[] args) throws Exception {
        String which = "both";
        long rows = 1_000_000;
        long others = 50_000;
        boolean offline = false;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--others" -> others = Long.parseLong(args[++i].replace("_", ""));
                case "--offline" -> offline = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.println(HELP);
                    return;
                }
                case "pg", "postgres", "postgresql", "mariadb", "mysql", "both" -> which = args[i];
                default -> {
                    System.err.println("unknown argument " + args[i] + "\n" + HELP);
                    System.exit(2);
                }
            }
        }
        List<BenchDb.Kind> kinds = which.equals("both") ? List.of(BenchDb.Kind.PG, BenchDb.Kind.MARIADB) : List.of(BenchDb.Kind.parse(which));
        for (BenchDb.Kind k : kinds) {
            run(k, rows, others, offline, rounds);
        }
    }

    private static final String HELP = """
            MoveCopyRateBench [pg|mariadb|both] [--rows N] [--others N] [--offline] [--rounds N]
              pg|mariadb|both  engine(s) (default both); servers from TENANTROUTE_BENCH_PG_URL / TENANTROUTE_BENCH_MYSQL_URL
              --rows N         rows of the moved tenant 'big' (default 1000000)
              --others N       rows of each of the 4 other tenants (default 50000)
              --offline        offline move instead of online
              --rounds N       paired rounds after the move (default 3): the physical limit and TenantRoute's table
                               copier (Copier.copy, the move's copy step) back to back on the same data, so both
                               see the same machine load; the ratio is taken per round
            Needs psql (PostgreSQL) or mysqldump and mysql (MariaDB) on the PATH. Creates and drops trb_* databases.""";

    private static void log(String fmt, Object... a) {
        System.out.println(String.format(Locale.ROOT, "%tT ", System.currentTimeMillis()) + String.format(Locale.ROOT, fmt, a));
    }

    private static void run(BenchDb.Kind kind, long rows, long others, boolean offline, int rounds) throws Exception {
        try (BenchDb db = new BenchDb(kind)) {
            log("[%s] setup: tenant big %,d rows + 4 tenants x %,d rows; load %s", kind, rows, others, BenchDb.loadAverage());
            String src = db.create("src");
            String lim = db.create("lim");
            String dst = db.create("dst");
            db.createInvoices(src);
            db.createInvoices(lim);
            long t0 = System.nanoTime();
            db.seed(src, "big", 1, rows);
            for (int i = 0; i < 4; i++) {
                db.seed(src, "other" + i, 100_000_000L * (i + 1), others);
            }
            log("[%s] seeded in %.1f s", kind, (System.nanoTime() - t0) / 1e9);

            if (kind == BenchDb.Kind.PG) {
                // warm the JIT for pgjdbc's copy path (shared with the migrator's copier) on another tenant; not measured
                long w0 = System.nanoTime();
                long n = pgCopyPipe(db, src, lim, "other0");
                truncate(db, lim);
                log("[%s] warm-up pipe of tenant other0: %,d rows in %.2f s (not counted)", kind, n, (System.nanoTime() - w0) / 1e9);
            }
            List<Double> limits = new ArrayList<>();
            List<String> limitLines = new ArrayList<>();
            limitRound(db, src, lim, rows, limits, limitLines, "before");

            // TenantRoute
            Map<String, Long> started = new ConcurrentHashMap<>();
            Map<String, Long> done = new ConcurrentHashMap<>();
            Map<String, Long> doneRows = new ConcurrentHashMap<>();
            MoveListener l = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    log("[%s]   move step %s %s", kind, step, detail == null ? "" : detail);
                }

                @Override
                public void tableStarted(String table, long expectedRows) {
                    started.put(table, System.nanoTime());
                }

                @Override
                public void tableDone(String table, long rowsCopied) {
                    done.put(table, System.nanoTime());
                    doneRows.put(table, rowsCopied);
                }
            };
            String load = BenchDb.loadAverage();
            MoveResult res;
            long m0;
            long m1;
            try (MoveWorld w = new MoveWorld(db, src, dst)) {
                MoveRequest req = MoveRequest.of("big", "dedicated").withMode(offline ? MoveMode.OFFLINE : MoveMode.ONLINE);
                m0 = System.nanoTime();
                res = w.mover.move(req, l);
                m1 = System.nanoTime();
            }
            long copied = doneRows.getOrDefault("invoices", -1L);
            double copySec = (done.get("invoices") - started.get("invoices")) / 1e9;
            double trRate = copied / copySec;
            double moveSec = (m1 - m0) / 1e9;
            long onTarget = db.count(dst, "SELECT COUNT(*) FROM invoices WHERE tenant_id = 'big'");
            String trLine = String.format(Locale.ROOT,
                    "TenantRoute %s move, copy step: %,d rows in %.2f s = %,.0f rows/s; whole move %.2f s = %,.0f rows/s"
                            + " (rowsCopied %,d, on target %,d, verify %s, write pause %d ms); load %s",
                    offline ? "offline" : "online", copied, copySec, trRate, moveSec, rows / moveSec, res.rowsCopied(), onTarget,
                    res.verification().matches() ? "match" : "MISMATCH", res.writePauseMillis(), load);
            log("[%s] %s", kind, trLine);

            limitRound(db, src, lim, rows, limits, limitLines, "after");

            // Paired rounds: limit and TenantRoute's copier back to back, alternating which goes first.
            List<String> roundLines = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                List<Double> rl = new ArrayList<>();
                List<String> ll = new ArrayList<>();
                double tr;
                if (r % 2 == 1) {
                    limitRound(db, src, lim, rows, rl, ll, "round " + r);
                    roundLines.addAll(ll);
                    tr = copierRound(db, src, lim, rows, roundLines, r);
                } else {
                    tr = copierRound(db, src, lim, rows, roundLines, r);
                    limitRound(db, src, lim, rows, rl, ll, "round " + r);
                    roundLines.addAll(ll);
                }
                // the tool pipe is the limit the goal names (psql | psql, mysqldump | mysql): the last line of limitRound
                double tool = rl.get(rl.size() - 1);
                ratios.add(tr / tool);
                roundLines.add(String.format(Locale.ROOT, "round %d: copier / %s = %.1f %%%s", r,
                        kind == BenchDb.Kind.PG ? "psql|psql" : "mysqldump|mysql", 100 * tr / tool,
                        rl.size() > 1 ? String.format(Locale.ROOT, "; copier / in-process pipe = %.1f %%", 100 * tr / rl.get(0)) : ""));
            }

            double best = limits.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            double mean = limits.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            System.out.println();
            System.out.printf(Locale.ROOT, "== %s, tenant of %,d rows ==%n", kind, rows);
            limitLines.forEach(s -> System.out.println("limit: " + s));
            System.out.println(trLine);
            System.out.printf(Locale.ROOT, "ratio (copy step / best limit) = %.1f %%; (copy step / mean limit) = %.1f %%;"
                    + " (whole move / best limit) = %.1f %%; goal >= %d %%%n%n",
                    100 * trRate / best, 100 * trRate / mean, 100 * (rows / moveSec) / best, kind == BenchDb.Kind.PG ? 90 : 80);
            if (!ratios.isEmpty()) {
                roundLines.forEach(System.out::println);
                List<Double> sorted = new ArrayList<>(ratios);
                sorted.sort(Double::compare);
                System.out.printf(Locale.ROOT, "paired rounds: copier / %s = %.1f–%.1f %% (median %.1f %%, %d rounds); goal >= %d %%%n%n",
                        kind == BenchDb.Kind.PG ? "psql|psql" : "mysqldump|mysql", 100 * sorted.get(0), 100 * sorted.get(sorted.size() - 1),
                        100 * sorted.get(sorted.size() / 2), sorted.size(), kind == BenchDb.Kind.PG ? 90 : 80);
            }
        }
    }

    private static void limitRound(BenchDb db, String src, String lim, long rows, List<Double> rates, List<String> lines, String when)
            throws Exception {
        if (db.kind == BenchDb.Kind.PG) {
            truncate(db, lim);
            String load = BenchDb.loadAverage();
            long t0 = System.nanoTime();
            long n = pgCopyPipe(db, src, lim);
            double s = (System.nanoTime() - t0) / 1e9;
            check(db, lim, rows, n);
            rates.add(n / s);
            lines.add(String.format(Locale.ROOT, "%s: pgjdbc CopyManager pipe (in-process): %,d rows in %.2f s = %,.0f rows/s; load %s",
                    when, n, s, n / s, load));
            log("[%s] limit %s", db.kind, lines.get(lines.size() - 1));
            truncate(db, lim);
            load = BenchDb.loadAverage();
            String conn = "psql -X -q -h " + db.host() + " -p " + db.port() + " -U postgres -d ";
            String cmd = conn + src + " -c \"COPY (SELECT * FROM invoices WHERE tenant_id = 'big') TO STDOUT\" | " + conn + lim
                    + " -c \"COPY invoices FROM STDIN\"";
            t0 = System.nanoTime();
            shell(cmd);
            s = (System.nanoTime() - t0) / 1e9;
            n = db.count(lim, "SELECT COUNT(*) FROM invoices");
            check(db, lim, rows, n);
            rates.add(n / s);
            lines.add(String.format(Locale.ROOT, "%s: psql | psql (subprocess): %,d rows in %.2f s = %,.0f rows/s; load %s",
                    when, n, s, n / s, load));
            log("[%s] limit %s", db.kind, lines.get(lines.size() - 1));
        } else {
            truncate(db, lim);
            String load = BenchDb.loadAverage();
            String conn = " -h " + db.host() + " -P " + db.port() + " -u root ";
            String cmd = "mysqldump" + conn + "--no-create-info --skip-triggers --where \"tenant_id='big'\" " + src + " invoices | mysql" + conn + lim;
            long t0 = System.nanoTime();
            shell(cmd);
            double s = (System.nanoTime() - t0) / 1e9;
            long n = db.count(lim, "SELECT COUNT(*) FROM invoices");
            check(db, lim, rows, n);
            rates.add(n / s);
            lines.add(String.format(Locale.ROOT, "%s: mysqldump --where | mysql: %,d rows in %.2f s = %,.0f rows/s; load %s",
                    when, n, s, n / s, load));
            log("[%s] limit %s", db.kind, lines.get(lines.size() - 1));
        }
    }

    /**
     * TenantRoute's table copier on its own ({@link Copier#copy}, what the move's copy step runs per table), tenant
     * {@code big} from the source into the empty limit table; connections from {@link TargetConnector#direct()} as
     * in a move.
     *
     * @return rows/s
     */
    private static double copierRound(BenchDb db, String src, String lim, long rows, List<String> lines, int round) throws Exception {
        truncate(db, lim);
        Dialect e = db.kind == BenchDb.Kind.PG ? Dialect.POSTGRESQL : Dialect.MYSQL;
        String srcSchema = e == Dialect.POSTGRESQL ? "public" : src;
        String limSchema = e == Dialect.POSTGRESQL ? "public" : lim;
        TableJob job;
        try (Connection c = db.connect(src)) {
            Map<String, Catalog.Table> tables = Catalog.read(c, e, srcSchema);
            Ownership own = Planner.owned(tables, "tenant_id", Map.of()).stream().filter(o -> o.table().equals("invoices")).findFirst()
                    .orElseThrow();
            job = new TableJob(tables.get("invoices"), own);
        }
        String load = BenchDb.loadAverage();
        TargetConnector tc = TargetConnector.direct();
        long n;
        long t0;
        double s;
        try (Connection sc = tc.open(new Target("src", db.url(src), null, PasswordRef.NONE, 0));
             Connection lc = tc.open(new Target("lim", db.url(lim), null, PasswordRef.NONE, 0))) {
            t0 = System.nanoTime();
            n = Copier.copy(e, sc, srcSchema, lc, limSchema, job, "big", x -> { });
            s = (System.nanoTime() - t0) / 1e9;
        }
        check(db, lim, rows, n);
        check(db, lim, rows, db.count(lim, "SELECT COUNT(*) FROM invoices"));
        lines.add(String.format(Locale.ROOT, "round %d: TenantRoute copier (Copier.copy): %,d rows in %.2f s = %,.0f rows/s; load %s",
                round, n, s, n / s, load));
        log("[%s] %s", db.kind, lines.get(lines.size() - 1));
        return n / s;
    }

    private static void check(BenchDb db, String lim, long expected, long n) throws SQLException {
        if (n != expected) {
            throw new IllegalStateException("limit copy into " + lim + " gave " + n + " rows, expected " + expected);
        }
    }

    private static void truncate(BenchDb db, String lim) throws SQLException {
        try (Connection c = db.connect(lim); Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE invoices");
        }
    }

    private static long pgCopyPipe(BenchDb db, String src, String lim) throws SQLException {
        return pgCopyPipe(db, src, lim, "big");
    }

    private static long pgCopyPipe(BenchDb db, String src, String lim, String tenant) throws SQLException {
        try (Connection s = db.connect(src); Connection t = db.connect(lim)) {
            s.setAutoCommit(false);
            s.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            s.setReadOnly(true);
            t.setAutoCommit(false);
            CopyOut co = s.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM invoices WHERE tenant_id = '" + tenant + "') TO STDOUT");
            CopyIn ci = t.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY invoices FROM STDIN");
            byte[] buf;
            while ((buf = co.readFromCopy()) != null) {
                ci.writeToCopy(buf, 0, buf.length);
            }
            long n = ci.endCopy();
            t.commit();
            s.commit();
            return n;
        }
    }

    private static void shell(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("exit " + rc + " from: " + cmd + "\n" + out);
        }
    }
}
