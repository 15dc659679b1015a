package io.tenantroute.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.tenantroute.config.Route;
import io.tenantroute.proxy.internal.AdminServer;
import io.tenantroute.proxy.internal.ProxyMetrics;
import io.tenantroute.proxy.internal.ProxyRouting;
import io.tenantroute.proxy.internal.TlsContexts;
import io.tenantroute.proxy.internal.UsersFile;
import io.tenantroute.proxy.internal.UsersFileException;
import io.tenantroute.proxy.pg.PgClientAuth;
import io.tenantroute.proxy.pg.PgListener;
import io.tenantroute.routing.sql.SqlDialect;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running TenantRoute wire proxy: for one app, its shared database and tenant map, a listener for the shared
 * database's engine (PostgreSQL protocol 3.0, or the MySQL client/server protocol) and the admin endpoint
 * ({@code GET /metrics}, {@code GET /health}). Every transaction a client runs is routed by the routing core the JDBC
 * driver uses ({@code io.tenantroute.routing}), with the same fence, freeze and throttle semantics.
 *
 * <p>{@link #start} blocks until the map is loaded and the listener is bound; {@link #stop} stops accepting, lets open
 * transactions finish (up to {@link ProxyConfig#shutdownGraceMs()}), then closes every connection. Thread-safe.
 */
public final class TenantRouteProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantRouteProxy.class);

    /** A bound listener. */
    public record Listener(String protocol, InetSocketAddress address) {
    }

    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final ProxyRouting routing;
    private final EventLoopGroup group;
    private final PgListener pg;
    private final AdminServer admin;
    private final List<Listener> listeners;
    private volatile boolean stopping;
    private boolean stopped;

    private TenantRouteProxy(ProxyConfig config, ProxyMetrics metrics, ProxyRouting routing, EventLoopGroup group,
            PgListener pg, AdminServer admin, List<Listener> listeners) {
        this.config = config;
        this.metrics = metrics;
        this.routing = routing;
        this.group = group;
        this.pg = pg;
        this.admin = admin;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Loads the tenant map, connects once to the shared database, binds the listener and the admin endpoint.
     *
     * @param config the settings
     * @return the running proxy
     * @throws SQLException {@code TR010} when the tenant map cannot be read, {@code 08001} when the shared database cannot be
     *     reached, {@code 0A000} for a shared database of an engine the proxy does not speak yet
     * @throws IOException when an address cannot be bound
     * @throws UsersFileException when the users file is invalid (the message names the user and line, never a password)
     * @throws IllegalArgumentException when the TLS files are unusable
     * @throws InterruptedException when interrupted while starting
     */
    public static TenantRouteProxy start(ProxyConfig config)
            throws SQLException, IOException, UsersFileException, InterruptedException {
        SqlDialect engine = SqlDialect.forJdbcUrl(config.sharedUrl());
        if (engine != SqlDialect.POSTGRESQL) {
            throw new SQLException("the shared database is MySQL/MariaDB: the MySQL listener is not built yet; the proxy serves"
                    + " PostgreSQL databases", "0A000");
        }
        PgClientAuth auth;
        if (config.usersFile() == null) {
            auth = PgClientAuth.loopbackOnly();
            LOG.warn("no --users file: the proxy admits only loopback clients, without a password");
        } else {
            auth = PgClientAuth.fromUsers(UsersFile.load(config.usersFile()));
        }
        SslContext tls = config.tlsCert() == null ? null : TlsContexts.forServer(config.tlsCert(), config.tlsKey());
        ProxyMetrics metrics = new ProxyMetrics();
        AtomicReference<Consumer<Route>> warm = new AtomicReference<>(r -> { });
        ProxyRouting routing = ProxyRouting.open(config, metrics, r -> warm.get().accept(r));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.eventLoops(), NioIoHandler.newFactory());
        PgListener pg = null;
        AdminServer admin = null;
        try {
            pg = new PgListener(config, metrics, routing, auth, tls, group);
            PgListener listener = pg;
            warm.set(listener::warm);
            List<Listener> bound = new ArrayList<>();
            bound.add(new Listener("postgresql", pg.start(config.pgListen())));
            TenantRouteProxy[] self = new TenantRouteProxy[1];
            admin = AdminServer.start(config.adminListen(), metrics::scrape,
                    () -> self[0] != null && !self[0].stopping, () -> self[0] == null ? "starting" : "stopping");
            self[0] = new TenantRouteProxy(config, metrics, routing, group, pg, admin, bound);
            return self[0];
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            if (admin != null) {
                admin.close();
            }
            if (pg != null) {
                pg.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            routing.close();
            throw e;
        }
    }

    /** @return the bound listeners, e.g. {@code postgresql 127.0.0.1:6432} */
    public List<Listener> listeners() {
        return listeners;
    }

    /** @return the admin endpoint's address */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** @return the meters (tests, embedding) */
    public ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Stops: no new clients; open transactions get up to the shutdown grace to finish; then every client is told (FATAL
     * {@code 57P01}) and every connection closed. Idempotent; blocks until done.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopping = true;
        pg.stopAccepting();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownGraceMs());
        while (pg.activeTransactions() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = pg.activeTransactions();
        if (left > 0) {
            LOG.warn("stopping with {} transaction(s) still open after {} ms: their clients are disconnected", left,
                    config.shutdownGraceMs());
        }
        pg.close();
        admin.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        routing.close();
        stopped = true;
    }

    @Override
    public void close() {
        stop();
    }
}
