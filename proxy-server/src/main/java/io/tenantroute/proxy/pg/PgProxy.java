package io.tenantroute.proxy.pg;

import io.netty.handler.ssl.SslContext;
import io.tenantroute.proxy.ProxyConfig;
import io.tenantroute.proxy.internal.ProxyMetrics;
import io.tenantroute.proxy.internal.ProxyRouting;
import io.tenantroute.proxy.internal.TargetPools;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What every client session of the PostgreSQL listener shares (see {@link PgListener}). Thread-safe. */
interface PgProxy {
    /** @return the proxy's settings */
    ProxyConfig config();

    /** @return the meters */
    ProxyMetrics metrics();

    /** @return the routing core */
    ProxyRouting routing();

    /** @return the server pools per target */
    TargetPools<PgServer> pools();

    /** @return how clients authenticate */
    PgClientAuth auth();

    /** @return the TLS context for clients, or null */
    SslContext tls();

    /** @return the database name clients must give: the shared database's */
    String sharedDatabase();

    /** @return the ParameterStatus values a new client is told (a shared-database connection's) */
    Map<String, String> serverParameters();

    /** @return the sessions by backend key ({@code pid << 32 | secret}), for CancelRequest */
    ConcurrentHashMap<Long, PgSession> cancels();

    /** @return the proxy's prepared statements */
    PgStatements statements();

    /** @return opens and cancels server connections */
    PgServerConnector connector();

    /** @param s a client session that connected */
    void sessionOpened(PgSession s);

    /** @param s a client session that disconnected */
    void sessionClosed(PgSession s);
}
