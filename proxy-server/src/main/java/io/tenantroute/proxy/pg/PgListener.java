package io.tenantroute.proxy.pg;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.proxy.ProxyConfig;
import io.tenantroute.proxy.internal.ProxyMetrics;
import io.tenantroute.proxy.internal.ProxyRouting;
import io.tenantroute.proxy.internal.ServerPool;
import io.tenantroute.proxy.internal.TargetPools;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL listener: accepts clients ({@link PgSession} each), owns the server pools of every target, and what the
 * sessions share. Thread-safe.
 */
public final class PgListener implements PgProxy, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);
    /** The ParameterStatus names a PostgreSQL 15 server reports at startup, in its order (the manual, "ParameterStatus"). */
    private static final List<String> REPORTED = List.of("application_name", "client_encoding", "DateStyle",
            "default_transaction_read_only", "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser",
            "server_encoding", "server_version", "session_authorization", "standard_conforming_strings", "TimeZone");

    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final ProxyRouting routing;
    private final PgClientAuth auth;
    private final SslContext tls;
    private final String sharedDatabase;
    private final PgServerConnector connector;
    private final TargetPools<PgServer> pools;
    private final PgStatements statements = new PgStatements();
    private final ConcurrentHashMap<Long, PgSession> cancels = new ConcurrentHashMap<>();
    private final Set<PgSession> sessions = ConcurrentHashMap.newKeySet();
    private final Set<String> warmed = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup group;
    private volatile Map<String, String> serverParameters = Map.of();
    private Channel serverChannel;

    /**
     * @param config the proxy's settings
     * @param metrics the meters
     * @param routing the routing core
     * @param auth how clients authenticate
     * @param tls TLS towards clients, or null
     * @param group the event loops (shared with nothing else)
     */
    public PgListener(ProxyConfig config, ProxyMetrics metrics, ProxyRouting routing, PgClientAuth auth, SslContext tls,
            EventLoopGroup group) {
        this.config = config;
        this.metrics = metrics;
        this.routing = routing;
        this.auth = auth;
        this.tls = tls;
        this.group = group;
        this.connector = new PgServerConnector(NioSocketChannel::new, config.maxMessageBytes());
        this.sharedDatabase = PgServerEndpoint.fromJdbcUrl(config.sharedUrl(), config.sharedProps().getProperty("user"), null)
                .database();
        this.pools = new TargetPools<>(this::newPool);
    }

    private ServerPool<PgServer> newPool(Target target) {
        String name = target == null ? Target.SHARED : target.name();
        PgServerEndpoint endpoint = endpoint(target);
        ServerPool<PgServer>[] self = new ServerPool[1];
        self[0] = new ServerPool<>(name, config.poolSize(), config.poolWaitMs(), loop -> {
            io.netty.util.concurrent.Promise<PgServer> p = loop.newPromise();
            connector.connect(loop, endpoint).addListener(f -> {
                if (f.isSuccess()) {
                    PgServer s = new PgServer((PgServerConnection) f.getNow(), name);
                    s.pool(self[0]);
                    p.setSuccess(s);
                } else {
                    p.setFailure(f.cause());
                }
            });
            return p;
        }, metrics);
        return self[0];
    }

    private PgServerEndpoint endpoint(Target target) {
        if (target == null) {
            Properties p = config.sharedProps();
            String password = p.getProperty("password");
            return PgServerEndpoint.fromJdbcUrl(config.sharedUrl(), p.getProperty("user"), password == null ? null : () -> password);
        }
        PasswordRef ref = target.passwordRef();
        return PgServerEndpoint.fromJdbcUrl(target.jdbcUrl(), target.user(), ref.isNone() ? null : () -> ref.resolve(target.name()));
    }

    /**
     * Opens one connection to the shared database (which checks its URL and credentials and learns the server's
     * ParameterStatus values for new clients), then binds.
     *
     * @param address where to listen
     * @return the bound address
     * @throws SQLException {@code 08001} when the shared database cannot be reached (the server's reason, never a password)
     * @throws InterruptedException when interrupted while starting
     */
    public InetSocketAddress start(InetSocketAddress address) throws SQLException, InterruptedException {
        ServerPool<PgServer> shared = pools.pool(Target.SHARED, null);
        EventLoop loop = group.next();
        java.util.concurrent.CompletableFuture<PgServer> first = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> shared.acquire(loop, (s, e) -> {
            if (e != null) {
                first.completeExceptionally(e);
            } else {
                first.complete(s);
            }
        }));
        PgServer s;
        try {
            s = first.get(config.poolWaitMs() + 10_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new SQLException("cannot connect to the shared database: " + c.getMessage(), "08001", c);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : REPORTED) {
            String v = s.connection().parameters().get(name);
            if (v != null) {
                params.put(name, v);
            }
        }
        s.connection().parameters().forEach(params::putIfAbsent);
        serverParameters = Map.copyOf(params);
        shared.release(s);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("pg-decoder", new PgFrontendDecoder(config.maxMessageBytes()));
                        ch.pipeline().addLast("pg-session", new PgSession(PgListener.this));
                    }
                });
        serverChannel = b.bind(address).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Opens connections to the target a tenant is about to be flipped to, as many as its current target has, so that the
     * flip releases the waiting transactions onto ready connections. Called for every route read with a next target;
     * acts once per route version. Never blocks.
     *
     * @param r a route naming a next target
     */
    public void warm(Route r) {
        if (!warmed.add(r.tenant() + "@" + r.version())) {
            return;
        }
        try {
            ServerPool<PgServer> from = pools.existing(r.target());
            int count = from == null ? 1 : Math.max(1, from.size());
            Target next = routing.map().target(r.nextTarget());
            if (next == null && !Target.SHARED.equals(r.nextTarget())) {
                return;
            }
            List<EventLoop> loops = new ArrayList<>();
            for (EventExecutor e : group) {
                loops.add((EventLoop) e);
            }
            pools.warm(loops, r.nextTarget(), next, count);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("warming connections to target '{}': {}", r.nextTarget(), e.toString());
        }
    }

    /** Stops accepting clients; open sessions go on. */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    /** @return how many client sessions hold a server connection now (open transactions, pins) */
    public int activeTransactions() {
        int n = 0;
        for (PgSession s : sessions) {
            if (s.holdsServer()) {
                n++;
            }
        }
        return n;
    }

    /** @return client sessions connected now */
    public int clients() {
        return sessions.size();
    }

    @Override
    public void close() {
        stopAccepting();
        for (PgSession s : sessions) {
            s.shutdown();
        }
        pools.close();
    }

    @Override
    public ProxyConfig config() {
        return config;
    }

    @Override
    public ProxyMetrics metrics() {
        return metrics;
    }

    @Override
    public ProxyRouting routing() {
        return routing;
    }

    @Override
    public TargetPools<PgServer> pools() {
        return pools;
    }

    @Override
    public PgClientAuth auth() {
        return auth;
    }

    @Override
    public SslContext tls() {
        return tls;
    }

    @Override
    public String sharedDatabase() {
        return sharedDatabase;
    }

    @Override
    public Map<String, String> serverParameters() {
        return serverParameters;
    }

    @Override
    public ConcurrentHashMap<Long, PgSession> cancels() {
        return cancels;
    }

    @Override
    public PgStatements statements() {
        return statements;
    }

    @Override
    public PgServerConnector connector() {
        return connector;
    }

    @Override
    public void sessionOpened(PgSession s) {
        sessions.add(s);
    }

    @Override
    public void sessionClosed(PgSession s) {
        sessions.remove(s);
    }
}
