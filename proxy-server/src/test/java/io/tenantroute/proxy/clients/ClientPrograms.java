package io.tenantroute.proxy.clients;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the real client programs our users run — the Node scripts ({@code node-postgres}, {@code postgres.js},
 * {@code mysql2}, Prisma 7, Drizzle), the PHP scripts (PDO pgsql/mysql, mysqli) and the CLIs (psql, pgbench,
 * mysql, mysqlslap) — from JUnit, against a real database or the proxy.
 *
 * <p>Before the first program of a kind runs, once per JVM: the tools it needs must be on the {@code PATH}
 * (and PHP must have pdo_pgsql, pdo_mysql, mysqli and pcntl); a missing one is an {@link IllegalStateException}
 * naming the {@code apt-get install} command, never a skipped test. For Node, {@code npm ci} runs in
 * {@code src/test/clients/node} when {@code node_modules} is missing or older than {@code package-lock.json},
 * and {@code node prisma-generate.mjs} when a generated Prisma client is missing or older than its schema.
 *
 * <p>Programs get the JVM's environment less every inherited {@code TR_*}, {@code PG*} and {@code MYSQL*}
 * variable, plus the given one; scripts are configured only by environment (see {@code src/test/clients/README.md}),
 * so passwords never appear on a command line. A program still running at its timeout is killed with its
 * whole process tree and the call fails with an {@link AssertionError} holding its output. Thread-safe.
 */
public final class ClientPrograms {
    /** {@code proxy-server/src/test/clients}. */
    public static final Path CLIENTS_DIR = moduleDir().resolve("src/test/clients");
    /** The Node fixture: {@code package.json}, the lockfile, the scripts, {@code prisma/}. */
    public static final Path NODE_DIR = CLIENTS_DIR.resolve("node");
    /** The PHP scripts. */
    public static final Path PHP_DIR = CLIENTS_DIR.resolve("php");

    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration PRISMA_TIMEOUT = Duration.ofMinutes(2);
    private static final String CI_HINT = " (bash .ci/run installs every client the proxy tests need)";

    /** The programs the harness drives, with the Debian package that brings each. */
    public enum Tool {
        NODE("node", "apt-get install -y nodejs npm  — Node.js ≥ 20.19 (Prisma 7 needs it; Debian 12's own nodejs is 18)"),
        NPM("npm", "apt-get install -y npm"),
        PHP("php", "apt-get install -y php-cli php-pgsql php-mysql"),
        PSQL("psql", "apt-get install -y postgresql-client"),
        PGBENCH("pgbench", "apt-get install -y postgresql  (Debian ships pgbench in the server package)"),
        MYSQL("mysql", "apt-get install -y mariadb-client"),
        MYSQLSLAP("mysqlslap", "apt-get install -y mariadb-client");

        private final String executable;
        private final String install;

        Tool(String executable, String install) {
            this.executable = executable;
            this.install = install;
        }

        /** @return the executable's name on the PATH */
        public String executable() {
            return executable;
        }

        /** @return the command that installs it */
        public String install() {
            return install;
        }
    }

    private static final Set<Tool> CHECKED = EnumSet.noneOf(Tool.class);
    private static boolean phpModulesChecked;
    private static boolean nodeFixtureReady;

    private ClientPrograms() {
    }

    private static Path moduleDir() {
        // Surefire runs in the module directory and sets basedir; from the reactor root, fall back to the module.
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        return Files.isDirectory(base.resolve("src/test/clients")) ? base : base.resolve("proxy-server");
    }

    // ---------------------------------------------------------------- tools

    /**
     * Checks that each tool is on the PATH (once per JVM per tool).
     *
     * @throws IllegalStateException naming the missing tools and how to install them
     */
    public static synchronized void requireTools(Tool... tools) {
        List<String> missing = new ArrayList<>();
        for (Tool t : tools) {
            if (CHECKED.contains(t)) {
                continue;
            }
            if (onPath(t.executable()) == null) {
                missing.add(t.executable() + ": " + t.install());
            } else {
                CHECKED.add(t);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("client programs missing from the PATH — install them:\n  "
                    + String.join("\n  ", missing) + "\n" + CI_HINT);
        }
    }

    /** Checks every tool of {@link Tool}, the PHP modules and the Node version. */
    public static void requireAllTools() {
        requireTools(Tool.values());
        requirePhpModules();
        requireNodeVersion();
    }

    private static Path onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, executable);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static synchronized void requirePhpModules() {
        if (phpModulesChecked) {
            return;
        }
        requireTools(Tool.PHP);
        ClientResult r = run(List.of("php", "-m"), PHP_DIR, Map.of(), Duration.ofSeconds(30));
        List<String> have = r.stdout().stream().map(String::trim).map(String::toLowerCase).toList();
        List<String> missing = Stream.of("pdo_pgsql", "pdo_mysql", "mysqli", "pcntl").filter(m -> !have.contains(m)).toList();
        if (r.exitCode() != 0 || !missing.isEmpty()) {
            throw new IllegalStateException("PHP lacks the modules " + missing + ": apt-get install -y php-cli php-pgsql php-mysql" + CI_HINT
                    + "\n" + r.describe());
        }
        phpModulesChecked = true;
    }

