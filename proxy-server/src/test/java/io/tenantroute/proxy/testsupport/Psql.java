package io.tenantroute.proxy.testsupport;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code psql} (libpq) as users do, with no ~/.psqlrc, ~/.pgpass or ~/.postgresql of the machine
 * involved. Fails loudly when psql is not installed: these tests are never skipped.
 */
public final class Psql {
    /** @param exitCode psql's exit status (0 ok, 1 query error, 2 connection failure) */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private Psql() {
    }

    /** @return the psql executable on PATH */
    public static String executable() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "psql");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("psql not found on PATH: install the PostgreSQL client (Debian: apt-get install postgresql-client)");
    }

    /**
     * @param conninfo a libpq connection string, e.g. {@code host=127.0.0.1 port=6432 user=app dbname=x}
     * @param password PGPASSWORD, or null for none
     * @param command the SQL of {@code -c}
     */
    public static Result run(String conninfo, String password, String command) throws Exception {
        Path home = Files.createTempDirectory("tr-psql-home");
        try {
            List<String> cmd = new ArrayList<>(List.of(executable(), "-X", "-v", "ON_ERROR_STOP=1", conninfo, "-c", command));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("PG"));
            env.put("HOME", home.toString());
            env.put("PGPASSFILE", home.resolve("none.pgpass").toString());
            env.put("PGCONNECT_TIMEOUT", "10");
            if (password != null) {
                env.put("PGPASSWORD", password);
            }
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("psql did not finish in 60 s: " + cmd);
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "<" + e + ">";
        }
    }
}
