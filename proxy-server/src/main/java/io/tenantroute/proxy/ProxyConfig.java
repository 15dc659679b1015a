package io.tenantroute.proxy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * The settings of one wire proxy: one app's shared database and tenant map. Built with {@link #builder()}; each
 * setter validates its value, {@link Builder#build()} cross-checks them, and the result is immutable and thread-safe.
 *
 * <p>Credentials: the control and shared JDBC URLs may carry {@code user=} / {@code password=} parameters, or the
 * password comes from the properties given with them (the CLI reads it from a reference, {@code env:} / {@code file:});
 * no password is ever logged or shown ({@link io.tenantroute.config.Target#maskUrl}).
 */
public final class ProxyConfig {
    /** Default PostgreSQL listener: {@value}. */
    public static final String DEFAULT_PG_LISTEN = "127.0.0.1:6432";
    /** Default MySQL listener: {@value}. */
    public static final String DEFAULT_MYSQL_LISTEN = "127.0.0.1:6033";
    /** Default admin (HTTP {@code /metrics}, {@code /health}) listener: {@value}. */
    public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9190";

    private final String controlUrl;
    private final Properties controlProps;
    private final String sharedUrl;
    private final Properties sharedProps;
    private final InetSocketAddress pgListen;
    private final InetSocketAddress mysqlListen;
    private final InetSocketAddress adminListen;
    private final Path usersFile;
    private final Path tlsCert;
    private final Path tlsKey;
    private final int poolSize;
    private final long poolWaitMs;
    private final long frozenWaitMs;
    private final int throttleConcurrency;
    private final long throttleWaitMs;
    private final long mapRefreshMs;
    private final String inference;
    private final String tenantColumns;
    private final String routingPolicy;
    private final int maxMessageBytes;
    private final long shutdownGraceMs;
    private final int eventLoops;

    private ProxyConfig(Builder b) {
        this.controlUrl = b.controlUrl;
        this.controlProps = copy(b.controlProps);
        this.sharedUrl = b.sharedUrl != null ? b.sharedUrl : b.controlUrl;
        this.sharedProps = b.sharedUrl != null ? copy(b.sharedProps) : copy(b.controlProps);
        this.pgListen = b.pgListen;
        this.mysqlListen = b.mysqlListen;
        this.adminListen = b.adminListen;
        this.usersFile = b.usersFile;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.poolSize = b.poolSize;
        this.poolWaitMs = b.poolWaitMs;
        this.frozenWaitMs = b.frozenWaitMs;
        this.throttleConcurrency = b.throttleConcurrency;
        this.throttleWaitMs = b.throttleWaitMs;
        this.mapRefreshMs = b.mapRefreshMs;
        this.inference = b.inference;
        this.tenantColumns = b.tenantColumns;
        this.routingPolicy = b.routingPolicy;
        this.maxMessageBytes = b.maxMessageBytes;
        this.shutdownGraceMs = b.shutdownGraceMs;
        this.eventLoops = b.eventLoops;
    }

    private static Properties copy(Properties p) {
        Properties c = new Properties();
        if (p != null) {
            c.putAll(p);
        }
        return c;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the control database's vendor JDBC URL */
    public String controlUrl() {
        return controlUrl;
    }

    /** @return a copy of the control database's connection properties (user, password, control schema) */
    public Properties controlProps() {
        return copy(controlProps);
    }

    /** @return the shared database's vendor JDBC URL (the control URL unless given) */
    public String sharedUrl() {
        return sharedUrl;
    }

    /** @return a copy of the shared database's connection properties (user, password) */
    public Properties sharedProps() {
        return copy(sharedProps);
    }

    /** @return where the PostgreSQL listener binds */
    public InetSocketAddress pgListen() {
        return pgListen;
    }

    /** @return where the MySQL listener binds */
    public InetSocketAddress mysqlListen() {
        return mysqlListen;
    }

    /** @return where the admin HTTP endpoint binds */
    public InetSocketAddress adminListen() {
        return adminListen;
    }

    /** @return the users file, or null: loopback clients only, without a password */
    public Path usersFile() {
        return usersFile;
    }

    /** @return the PEM certificate for client TLS, or null: TLS refused */
    public Path tlsCert() {
        return tlsCert;
    }

    /** @return the PEM private key for client TLS, or null */
    public Path tlsKey() {
        return tlsKey;
    }

    /** @return server connections per target at most */
    public int poolSize() {
        return poolSize;
    }

    /** @return how long a transaction waits for a server connection at most, in milliseconds */
    public long poolWaitMs() {
        return poolWaitMs;
    }

    /** @return how long a transaction waits for a frozen tenant at most, in milliseconds */
    public long frozenWaitMs() {
        return frozenWaitMs;
    }

    /** @return how many of a throttled tenant's transactions run at once */
    public int throttleConcurrency() {
        return throttleConcurrency;
    }

    /** @return how long a throttled tenant's transaction waits for its turn at most, in milliseconds */
    public long throttleWaitMs() {
        return throttleWaitMs;
    }

    /** @return how often a store without push (MySQL control tables) is polled, in milliseconds */
    public long mapRefreshMs() {
        return mapRefreshMs;
    }

    /** @return {@code sql} (read statements for their tenant) or {@code none} */
    public String inference() {
        return inference;
    }

    /** @return the tenant column setting, e.g. {@code tenant_id, customers=org_id} */
    public String tenantColumns() {
        return tenantColumns;
    }

    /** @return {@code lenient} or {@code strict} */
    public String routingPolicy() {
        return routingPolicy;
    }

    /** @return the largest protocol message a client may send, in bytes */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** @return how long a stop waits for open transactions, in milliseconds */
    public long shutdownGraceMs() {
        return shutdownGraceMs;
    }

    /** @return the number of event-loop threads */
    public int eventLoops() {
        return eventLoops;
    }

    /** Collects and validates settings. Not thread-safe. */
    public static final class Builder {
        private String controlUrl;
        private Properties controlProps = new Properties();
        private String sharedUrl;
        private Properties sharedProps = new Properties();
        private InetSocketAddress pgListen = address(DEFAULT_PG_LISTEN, "--pg-listen");
        private InetSocketAddress mysqlListen = address(DEFAULT_MYSQL_LISTEN, "--mysql-listen");
        private InetSocketAddress adminListen = address(DEFAULT_ADMIN_LISTEN, "--admin-listen");
        private Path usersFile;
        private Path tlsCert;
        private Path tlsKey;
        private int poolSize = 10;
        private long poolWaitMs = 5000;
        private long frozenWaitMs = 5000;
        private int throttleConcurrency = 1;
        private long throttleWaitMs = 50;
        private long mapRefreshMs = 250;
        private String inference = "sql";
        private String tenantColumns = "tenant_id";
        private String routingPolicy = "lenient";
        private int maxMessageBytes = 64 * 1024 * 1024;
        private long shutdownGraceMs = 10_000;
        private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /**
         * @param url the control database's JDBC URL ({@code jdbc:postgresql:}, {@code jdbc:mysql:}, {@code jdbc:mariadb:})
         * @param props user, password, {@code tenantroute.control-schema}; may be null
         * @return this
         */
        public Builder control(String url, Properties props) {
            this.controlUrl = Objects.requireNonNull(url, "control url");
            this.controlProps = props == null ? new Properties() : props;
            return this;
        }

        /**
         * @param url the shared database's JDBC URL, or null for the control URL's database
         * @param props user, password; may be null
         * @return this
         */
        public Builder shared(String url, Properties props) {
            this.sharedUrl = url;
            this.sharedProps = props == null ? new Properties() : props;
            return this;
        }

        /** @param hostPort {@code HOST:PORT} (port 0: any free port) @return this */
        public Builder pgListen(String hostPort) {
            this.pgListen = address(hostPort, "--pg-listen");
            return this;
        }

        /** @param hostPort {@code HOST:PORT} @return this */
        public Builder mysqlListen(String hostPort) {
            this.mysqlListen = address(hostPort, "--mysql-listen");
            return this;
        }

        /** @param hostPort {@code HOST:PORT} @return this */
        public Builder adminListen(String hostPort) {
            this.adminListen = address(hostPort, "--admin-listen");
            return this;
        }

        /** @param file the users file (YAML), or null @return this */
        public Builder usersFile(Path file) {
            this.usersFile = file;
            return this;
        }

        /** @param cert PEM certificate chain @param key PEM private key @return this */
        public Builder tls(Path cert, Path key) {
            this.tlsCert = cert;
            this.tlsKey = key;
            return this;
        }

        /** @param n server connections per target, 1–10,000 @return this */
        public Builder poolSize(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("--pool-size must be between 1 and 10000, was " + n);
            }
            this.poolSize = n;
            return this;
        }

        /** @param ms how long a transaction waits for a server connection, ≥ 1 ms @return this */
        public Builder poolWaitMs(long ms) {
            this.poolWaitMs = positive(ms, "pool wait");
            return this;
        }

        /** @param ms the longest frozen wait, ≥ 0 ms @return this */
        public Builder frozenWaitMs(long ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("frozen wait must be ≥ 0 ms, was " + ms);
            }
            this.frozenWaitMs = ms;
            return this;
        }

        /** @param permits throttled transactions at once, ≥ 1 @param waitMs longest wait for a turn, ≥ 0 @return this */
        public Builder throttle(int permits, long waitMs) {
            if (permits < 1 || waitMs < 0) {
                throw new IllegalArgumentException("throttle concurrency must be ≥ 1 and its wait ≥ 0 ms, was " + permits + " / " + waitMs);
            }
            this.throttleConcurrency = permits;
            this.throttleWaitMs = waitMs;
            return this;
        }

        /**
         * @param ms map poll interval where the store has no push, ≥ 50 ms; or 0 to never watch the store (the map then
         *     changes only when the proxy meets a fence or a frozen route: a deliberately stale router, for tests)
         * @return this
         */
        public Builder mapRefreshMs(long ms) {
            if (ms != 0 && ms < 50) {
                throw new IllegalArgumentException("map refresh must be 0 (never watch) or ≥ 50 ms, was " + ms);
            }
            this.mapRefreshMs = ms;
            return this;
        }

        /**
         * @param inference {@code sql} or {@code none}
         * @param tenantColumns e.g. {@code tenant_id, customers=org_id}
         * @param routingPolicy {@code lenient} or {@code strict}
         * @return this
         */
        public Builder inference(String inference, String tenantColumns, String routingPolicy) {
            if (!"sql".equals(inference) && !"none".equals(inference)) {
                throw new IllegalArgumentException("inference must be sql or none, was '" + inference + "'");
            }
            this.inference = inference;
            this.tenantColumns = Objects.requireNonNull(tenantColumns, "tenantColumns");
            this.routingPolicy = Objects.requireNonNull(routingPolicy, "routingPolicy");
            return this;
        }

        /** @param bytes the largest client message, 1 KiB – 1 GiB @return this */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1024 || bytes > (1 << 30)) {
                throw new IllegalArgumentException("max message size must be between 1 KiB and 1 GiB, was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** @param ms how long a stop waits for open transactions, ≥ 0 @return this */
        public Builder shutdownGraceMs(long ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("shutdown grace must be ≥ 0 ms, was " + ms);
            }
            this.shutdownGraceMs = ms;
            return this;
        }

        /** @param n event-loop threads, 1–256 @return this */
        public Builder eventLoops(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("event loops must be between 1 and 256, was " + n);
            }
            this.eventLoops = n;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalStateException when the control URL is missing, or only one of the TLS files is given
         */
        public ProxyConfig build() {
            if (controlUrl == null) {
                throw new IllegalStateException("the control database's URL is required (--control)");
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalStateException("--tls-cert and --tls-key go together");
            }
            return new ProxyConfig(this);
        }

        private static long positive(long v, String what) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be ≥ 1 ms, was " + v);
            }
            return v;
        }

        /**
         * @param hostPort {@code HOST:PORT}; an IPv6 host in brackets
         * @param option the option's name for the message
         * @return the unresolved-if-needed address
         * @throws IllegalArgumentException when not of that shape
         */
        static InetSocketAddress address(String hostPort, String option) {
            if (hostPort == null) {
                throw new IllegalArgumentException(option + " must be HOST:PORT, was null");
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException(option + " must be HOST:PORT, was '" + hostPort + "'");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be HOST:PORT with a numeric port, was '" + hostPort + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(option + " port must be 0–65535, was " + port);
            }
            return new InetSocketAddress(host, port);
        }
    }
}
