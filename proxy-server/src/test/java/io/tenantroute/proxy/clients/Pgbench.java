package io.tenantroute.proxy.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgbench, run as {@code pgbench -h H -p P -U U … D}; the password goes in {@code PGPASSWORD}. Thread-safe.
 */
public final class Pgbench {
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+) \\(without initial connection time\\)", Pattern.MULTILINE);
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: (\\d+)", Pattern.MULTILINE);
    private static final Pattern LATENCY = Pattern.compile("^latency average = ([0-9.]+) ms", Pattern.MULTILINE);

    private Pgbench() {
    }

    /**
     * What pgbench reported.
     *
     * @param raw          the run (exit 0 when every client finished; 2 when a client aborted)
     * @param tps          transactions per second without the initial connection time; NaN when not printed
     * @param processed    transactions actually processed; -1 when not printed
     * @param failed       failed transactions (serialization/deadlock failures, PostgreSQL 15's pgbench); -1 when not printed
     * @param latencyAvgMs average latency in milliseconds; NaN when not printed
     */
    public record Result(ClientResult raw, double tps, long processed, long failed, double latencyAvgMs) {
        /** @return this, when pgbench exited 0, processed {@code expected} transactions and none failed */
        public Result assertClean(long expected) {
            raw.assertExit(0);
            if (processed != expected || failed != 0) {
                throw new AssertionError("pgbench processed " + processed + " of " + expected + ", failed " + failed + "\n" + raw.describe());
            }
            return this;
        }
    }

    /** {@code pgbench -i -q -s scale} (creates and fills pgbench_accounts & co. in the endpoint's database). */
    public static ClientResult init(DbEndpoint endpoint, int scale, Duration timeout) {
        return raw(endpoint, Map.of(), timeout, "-i", "-q", "-s", Integer.toString(scale)).assertExit(0);
    }

    /**
     * Runs a benchmark, e.g. {@code "-S", "-M", "prepared", "-c", "4", "-j", "2", "-t", "200"}, and parses
     * its report (printed on stdout by pgbench 15).
     */
    public static Result run(DbEndpoint endpoint, Map<String, String> env, Duration timeout, String... args) {
        ClientResult r = raw(endpoint, env, timeout, args);
        String out = String.join("\n", r.stdout()) + "\n" + r.stderr();
        return new Result(r, dbl(TPS, out), lng(PROCESSED, out), lng(FAILED, out), dbl(LATENCY, out));
    }

    private static ClientResult raw(DbEndpoint endpoint, Map<String, String> env, Duration timeout, String... args) {
        ClientPrograms.requireTools(ClientPrograms.Tool.PGBENCH);
        List<String> cmd = new ArrayList<>(List.of("pgbench", "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", endpoint.user()));
        cmd.addAll(List.of(args));
        cmd.add(endpoint.database());
        return ClientPrograms.run(cmd, ClientPrograms.CLIENTS_DIR, Psql.withPassword(endpoint, env), timeout);
    }

    private static double dbl(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static long lng(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
