package io.tenantroute.cli;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.proxy.ProxyConfig;
import io.tenantroute.proxy.TenantRouteProxy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute proxy}: runs the wire proxy in the foreground until SIGTERM/SIGINT, then stops gracefully (open
 * transactions get up to 10 s) and exits 0. Prints one line per listener when ready:
 * {@code tenantroute proxy listening on HOST:PORT (postgresql)}.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the wire proxy: apps that are not on the JVM connect to it instead of their database, and every"
                + " transaction is routed by the tenant map (PostgreSQL protocol; MySQL protocol next).")
final class ProxyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlOptions control;

    @Option(names = "--shared", paramLabel = "<jdbc-url>",
            description = "the shared database (default: the control database), e.g. jdbc:postgresql://db:5432/app?user=app")
    private String shared;

    @Option(names = "--shared-user", paramLabel = "<user>", description = "user for the shared database")
    private String sharedUser;

    @Option(names = "--shared-password-ref", paramLabel = "<ref>", description = "password of the shared database: env:VAR or file:/path")
    private String sharedPasswordRef;

    @Option(names = "--pg-listen", paramLabel = "HOST:PORT", defaultValue = ProxyConfig.DEFAULT_PG_LISTEN,
            description = "PostgreSQL listener (default: ${DEFAULT-VALUE})")
    private String pgListen;

    @Option(names = "--mysql-listen", paramLabel = "HOST:PORT", defaultValue = ProxyConfig.DEFAULT_MYSQL_LISTEN,
            description = "MySQL listener (default: ${DEFAULT-VALUE})")
    private String mysqlListen;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", defaultValue = ProxyConfig.DEFAULT_ADMIN_LISTEN,
            description = "HTTP GET /metrics (Prometheus) and /health (default: ${DEFAULT-VALUE})")
    private String adminListen;

    @Option(names = "--users", paramLabel = "FILE",
            description = "users file (YAML: users: [{name, password: env:VAR|file:/path, method}]); without it only loopback"
                    + " clients are admitted, without a password")
    private Path users;

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "10",
            description = "server connections per target (default: ${DEFAULT-VALUE})")
    private int poolSize;

    @Option(names = "--pool-wait-ms", paramLabel = "MS", defaultValue = "5000",
            description = "how long a transaction waits for a server connection before 53300 (default: ${DEFAULT-VALUE})")
    private long poolWaitMs;

    @Option(names = "--frozen-wait-ms", paramLabel = "MS", defaultValue = "5000",
            description = "how long a transaction waits for a frozen tenant before TR002 (default: ${DEFAULT-VALUE})")
    private long frozenWaitMs;

    @Option(names = "--inference", paramLabel = "sql|none", defaultValue = "sql",
            description = "read statements for their tenant (default: ${DEFAULT-VALUE})")
    private String inference;

    @Option(names = "--tenant-columns", paramLabel = "SPEC", defaultValue = "tenant_id",
            description = "tenant column, and per-table exceptions: tenant_id, customers=org_id (default: ${DEFAULT-VALUE})")
    private String tenantColumns;

    @Option(names = "--routing-policy", paramLabel = "lenient|strict", defaultValue = "lenient",
            description = "statements on tenant-owned tables that name no tenant: run on shared, or refuse with TR007"
                    + " (default: ${DEFAULT-VALUE})")
    private String routingPolicy;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "certificate chain for client TLS (with --tls-key)")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "private key (PKCS#8) for client TLS")
    private Path tlsKey;

    @Override
    public Integer call() throws Exception {
        Properties controlProps = control.properties();
        controlProps.setProperty(TenantMapStores.CONTROL_SCHEMA, control.schema());
        Properties sharedProps = null;
        if (shared != null) {
            sharedProps = new Properties();
            if (sharedUser != null) {
                sharedProps.setProperty("user", sharedUser);
            }
            if (sharedPasswordRef != null) {
                String pw;
                try {
                    pw = PasswordRef.parse(sharedPasswordRef).resolve("shared");
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--shared-password-ref: " + e.getMessage());
                }
                if (pw != null) {
                    sharedProps.setProperty("password", pw);
                }
            }
        }
        ProxyConfig cfg;
        try {
            ProxyConfig.Builder b = ProxyConfig.builder()
                    .control(control.url(), controlProps)
                    .pgListen(pgListen).mysqlListen(mysqlListen).adminListen(adminListen)
                    .usersFile(users).poolSize(poolSize).poolWaitMs(poolWaitMs).frozenWaitMs(frozenWaitMs)
                    .inference(inference, tenantColumns, routingPolicy);
            if (shared != null) {
                b.shared(stripPrefix(shared), sharedProps);
            }
            if (tlsCert != null || tlsKey != null) {
                b.tls(tlsCert, tlsKey);
            }
            cfg = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TenantRouteProxy proxy = TenantRouteProxy.start(cfg);
        PrintWriter out = spec.commandLine().getOut();
        for (TenantRouteProxy.Listener l : proxy.listeners()) {
            out.println("tenantroute proxy listening on " + hostPort(l.address()) + " (" + l.protocol() + ")");
        }
        out.println("tenantroute proxy admin on http://" + hostPort(proxy.adminAddress()) + " (/metrics, /health)");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runnable onSignal = stop::countDown;
        Signals.onTermination(onSignal);
        Thread hook = new Thread(() -> {
            stop.countDown();
            proxy.stop();
        }, "tenantroute-proxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        proxy.stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        out.println("tenantroute proxy stopped");
        out.flush();
        return 0;
    }

    private static String stripPrefix(String url) {
        return url.startsWith("jdbc:tenantroute:") ? "jdbc:" + url.substring("jdbc:tenantroute:".length()) : url;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