    private static void requireNodeVersion() {
        requireTools(Tool.NODE, Tool.NPM);
        ClientResult r = run(List.of("node", "--version"), NODE_DIR, Map.of(), Duration.ofSeconds(30));
        Matcher m = Pattern.compile("^v(\\d+)\\.(\\d+)").matcher(r.stdout().isEmpty() ? "" : r.stdout().get(0));
        if (!m.find()) {
            throw new IllegalStateException("cannot read the Node.js version\n" + r.describe());
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 20 || (major == 20 && minor < 19)) {
            throw new IllegalStateException("Node.js " + r.stdout().get(0) + " is too old: Prisma 7 needs ≥ 20.19 — " + Tool.NODE.install());
        }
    }

    // ---------------------------------------------------------------- the Node fixture

    /**
     * Makes the Node fixture usable (once per JVM): checks node/npm, runs {@code npm ci --ignore-scripts} when
     * {@code node_modules} is missing or older than {@code package-lock.json}, and generates the Prisma clients
     * when one is missing or older than its schema (see {@code prisma-generate.mjs}).
     *
     * @throws IllegalStateException when a tool is missing
     * @throws AssertionError when {@code npm ci} or {@code prisma generate} fails, with its output
     */
    public static synchronized void requireNodeFixture() {
        if (nodeFixtureReady) {
            return;
        }
        requireNodeVersion();
        Path lock = NODE_DIR.resolve("package-lock.json");
        // npm writes node_modules/.package-lock.json at the end of every install.
        Path installed = NODE_DIR.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed) || mtime(installed).compareTo(mtime(lock)) < 0) {
            run(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"), NODE_DIR, Map.of(), NPM_CI_TIMEOUT)
                    .assertExit(0);
        }
        List<String> stale = new ArrayList<>();
        for (String name : List.of("pg", "mariadb")) {
            Path stamp = NODE_DIR.resolve("generated/prisma-" + name + "/GENERATED");
            FileTime newestInput = Stream.of(NODE_DIR.resolve("prisma/" + name + ".prisma"), NODE_DIR.resolve("prisma-generate.mjs"), installed)
                    .map(ClientPrograms::mtime).max(FileTime::compareTo).orElseThrow();
            if (!Files.exists(stamp) || mtime(stamp).compareTo(newestInput) < 0) {
                stale.add(name);
            }
        }
        if (!stale.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("node", "prisma-generate.mjs"));
            cmd.addAll(stale);
            run(cmd, NODE_DIR, Map.of(), PRISMA_TIMEOUT).assertExit(0);
        }
        nodeFixtureReady = true;
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs a Node script of the fixture ({@code pg-prepared.mjs}, …) to its end.
     *
     * @param script the file name in {@link #NODE_DIR}
     * @param env    its configuration ({@code TR_*}); see {@link #env}
     * @throws AssertionError on timeout (the process tree is killed), with the output
     */
    public static ClientResult node(String script, Map<String, String> env, Duration timeout, String... args) {
        requireNodeFixture();
        return run(command("node", script, args), NODE_DIR, env, timeout);
    }

    /** Starts a Node script of the fixture in the background (a writer, say); the caller closes it. */
    public static ClientProcess startNode(String script, Map<String, String> env, String... args) {
        requireNodeFixture();
        return start(command("node", script, args), NODE_DIR, env);
    }

    /**
     * Runs a PHP script ({@code pdo_pgsql.php}, …) to its end.
     *
     * @param script the file name in {@link #PHP_DIR}
     * @throws AssertionError on timeout (the process tree is killed), with the output
     */
    public static ClientResult php(String script, Map<String, String> env, Duration timeout, String... args) {
        requirePhpModules();
        return run(command("php", script, args), PHP_DIR, env, timeout);
    }

    /** Starts a PHP script in the background (one {@code mysql_writers.php} per writer); the caller closes it. */
    public static ClientProcess startPhp(String script, Map<String, String> env, String... args) {
        requirePhpModules();
        return start(command("php", script, args), PHP_DIR, env);
    }

    /**
     * Runs any program to its end.
     *
     * @throws AssertionError on timeout (the process tree is killed), with the output
     */
    public static ClientResult run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        try (ClientProcess p = start(command, dir, env)) {
            return p.finish(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Starts any program in the background; the caller closes it. */
    public static ClientProcess start(List<String> command, Path dir, Map<String, String> env) {
        return ClientProcess.start(command, dir, env);
    }

    private static List<String> command(String interpreter, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter, script));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The usual configuration of a script: the endpoint's {@code TR_HOST/PORT/USER/PASSWORD/DATABASE}, the
     * tenant source ({@code TR_TENANT_SOURCE}, {@code TR_TENANT}) and more {@code KEY, value} pairs.
     *
     * @param more an even number of strings: {@code "TR_CLIENTS", "8", …}
     */
    public static Map<String, String> env(DbEndpoint endpoint, TenantSource source, String tenant, String... more) {
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("more must hold KEY, value pairs");
        }
        Map<String, String> env = new LinkedHashMap<>(endpoint.env());
        env.putAll(source.env(tenant));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }
}
