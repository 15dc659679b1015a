package io.tenantroute.proxy.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mysqlslap (MariaDB's), run as {@code mysqlslap --protocol=TCP -h H -P P -u U --create-schema=D …}
 * against the endpoint's existing database; the password goes in {@code MYSQL_PWD}. Thread-safe.
 */
public final class Mysqlslap {
    private static final Pattern AVG = Pattern.compile("Average number of seconds to run all queries: ([0-9.]+) seconds");
    private static final Pattern MIN = Pattern.compile("Minimum number of seconds to run all queries: ([0-9.]+) seconds");
    private static final Pattern MAX = Pattern.compile("Maximum number of seconds to run all queries: ([0-9.]+) seconds");
    private static final Pattern CLIENTS = Pattern.compile("Number of clients running queries: (\\d+)");
    private static final Pattern PER_CLIENT = Pattern.compile("Average number of queries per client: (\\d+)");

    private Mysqlslap() {
    }

    /**
     * What mysqlslap reported (its "Benchmark" block).
     *
     * @param raw              the run
     * @param avgSeconds       average seconds to run all queries (per iteration); NaN when not printed
     * @param minSeconds       minimum; NaN when not printed
     * @param maxSeconds       maximum; NaN when not printed
     * @param clients          clients running queries; -1 when not printed
     * @param queriesPerClient average queries per client; -1 when not printed
     */
    public record Result(ClientResult raw, double avgSeconds, double minSeconds, double maxSeconds, int clients, long queriesPerClient) {
    }

    /**
     * Runs mysqlslap, e.g. {@code "--query=SELECT …", "--concurrency=4", "--iterations=2",
     * "--number-of-queries=200"}. Without {@code --create}/{@code --auto-generate-sql} it neither creates nor
     * drops the schema.
     */
    public static Result run(DbEndpoint endpoint, Map<String, String> env, Duration timeout, String... args) {
        ClientPrograms.requireTools(ClientPrograms.Tool.MYSQLSLAP);
        List<String> cmd = new ArrayList<>(List.of("mysqlslap", "--protocol=TCP", "-h", endpoint.host(), "-P", Integer.toString(endpoint.port()),
                "-u", endpoint.user(), "--create-schema=" + endpoint.database()));
        cmd.addAll(List.of(args));
        ClientResult r = ClientPrograms.run(cmd, ClientPrograms.CLIENTS_DIR, MysqlCli.withPassword(endpoint, env), timeout);
        String out = String.join("\n", r.stdout());
        return new Result(r, dbl(AVG, out), dbl(MIN, out), dbl(MAX, out), (int) lng(CLIENTS, out), lng(PER_CLIENT, out));
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
