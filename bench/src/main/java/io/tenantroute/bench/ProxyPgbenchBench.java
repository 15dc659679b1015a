package io.tenantroute.bench;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.proxy.ProxyConfig;
import io.tenantroute.proxy.TenantRouteProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL proxy against PgBouncer and a direct connection (issue 11's benchmark): {@code pgbench -S} (point
 * selects on pgbench_accounts) at 1 and 16 clients, {@code -M simple} and {@code -M extended} (and {@code -M prepared},
 * which Debian's PgBouncer 1.18 cannot pool), through the three paths interleaved in every round, so that the machine's
 * state is the same for all three. PgBouncer runs in transaction mode with the proxy's pool size; the proxy runs in
 * this JVM (an idle harness thread beside it) with SQL inference on, as a user would run it.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.tenantroute.bench.ProxyPgbenchBench [--seconds 10] [--rounds 3] [--pool 10] [--scale 10]
 * </pre>
 *
 * Prints one line per run and a table of the medians. Needs {@code pgbench} and {@code pgbouncer} on the PATH (Debian:
 * {@code postgresql}, {@code pgbouncer}); as root, PgBouncer is started with {@code -u postgres}.
 */
public final class ProxyPgbenchBench {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");
    private static final Pattern FAILED = Pattern.compile("number of failed transactions: ([0-9]+)");

    private ProxyPgbenchBench() {
    }

    private record Run(String path, String mode, int clients, double tps, double latencyMs, long failed) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        int pool = 10;
        int scale = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds": seconds = Integer.parseInt(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--pool": pool = Integer.parseInt(args[++i]); break;
                case "--scale": scale = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        try (BenchDb server = new BenchDb(BenchDb.Kind.PG)) {
            String db = server.create("pgb");
            exec(List.of("pgbench", "-i", "-q", "-s", Integer.toString(scale), "-h", server.host(), "-p", server.port(), "-U", "postgres", db), 600);
            try (Connection c = server.connect(db)) {
                ControlSchema.init(c, ControlSchema.DEFAULT_SCHEMA);
            }
            Path dir = Files.createTempDirectory("trbench-pgbouncer");
            int bouncerPort = freePort();
            Process bouncer = startPgbouncer(dir, server.host(), server.port(), db, bouncerPort, pool);
            ProxyConfig cfg = ProxyConfig.builder()
                    .control(server.url(db), null)
                    .pgListen("127.0.0.1:0").mysqlListen("127.0.0.1:0").adminListen("127.0.0.1:0")
                    .poolSize(pool).build();
            List<Run> runs = new ArrayList<>();
            try (TenantRouteProxy proxy = TenantRouteProxy.start(cfg)) {
                int proxyPort = proxy.listeners().get(0).address().getPort();
                Map<String, Integer> paths = new LinkedHashMap<>();
                paths.put("direct", Integer.parseInt(server.port()));
                paths.put("pgbouncer", bouncerPort);
                paths.put("tenantroute", proxyPort);
                System.out.printf(Locale.ROOT, "pgbench -S, %d s per run, %d rounds, pool %d, scale %d; load average %s%n",
                        seconds, rounds, pool, scale, BenchDb.loadAverage());
                for (int round = 1; round <= rounds; round++) {
                    for (String mode : List.of("simple", "extended", "prepared")) {
                        for (int clients : new int[] {1, 16}) {
                            for (Map.Entry<String, Integer> p : paths.entrySet()) {
                                if (mode.equals("prepared") && p.getKey().equals("pgbouncer")) {
                                    continue; // PgBouncer 1.18 has no prepared-statement support in transaction mode
                                }
                                Run r = pgbench(p.getKey(), server.host(), p.getValue(), db, mode, clients, seconds);
                                runs.add(r);
                                System.out.printf(Locale.ROOT, "round %d  %-11s %-8s %2d clients  %9.0f tps  %6.3f ms  failed %d  (load %s)%n",
                                        round, r.path, r.mode, r.clients, r.tps, r.latencyMs, r.failed, BenchDb.loadAverage());
                            }
                        }
                    }
                }
            } finally {
                bouncer.destroy();
                bouncer.waitFor(10, TimeUnit.SECONDS);
            }
            summarize(runs);
        }
    }

    private static void summarize(List<Run> runs) {
        System.out.println();
        System.out.println("| mode | clients | direct tps | PgBouncer tps | TenantRoute tps | TR / PgBouncer | TR / direct | latency direct / PgBouncer / TR (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String mode : List.of("simple", "extended", "prepared")) {
            for (int clients : new int[] {1, 16}) {
                double d = median(runs, "direct", mode, clients, true);
                double b = median(runs, "pgbouncer", mode, clients, true);
                double t = median(runs, "tenantroute", mode, clients, true);
                double ld = median(runs, "direct", mode, clients, false);
                double lb = median(runs, "pgbouncer", mode, clients, false);
                double lt = median(runs, "tenantroute", mode, clients, false);
                System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %s | %.0f | %s | %.2f | %.3f / %s / %.3f |%n", mode, clients, d,
                        Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.0f", b), t,
                        Double.isNaN(b) ? "—" : String.format(Locale.ROOT, "%.2f", t / b), t / d, ld,
                        Double.isNaN(lb) ? "—" : String.format(Locale.ROOT, "%.3f", lb), lt);
            }
        }
    }

    private static double median(List<Run> runs, String path, String mode, int clients, boolean tps) {
        List<Double> v = new ArrayList<>();
        for (Run r : runs) {
            if (r.path.equals(path) && r.mode.equals(mode) && r.clients == clients) {
                v.add(tps ? r.tps : r.latencyMs);
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static Run pgbench(String path, String host, int port, String db, String mode, int clients, int seconds) throws Exception {
        String out = exec(List.of("pgbench", "-n", "-S", "-M", mode, "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(clients, 2)), "-T", Integer.toString(seconds),
                "-h", host, "-p", Integer.toString(port), "-U", "postgres", db), seconds + 60);
        return new Run(path, mode, clients, number(TPS, out), number(LATENCY, out), (long) number(FAILED, out, 0));
    }

    private static double number(Pattern p, String out) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench printed no " + p.pattern() + ":\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double number(Pattern p, String out, double otherwise) {
        Matcher m = p.matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : otherwise;
    }

    private static Process startPgbouncer(Path dir, String host, String port, String db, int listenPort, int pool) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path users = dir.resolve("users.txt");
        Files.writeString(users, "\"postgres\" \"\"\n", StandardCharsets.UTF_8);
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(ini, String.join("\n",
                "[databases]",
                db + " = host=" + host + " port=" + port + " dbname=" + db + " user=postgres",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + listenPort,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + users,
                "pool_mode = transaction",
                "default_pool_size = " + pool,
                "max_client_conn = 200",
                "logfile = " + dir.resolve("pgbouncer.log"),
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                ""), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("pgbouncer"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "postgres"));
        }
        cmd.add(ini.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("pgbouncer.out").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", listenPort)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("pgbouncer did not start: " + Files.readString(dir.resolve("pgbouncer.out")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String exec(List<String> cmd, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
