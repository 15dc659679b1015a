package io.tenantroute.proxy.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * psql, the PostgreSQL CLI, run as {@code psql -X -v ON_ERROR_STOP=1 -At -h H -p P -U U -d D …}: no
 * {@code ~/.psqlrc}, stop at the first error (exit 3), unaligned tuples only ({@code |} between columns).
 * The password goes in {@code PGPASSWORD}. Thread-safe.
 */
public final class Psql {
    private Psql() {
    }

    /**
     * Runs psql with more arguments ({@code "-c", sql} or {@code "-f", file}) and environment
     * ({@link #startupTenant}, say).
     */
    public static ClientResult run(DbEndpoint endpoint, Map<String, String> env, Duration timeout, String... args) {
        ClientPrograms.requireTools(ClientPrograms.Tool.PSQL);
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-At",
                "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()), "-U", endpoint.user(), "-d", endpoint.database()));
        cmd.addAll(List.of(args));
        return ClientPrograms.run(cmd, ClientPrograms.CLIENTS_DIR, withPassword(endpoint, env), timeout);
    }

    /**
     * Runs one SQL text ({@code -c}; several statements run in one implicit transaction, as psql does).
     *
     * @return the output lines, columns separated by {@code |}
     * @throws AssertionError when psql exits non-zero, with its output
     */
    public static List<String> query(DbEndpoint endpoint, String sql) {
        return run(endpoint, Map.of(), Duration.ofSeconds(60), "-c", sql).assertExit(0).stdout();
    }

    /** @return {@code PGOPTIONS} naming the tenant as a startup parameter ({@code -c tenantroute.tenant=…}) */
    public static Map<String, String> startupTenant(String tenant) {
        return Map.of("PGOPTIONS", "-c tenantroute.tenant=" + tenant.replace("\\", "\\\\").replace(" ", "\\ "));
    }

    static Map<String, String> withPassword(DbEndpoint endpoint, Map<String, String> env) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("PGCONNECT_TIMEOUT", "10");
        if (!endpoint.password().isEmpty()) {
            e.put("PGPASSWORD", endpoint.password());
        }
        e.putAll(env);
        return e;
    }
}
