package io.tenantroute.proxy.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mysql CLI (MariaDB's client), run as {@code mysql --protocol=TCP -h H -P P -u U --batch
 * --skip-column-names D …}: tab-separated rows, no header. The password goes in {@code MYSQL_PWD}, never on
 * the command line. Thread-safe.
 */
public final class MysqlCli {
    private MysqlCli() {
    }

    /** Runs mysql with more arguments ({@code "-e", sql}, {@code "--init-command=…"}). */
    public static ClientResult run(DbEndpoint endpoint, Map<String, String> env, Duration timeout, String... args) {
        ClientPrograms.requireTools(ClientPrograms.Tool.MYSQL);
        List<String> cmd = new ArrayList<>(List.of("mysql", "--protocol=TCP", "-h", endpoint.host(), "-P", Integer.toString(endpoint.port()),
                "-u", endpoint.user(), "--batch", "--skip-column-names", "--connect-timeout=10"));
        cmd.addAll(List.of(args));
        cmd.add(endpoint.database());
        return ClientPrograms.run(cmd, ClientPrograms.CLIENTS_DIR, withPassword(endpoint, env), timeout);
    }

    /**
     * Runs SQL text ({@code -e}; several statements separated by {@code ;}).
     *
     * @return the output rows, columns separated by tabs
     * @throws AssertionError when mysql exits non-zero, with its output
     */
    public static List<String> query(DbEndpoint endpoint, String sql) {
        return run(endpoint, Map.of(), Duration.ofSeconds(60), "-e", sql).assertExit(0).stdout();
    }

    static Map<String, String> withPassword(DbEndpoint endpoint, Map<String, String> env) {
        Map<String, String> e = new LinkedHashMap<>();
        if (!endpoint.password().isEmpty()) {
            e.put("MYSQL_PWD", endpoint.password());
        }
        e.putAll(env);
        return e;
    }
}
