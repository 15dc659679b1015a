package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.proxy.internal.Channels;
import io.tenantroute.proxy.internal.PoolTimeoutException;
import io.tenantroute.proxy.internal.ServerPool;
import io.tenantroute.routing.Admission;
import io.tenantroute.routing.AdmissionAttempt;
import io.tenantroute.routing.FenceRule;
import io.tenantroute.routing.RouteNotCachedException;
import io.tenantroute.routing.SetTenantParser;
import io.tenantroute.routing.TenantResolver;
import io.tenantroute.routing.TenantSources;
import io.tenantroute.routing.sql.WireValues;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the PostgreSQL listener: its startup and authentication, then transaction pooling (the PostgreSQL
 * manual, "Frontend/Backend Protocol": "Message Flow" → "Simple Query", "Extended Query", "Pipelining", "COPY
 * Operations", "Canceling Requests in Progress"; "Message Formats").
 *
 * <p><b>Transactions.</b> The client holds no server connection between transactions. The first statement of a
 * transaction is routed by the routing core — the client's tenant ({@code SET tenantroute.tenant}, the startup
 * parameter), else the statement (hints, SQL inference from its text and Bind values) — admitted by the route's state
 * (suspended, frozen, throttled) and given a server connection of the route's target; the client keeps it until a
 * ReadyForQuery says idle ({@code 'I'}). {@code BEGIN} alone is answered by the proxy and sent with the transaction's
 * first statement, so a transaction goes where its first real statement says.
 *
 * <p><b>What the server must not notice.</b> Before the first statement the connection gets this client's session
 * settings (startup parameters, its session {@code SET}s, the route's schema for schema-per-tenant) where they differ,
 * and the client's prepared statements where they are missing (re-Parsed under the proxy's names, see
 * {@link PgStatements}); the responses to what the proxy adds are swallowed. Features that need one server session for
 * good (LISTEN, advisory locks, WITH HOLD cursors, temporary tables, SQL PREPARE) pin the client to its connection.
 *
 * <p><b>Fences.</b> When the first statement of a transaction (or an autocommit statement) meets a source fence
 * ({@code TR003}), nothing of that transaction has reached the client yet (the proxy holds its responses back until the
 * first row or command result): the transaction is rolled back, the map re-read and the statement retried on the new
 * route ({@link FenceRule}). Later inside a transaction, the client gets the server's {@code TR003}.
 *
 * <p>Event loop only, except {@link #cancel()}.
 */
final class PgSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PgSession.class);
    /** Client messages buffered at most before the proxy stops reading from the client, in bytes. */
    private static final int INBOX_LIMIT_BYTES = 1 << 20;
    /** Responses held back for a possible fence retry at most, in bytes; beyond, they go to the client. */
    private static final int HOLDBACK_LIMIT_BYTES = 256 << 10;
    /** A statement the server refuses at once, to fail a transaction the proxy refused a statement of. */
    private static final String POISON = "SELECT 'tenantroute: statement refused by the proxy'::pg_catalog.int4";
    private static final String SET_CONFIG = "SELECT pg_catalog.set_config($1, $2, false)";

    private enum Phase { STARTUP, AUTHENTICATING, READY, CLOSED }

    /** A response the server owes (or the proxy owes, {@link Kind#SYNTHETIC}), in the order the client expects them. */
    private static final class Expect {
        enum Kind { PARSE, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE, SYNC, QUERY, FUNCTION, SYNTHETIC, POISON }

        /** Whose request it is, which decides where its responses go. */
        enum Role {
            /** The client's: responses go to the client. */
            CLIENT,
            /** The proxy re-prepares a client's statement: success swallowed, an error is the statement's (to the client). */
            REPREPARE,
            /** The proxy closes a statement it evicts: everything swallowed. */
            EVICT,
            /** The client's session replayed (settings, deferred BEGIN): success swallowed, an error fails the unit. */
            REPLAY,
            /** Fails the server's transaction after the proxy refused a statement: the error swallowed. */
            POISON,
            /** A ROLLBACK the proxy needs before going on: everything swallowed. */
            CLEANUP,
            /** The Sync the proxy sends in place of a describe-only unit's Flush: its ReadyForQuery swallowed. */
            DESCRIBE
        }

        final Kind kind;
        final Role role;
        /** Added by the proxy: its successful responses are not the client's. */
        final boolean injected;
        /** For SYNTHETIC: what to send. */
        ByteBuf synthetic;
        /** For a PARSE of a named statement: its id, forgotten on the server when the Parse fails. */
        int statementId = -1;
        /** For QUERY / EXECUTE: the session commands it runs, applied when it succeeds. */
        List<PgCommands.Command> commands;
        boolean failed;

        Expect(Kind kind, Role role) {
            this.kind = kind;
            this.role = role;
            this.injected = role != Role.CLIENT;
        }
    }

    /** A client statement: the interned statement and, for the unnamed one, which Parse made it. */
    private record ClientStatement(PgStatements.Statement statement, long parseSeq) {
    }

    private final PgProxy proxy;
    private ChannelHandlerContext ctx;
    private Channel client;
    private EventLoop loop;
    private Phase phase = Phase.STARTUP;
    private String user = "?";
    private final TenantSources sources = new TenantSources();
    private final PgSettings settings = new PgSettings();
    private final Map<String, ClientStatement> statements = new HashMap<>();
    private ClientStatement unnamed;
    private long parseSeq;
    private int backendPid;
    private int backendSecret;

    // ---- the transaction ----
    private PgServer server;
    /** Mirrors {@code server != null} for the listener's drain at stop (read from another thread). */
    private volatile boolean holdsServer;
    private Admission admission;
    private AdmissionAttempt attempt;
    private ServerPool.Wait poolWait;
    private String heldTenant;
    private String pinnedTenant;
    private Route heldRoute;
    /** The client-visible transaction status. */
    private PgTransactionStatus txStatus = PgTransactionStatus.IDLE;
    /** A BEGIN the proxy answered and has not sent yet (the client is in a transaction no server knows of). */
    private String deferredBegin;
    private boolean deferredFailed;
    private String pinReason;
    /** Session commands that ran inside the open transaction: they hold only if it commits. */
    private final List<PgCommands.Command> txCommands = new ArrayList<>();
    private String lastTag;

    // ---- processing ----
    private final ArrayDeque<PgMessage> inbox = new ArrayDeque<>();
    private long inboxBytes;
    /** The client's messages wait: routing, pool, replay, or a unit's ReadyForQuery. */
    private boolean busy;
    private boolean skipToSync;
    private final ArrayDeque<Expect> expects = new ArrayDeque<>();
    /** Messages of a unit that has no server yet (until its tenant is known). */
    private final List<PgMessage> pending = new ArrayList<>();
    private boolean copyIn;
    private boolean serverNeedsFlush;
    /**
     * The pending unit only parses and describes, and ends with a Flush (postgres.js prepares this way, then binds once
     * it has the description): it runs on a server with a Sync in place of the Flush and gives the server back at once,
     * so that the statement's execution is routed by its Bind values and stays retryable.
     */
    private boolean describeOnly;
    /** Replay batch in flight: its errors fail the unit. */
    private int replayOutstanding;
    private PgMessage replayError;
    /** Portal → the command its statement runs (session SETs made through the extended protocol). */
    private final Map<String, PgCommands.Command> portalCommands = new HashMap<>();

    // ---- fence retry ----
    /** The unit began without a server and nothing of it has reached the client: a fence can be retried. */
    private boolean retryable;
    private final List<PgMessage> unitLog = new ArrayList<>();
    private final List<ByteBuf> holdback = new ArrayList<>();
    private int holdbackBytes;
    private PgMessage fenceError;
    private int fenceRetries;
    private boolean beginSent;

    PgSession(PgProxy proxy) {
        this.proxy = proxy;
    }

    // =================================================================== channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.client = ctx.channel();
        this.loop = ctx.channel().eventLoop();
    }

    /** @return true while a transaction (or a pin) holds a server connection; any thread */
    boolean holdsServer() {
        return holdsServer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        proxy.sessionOpened(this);
        proxy.metrics().clientConnections("postgresql", 1);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof PgStartupPacket) {
            startup((PgStartupPacket) msg);
            return;
        }
        if (!(msg instanceof PgMessage)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        PgMessage m = (PgMessage) msg;
        if (phase != Phase.READY) {
            m.release();
            fatal("08P01", "unexpected message before authentication completed");
            return;
        }
        inbox.add(m);
        inboxBytes += m.frame().readableBytes();
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (serverNeedsFlush && server != null) {
            server.channel().flush();
        }
        serverNeedsFlush = false;
        if (phase != Phase.CLOSED && inboxBytes < INBOX_LIMIT_BYTES) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && server != null) {
            server.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof PgAuthEvent) {
            PgAuthEvent e = (PgAuthEvent) evt;
            if (e.authenticated()) {
                authenticated(e);
            } else {
                phase = Phase.CLOSED;
                proxy.metrics().error(e.sqlState());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PgProtocolException) {
            fatal(((PgProtocolException) cause).sqlState(), cause.getMessage());
        } else if (phase != Phase.CLOSED) {
            LOG.debug("client connection of user '{}' failed: {}", user, cause.toString());
            fatal("08006", "connection failure: " + cause.getClass().getSimpleName());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean wasUp = phase != Phase.STARTUP || backendPid != 0;
        phase = Phase.CLOSED;
        proxy.metrics().clientConnections("postgresql", -1);
        if (backendPid != 0) {
            proxy.cancels().remove(key(backendPid, backendSecret), this);
        }
        releaseAll(inbox);
        inboxBytes = 0;
        releaseAll(pending);
        releaseAll(unitLog);
        for (ByteBuf b : holdback) {
            b.release();
        }
        holdback.clear();
        if (fenceError != null) {
            fenceError.release();
            fenceError = null;
        }
        if (replayError != null) {
            replayError.release();
            replayError = null;
        }
        for (Expect e : expects) {
            if (e.synthetic != null) {
                e.synthetic.release();
            }
        }
        if (attempt != null) {
            attempt.cancel();
            attempt = null;
        }
        if (poolWait != null) {
            poolWait.cancel();
            poolWait = null;
        }
        if (pinReason != null) {
            proxy.metrics().unpinned();
        }
        PgServer s = server;
        proxy.sessionClosed(this);
        if (s != null) {
            server = null;
            holdsServer = false;
            s.detach();
            if (!expects.isEmpty() || copyIn) {
                s.pool().discard(s); // a statement is running: never hand this connection on
            } else if (txStatus != PgTransactionStatus.IDLE || pinReason != null || deferredBegin != null) {
                s.resetAndRelease(pinReason != null);
            } else {
                s.pool().release(s);
            }
        }
        expects.clear();
        if (admission != null) {
            admission.release();
            admission = null;
        }
        if (wasUp) {
            LOG.debug("client of user '{}' disconnected", user);
        }
    }

    // =================================================================== startup

    private void startup(PgStartupPacket p) {
        if (phase != Phase.STARTUP) {
            fatal("08P01", "unexpected startup packet");
            return;
        }
        if (p instanceof PgStartupPacket.SslRequest) {
            if (proxy.tls() != null && client.pipeline().get(SslHandler.class) == null) {
                PgTls.startServerTls(client, proxy.tls());
            } else {
                PgTls.refuse(client);
            }
            ctx.read();
            return;
        }
        if (p instanceof PgStartupPacket.GssEncRequest) {
            PgTls.refuse(client);
            ctx.read();
            return;
        }
        if (p instanceof PgStartupPacket.CancelRequest) {
            PgStartupPacket.CancelRequest c = (PgStartupPacket.CancelRequest) p;
            PgSession target = proxy.cancels().get(key(c.processId(), c.secretKey()));
            if (target != null) {
                target.cancel();
            }
            phase = Phase.CLOSED;
            client.close();
            return;
        }
        PgStartupPacket.StartupMessage s = (PgStartupPacket.StartupMessage) p;
        user = s.user() == null ? "?" : s.user();
        if (s.parameters().containsKey("replication")) {
            fatal("08P01", "replication connections are not supported by the proxy");
            return;
        }
        String database = s.database() == null ? user : s.database();
        if (!database.equals(proxy.sharedDatabase())) {
            fatal("3D000", "database \"" + database + "\" does not exist (this proxy serves \"" + proxy.sharedDatabase() + "\")");
            return;
        }
        try {
            readStartupParameters(s.parameters());
        } catch (SQLException e) {
            fatal(e.getSQLState(), e.getMessage());
            return;
        }
        phase = Phase.AUTHENTICATING; // before the handler is added: it may succeed at once (loopback, no users file)
        client.pipeline().addBefore(ctx.name(), null, new PgFrontendAuthHandler(s, proxy.auth()));
    }

    /** Startup run-time parameters become session settings; {@code tenantroute.tenant} (also inside {@code options}) the tenant. */
    private void readStartupParameters(Map<String, String> params) throws SQLException {
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            switch (name) {
                case "user":
                case "database":
                case "replication":
                    break;
                case "options":
                    for (Map.Entry<String, String> o : PgOptions.parse(e.getValue()).entrySet()) {
                        setStartup(o.getKey(), o.getValue());
                    }
                    break;
                default:
                    if (!name.startsWith("_pq_.")) {
                        setStartup(name, e.getValue());
                    }
            }
        }
    }

    private void setStartup(String name, String value) throws SQLException {
        if (name.equalsIgnoreCase("tenantroute.tenant")) {
            sources.set(TenantSources.Source.CONNECTION, value);
        } else {
            settings.startup(name, value);
        }
    }

    private void authenticated(PgAuthEvent e) {
        ByteBufAllocator a = ctx.alloc();
        Map<String, String> reported = new java.util.LinkedHashMap<>(proxy.serverParameters());
        for (Map.Entry<String, String> p : e.startup().parameters().entrySet()) {
            String k = p.getKey();
            for (String r : new ArrayList<>(reported.keySet())) {
                if (r.equalsIgnoreCase(k)) {
                    reported.put(r, p.getValue()); // the client's own startup values, as the server would report them
                }
            }
        }
        reported.putIfAbsent("application_name", "");
        for (Map.Entry<String, String> p : reported.entrySet()) {
            ctx.write(PgBackendMessages.parameterStatus(a, p.getKey(), p.getValue()));
        }
        do {
            backendPid = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            backendSecret = ThreadLocalRandom.current().nextInt();
        } while (proxy.cancels().putIfAbsent(key(backendPid, backendSecret), this) != null);
        ctx.write(PgBackendMessages.backendKeyData(a, backendPid, backendSecret));
        ctx.writeAndFlush(PgBackendMessages.readyForQuery(a, PgTransactionStatus.IDLE));
        phase = Phase.READY;
        ctx.read();
    }

    private static long key(int pid, int secret) {
        return ((long) pid << 32) | (secret & 0xFFFF_FFFFL);
    }

    /** A CancelRequest for this client arrived (on any thread): cancel what its server connection runs now, if anything. */
    void cancel() {
        loop.execute(() -> {
            PgServer s = server;
            if (s != null && !expects.isEmpty() && s.connection().backendKeyData() != null) {
                PgBackendMessages.BackendKeyData k = s.connection().backendKeyData();
                proxy.connector().cancel(loop, s.connection().endpoint(), k.processId(), k.secretKey());
            }
        });
    }

    // =================================================================== the client's messages

    private void process() {
        while (phase == Phase.READY && !inbox.isEmpty()) {
            PgMessage m = inbox.peek();
            boolean copy = isCopy(m.type());
            if (busy && !(copyIn && copy)) {
                break;
            }
            inbox.poll();
            inboxBytes -= m.frame().readableBytes();
            try {
                handle(m);
            } catch (PgProtocolException e) {
                fatal(e.sqlState(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("client of user '{}': internal error handling {}: {}", user, m, e.toString(), e);
                fatal("XX000", "internal error in the proxy: " + e);
                return;
            }
        }
        if (phase == Phase.READY && !busy && inboxBytes < INBOX_LIMIT_BYTES) {
            ctx.read();
        }
    }

    private static boolean isCopy(byte t) {
        return t == PgFrontendMessages.COPY_DATA || t == PgFrontendMessages.COPY_DONE || t == PgFrontendMessages.COPY_FAIL;
    }

    private void handle(PgMessage m) {
        byte t = m.type();
        if (t == PgFrontendMessages.TERMINATE) {
            m.release();
            phase = Phase.CLOSED;
            client.close();
            return;
        }
        if (isCopy(t)) {
            if (copyIn && server != null) {
                if (t != PgFrontendMessages.COPY_DATA) {
                    copyIn = false;
                }
                server.channel().write(m.frame());
                serverNeedsFlush = true;
            } else {
                m.release(); // CopyData outside COPY: the server would ignore it too
            }
            return;
        }
        if (skipToSync) {
            if (t != PgFrontendMessages.SYNC) {
                m.release();
                return;
            }
            skipToSync = false;
            if (server == null) {
                m.release();
                endLocalUnit();
                return;
            }
        }
        if (server == null || retryable) {
            unitLog.add(m.retainedDuplicate()); // for a fence retry: the unit as the client sent it
        }
        if (server == null) {
            if (t == PgFrontendMessages.QUERY) {
                queryWithoutServer(m);
            } else {
                extendedWithoutServer(m);
            }
        } else {
            forward(m);
        }
    }

    /** Writes the proxy's own answer for a unit that needed no server: a ReadyForQuery with the client's status. */
    private void endLocalUnit() {
        releaseAll(unitLog);
        ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
    }

    private PgTransactionStatus visibleStatus() {
        if (server == null && deferredBegin != null) {
            return deferredFailed ? PgTransactionStatus.FAILED : PgTransactionStatus.IN_TRANSACTION;
        }
        return txStatus;
    }

    // ---- simple query, no server held ----

    private void queryWithoutServer(PgMessage m) {
        describeOnly = false;
        String sql = PgFrontendMessages.query(m);
        if (answeredByProxy(sql, m)) {
            releaseAll(unitLog);
            return;
        }
        if (deferredBegin != null && deferredFailed) {
            m.release();
            releaseAll(unitLog);
            ctx.write(error("25P02", "current transaction is aborted, commands ignored until end of transaction block"));
            ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), PgTransactionStatus.FAILED));
            return;
        }
        pending.add(m);
        route(sql, null, true);
    }

    /**
     * The statements the proxy answers itself in a simple Query: {@code SET tenantroute.tenant}, and while no server is
     * held {@code BEGIN}/{@code COMMIT}/{@code ROLLBACK} of a transaction no server knows yet, {@code DEALLOCATE} and
     * {@code DISCARD ALL} of the client's own statements.
     *
     * @return true when answered (the message is released)
     */
    private boolean answeredByProxy(String sql, PgMessage m) {
        SetTenantParser.SetTenant st;
        try {
            st = SetTenantParser.parse(sql);
        } catch (IllegalArgumentException e) {
            m.release();
            reply(error("42601", e.getMessage()), true);
            return true;
        }
        if (st != null) {
            m.release();
            try {
                sources.set(TenantSources.Source.SET, st.tenant());
            } catch (SQLException e) {
                reply(error(e.getSQLState(), e.getMessage()), true);
                return true;
            }
            reply(PgBackendMessages.commandComplete(ctx.alloc(), st.clears() ? "RESET" : "SET"), true);
            return true;
        }
        PgCommands.Command c = PgCommands.single(sql);
        if (c == null) {
            return false;
        }
        if (server != null) {
            // Held: only the client's own prepared statements are the proxy's business (their server names differ)
            return deallocate(c, m);
        }
        switch (c.kind()) {
            case BEGIN:
                m.release();
                if (deferredBegin != null) {
                    ctx.write(PgBackendMessages.noticeResponse(ctx.alloc(), PgBackendMessages.Severity.WARNING, "25001",
                            "there is already a transaction in progress", null, null));
                } else {
                    deferredBegin = sql;
                    deferredFailed = false;
                    beginSent = false;
                }
                reply(PgBackendMessages.commandComplete(ctx.alloc(), "BEGIN"), true);
                return true;
            case COMMIT:
            case ROLLBACK:
                m.release();
                if (deferredBegin == null) {
                    ctx.write(PgBackendMessages.noticeResponse(ctx.alloc(), PgBackendMessages.Severity.WARNING, "25P01",
                            "there is no transaction in progress", null, null));
                }
                boolean committed = c.kind() == PgCommands.Kind.COMMIT && !deferredFailed;
                deferredBegin = null;
                deferredFailed = false;
                reply(PgBackendMessages.commandComplete(ctx.alloc(), committed ? "COMMIT" : "ROLLBACK"), true);
                return true;
            case DEALLOCATE:
            case DEALLOCATE_ALL:
                return deallocate(c, m);
            case DISCARD_ALL:
                if (pinReason != null || deferredBegin != null) {
                    return false; // pinned: the server's session must be discarded; in a transaction: the server's error
                }
                m.release();
                statements.clear();
                unnamed = null;
                settings.apply(c);
                sources.resetSession();
                reply(PgBackendMessages.commandComplete(ctx.alloc(), "DISCARD ALL"), true);
                return true;
            default:
                return false;
        }
    }

    /**
     * {@code DEALLOCATE name} / {@code DEALLOCATE ALL} of the client's protocol-level statements (pdo_pgsql sends one for
     * every statement it frees): they live on server connections under the proxy's names, shared with other clients, so
     * the proxy forgets the client's name and answers itself. A pinned client may have SQL-level {@code PREPARE}d
     * statements of that name on its server: those go to the server.
     *
     * @return true when answered (the message is released)
     */
    private boolean deallocate(PgCommands.Command c, PgMessage m) {
        if (c.kind() == PgCommands.Kind.DEALLOCATE_ALL && pinReason == null) {
            m.release();
            statements.clear();
            unnamed = null;
            reply(PgBackendMessages.commandComplete(ctx.alloc(), "DEALLOCATE ALL"), true);
            return true;
        }
        if (c.kind() != PgCommands.Kind.DEALLOCATE || (pinReason != null && !statements.containsKey(c.name()))) {
            return false;
        }
        m.release();
        if (statements.remove(c.name()) != null) {
            reply(PgBackendMessages.commandComplete(ctx.alloc(), "DEALLOCATE"), true);
            return true;
        }
        SQLException e = new SQLException("prepared statement \"" + c.name() + "\" does not exist", "26000");
        if (server == null) {
            if (deferredBegin != null) {
                deferredFailed = true;
            }
            reply(errorFor(e), true);
        } else {
            currentIsQuery = true;
            refuseOnServer(e); // as the server would, the error fails the open transaction
        }
        return true;
    }

    /** Writes a reply to a simple Query the proxy answered, and its ReadyForQuery (with the client's status). */
    private void reply(ByteBuf response, boolean withReady) {
        if (server != null && !expects.isEmpty()) {
            synthetic(response);
            if (withReady) {
                synthetic(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
            }
            return;
        }
        ctx.write(response);
        if (withReady) {
            ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
        }
    }

    private ByteBuf error(String sqlState, String message) {
        proxy.metrics().error(sqlState);
        return PgBackendMessages.errorResponse(ctx.alloc(), PgBackendMessages.Severity.ERROR, sqlState, message);
    }

    // ---- extended protocol, no server held ----

    private void extendedWithoutServer(PgMessage m) {
        byte t = m.type();
        pending.add(m);
        describeOnly = false;
        switch (t) {
            case PgFrontendMessages.BIND: {
                PgFrontendMessages.Bind b = PgFrontendMessages.bind(m);
                PgStatements.Statement st = statementFor(b.statement());
                if (st == null) {
                    refuseWithoutServer(new SQLException("prepared statement \"" + b.statement() + "\" does not exist", "26000"));
                    return;
                }
                PgCommands.Command c = PgCommands.single(st.sql);
                if (c != null && c.kind() == PgCommands.Kind.BEGIN) {
                    return; // a transaction goes where its first statement after BEGIN says
                }
                route(st.sql, values(b, st), false);
                return;
            }
            case PgFrontendMessages.SYNC:
            case PgFrontendMessages.FLUSH:
            case PgFrontendMessages.FUNCTION_CALL:
                if (t == PgFrontendMessages.SYNC && answerLocally()) {
                    return;
                }
                describeOnly = t == PgFrontendMessages.FLUSH && !executes();
                route(firstText(), null, false);
                return;
            default:
                // Parse, Describe, Execute, Close: wait for the Bind (values) or the Sync
        }
    }

    /** @return true when the pending unit runs something (a Bind, an Execute, a function call), not only Parse/Describe */
    private boolean executes() {
        for (PgMessage p : pending) {
            byte t = p.type();
            if (t == PgFrontendMessages.BIND || t == PgFrontendMessages.EXECUTE || t == PgFrontendMessages.FUNCTION_CALL) {
                return true;
            }
        }
        return false;
    }

    /** A unit of only Close/Sync/Flush: answered without a server. */
    private boolean answerLocally() {
        for (PgMessage p : pending) {
            byte t = p.type();
            if (t != PgFrontendMessages.CLOSE && t != PgFrontendMessages.SYNC && t != PgFrontendMessages.FLUSH) {
                return false;
            }
        }
        for (PgMessage p : pending) {
            if (p.type() == PgFrontendMessages.CLOSE) {
                closeClientStatement(PgFrontendMessages.close(p));
                ctx.write(PgBackendMessages.closeComplete(ctx.alloc()));
            }
        }
        releaseAll(pending);
        endLocalUnit();
        return true;
    }

    private void closeClientStatement(PgFrontendMessages.Target target) {
        if (target.isStatement()) {
            if (target.name().isEmpty()) {
                unnamed = null;
            } else {
                statements.remove(target.name());
            }
        }
    }

    /** The text of the unit's first Parse or described statement, for routing a unit that has no Bind. */
    private String firstText() {
        for (PgMessage p : pending) {
            if (p.type() == PgFrontendMessages.PARSE) {
                return PgFrontendMessages.parse(p).sql();
            }
            if (p.type() == PgFrontendMessages.DESCRIBE) {
                PgFrontendMessages.Target d = PgFrontendMessages.describe(p);
                if (d.isStatement()) {
                    PgStatements.Statement st = statementFor(d.name());
                    if (st != null) {
                        return st.sql;
                    }
                }
            }
        }
        return null;
    }

    /**
     * The statement a Bind or Describe of the not-yet-forwarded unit names: a Parse earlier in the unit, else one the
     * client parsed before.
     */
    private PgStatements.Statement statementFor(String name) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            PgMessage p = pending.get(i);
            if (p.type() == PgFrontendMessages.PARSE) {
                PgFrontendMessages.Parse parse = PgFrontendMessages.parse(p);
                if (parse.name().equals(name)) {
                    return proxy.statements().intern(parse.sql(), parse.parameterTypes());
                }
            }
        }
        ClientStatement cs = name.isEmpty() ? unnamed : statements.get(name);
        return cs == null ? null : cs.statement();
    }

    /** The Bind's values by 0-based parameter index, decoded for tenant inference (read only when asked). */
    private static IntFunction<Object> values(PgFrontendMessages.Bind b, PgStatements.Statement st) {
        return i -> {
            if (i < 0 || i >= b.parameterCount() || b.isNull(i)) {
                return null;
            }
            int oid = i < st.types.length ? st.types[i] : 0;
            ByteBuf v = b.parameterValue(i);
            byte[] bytes = new byte[v.readableBytes()];
            v.getBytes(v.readerIndex(), bytes);
            return WireValues.pg(oid, b.parameterFormat(i) == 1, bytes);
        };
    }

    /** A routing failure before any server: the error in the unit's place, then ReadyForQuery at its Sync. */
    private void refuseWithoutServer(SQLException e) {
        boolean simple = !pending.isEmpty() && pending.get(0).type() == PgFrontendMessages.QUERY;
        boolean sawSync = false;
        for (PgMessage p : pending) {
            if (p.type() == PgFrontendMessages.PARSE) {
                registerParse(PgFrontendMessages.parse(p)); // it would have succeeded before the Bind failed
                ctx.write(PgBackendMessages.parseComplete(ctx.alloc()));
            }
            sawSync |= p.type() == PgFrontendMessages.SYNC;
        }
        releaseAll(pending);
        releaseAll(unitLog);
        ctx.write(errorFor(e));
        if (deferredBegin != null) {
            deferredFailed = true;
        }
        if (simple || sawSync) {
            ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
        } else {
            skipToSync = true;
        }
        ctx.flush();
        busy = false;
    }

    private ByteBuf errorFor(SQLException e) {
        String state = e.getSQLState() == null ? "XX000" : e.getSQLState();
        return error(state, e.getMessage());
    }

    // =================================================================== routing a unit

    /**
     * Routes the pending unit: its tenant, the route's admission, a server connection of the route's target.
     *
     * @param sql the statement text to read for the tenant, or null
     * @param params its Bind values, or null
     * @param simple true for a simple Query
     */
    private void route(String sql, IntFunction<Object> params, boolean simple) {
        String tenant;
        try {
            tenant = proxy.routing().resolver().resolve(sources.current(null), sql, params, null, false, proxy.routing().router());
        } catch (RouteNotCachedException e) {
            loadThenRetry(e.tenant());
            return;
        } catch (SQLException e) {
            refuseWithoutServer(e);
            return;
        }
        busy = true;
        attempt = proxy.routing().router().attempt(tenant, proxy.config().throttleConcurrency(), proxy.config().throttleWaitMs());
        pollAdmission();
    }

    /** Puts the unit back and reads a route off the event loop; the unit is then handled again from its start. */
    private void loadThenRetry(String tenant) {
        busy = true;
        requeuePending();
        proxy.routing().blocking().execute(() -> {
            SQLException failure = null;
            try {
                proxy.routing().router().load(tenant);
            } catch (SQLException e) {
                failure = e;
            }
            SQLException f = failure;
            loop.execute(() -> {
                if (phase == Phase.CLOSED) {
                    return;
                }
                busy = false;
                if (f != null) {
                    PgMessage first = inbox.peek();
                    boolean simple = first != null && first.type() == PgFrontendMessages.QUERY;
                    if (simple) {
                        inbox.poll().release();
                    } else {
                        skipToSync = true;
                    }
                    releaseAll(unitLog);
                    ctx.write(errorFor(f));
                    if (simple) {
                        ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
                    }
                    ctx.flush();
                }
                process();
            });
        });
    }

    /** Moves the unit's messages (as the client sent them) back to the front of the inbox. */
    private void requeuePending() {
        releaseAll(pending);
        for (int i = unitLog.size() - 1; i >= 0; i--) {
            PgMessage m = unitLog.get(i);
            inbox.addFirst(m);
            inboxBytes += m.frame().readableBytes();
        }
        unitLog.clear();
        retryable = false;
    }

    private void pollAdmission() {
        if (phase == Phase.CLOSED || attempt == null) {
            return;
        }
        AdmissionAttempt.Step step;
        try {
            step = attempt.poll();
        } catch (RouteNotCachedException e) {
            proxy.routing().blocking().execute(() -> {
                try {
                    proxy.routing().router().load(e.tenant());
                } catch (SQLException ignored) {
                    // the next poll reports it
                }
                loop.execute(this::pollAdmissionAfterLoad);
            });
            return;
        } catch (SQLException e) {
            attempt = null;
            refuseWithoutServer(e);
            process();
            return;
        }
        if (step == AdmissionAttempt.Step.WAIT) {
            loop.schedule(this::pollAdmission, attempt.waitNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        admission = attempt.admission();
        attempt = null;
        Route r = admission.route();
        Target target;
        try {
            target = proxy.routing().router().target(r);
        } catch (SQLException e) {
            admission.release();
            admission = null;
            refuseWithoutServer(e);
            process();
            return;
        }
        ServerPool<PgServer> pool = proxy.pools().pool(r.target(), target);
        String tenant = r.tenant().isEmpty() ? null : r.tenant();
        poolWait = pool.acquire(loop, (s, error) -> {
            poolWait = null;
            if (phase == Phase.CLOSED) {
                if (s != null) {
                    s.pool().release(s);
                }
                if (admission != null) {
                    admission.release();
                    admission = null;
                }
                return;
            }
            if (error != null) {
                admission.release();
                admission = null;
                refuseWithoutServer(serverError(r.target(), error));
                process();
                return;
            }
            attach(s, tenant, r);
        });
    }

    private void pollAdmissionAfterLoad() {
        if (phase != Phase.CLOSED) {
            try {
                pollAdmission();
            } catch (RuntimeException e) {
                fatal("XX000", "internal error in the proxy: " + e);
            }
        }
    }

    private static SQLException serverError(String target, Throwable error) {
        if (error instanceof PoolTimeoutException) {
            return new SQLException(error.getMessage(), "53300");
        }
        if (error instanceof PgServerException) {
            PgServerException pe = (PgServerException) error;
            return new SQLException("cannot connect to target '" + target + "': " + pe.getMessage(), pe.getSQLState());
        }
        return new SQLException("cannot connect to target '" + target + "': " + error.getMessage(), "08006");
    }

    /** The unit has its server: bring the server's session in line, then send the unit. */
    private void attach(PgServer s, String tenant, Route r) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("client of user '{}': tenant '{}' → target '{}' on {}", user, tenant, r.target(), s);
        }
        server = s;
        holdsServer = true;
        s.attach(this);
        heldTenant = tenant;
        pinnedTenant = tenant;
        heldRoute = r;
        retryable = true;
        proxy.metrics().transaction(r.target());
        List<PgSettings.Setting> changes = PgSettings.diff(s.applied, settings.wanted(r.schema()));
        boolean begin = deferredBegin != null && !beginSent && !describeOnly;
        if (describeOnly) {
            retryable = false; // a description has no effect to hide; nothing of it is retried
            releaseAll(unitLog);
        }
        if (!changes.isEmpty() || begin) {
            sendReplay(s, changes, begin);
            if (replayOutstanding > 0) {
                s.read();
                return; // the unit follows when the replay is done (fromServer → replayDone)
            }
        }
        sendPending();
    }

    private void sendReplay(PgServer s, List<PgSettings.Setting> changes, boolean begin) {
        ByteBufAllocator a = s.channel().alloc();
        Channel ch = s.channel();
        if (!changes.isEmpty()) {
            for (PgSettings.Setting c : changes) {
                if (c.value() != null) {
                    ch.write(PgFrontendMessages.parse(a, "", SET_CONFIG));
                    ch.write(PgFrontendMessages.bind(a, "", "", java.util.Arrays.asList(c.name(), c.value())));
                } else {
                    ch.write(PgFrontendMessages.parse(a, "", c.sql() != null ? c.sql() : resetSql(c.name())));
                    ch.write(PgFrontendMessages.bind(a, "", "", List.of()));
                }
                ch.write(PgFrontendMessages.execute(a, "", 0));
                expect(Expect.Kind.PARSE, Expect.Role.REPLAY);
                expect(Expect.Kind.BIND, Expect.Role.REPLAY);
                expect(Expect.Kind.EXECUTE, Expect.Role.REPLAY);
                if (c.sql() == null && c.value() == null) {
                    s.applied.remove(c.name());
                } else {
                    s.applied.put(c.name(), c);
                }
            }
            s.unnamedOwner = null;
            ch.write(PgFrontendMessages.sync(a));
            expect(Expect.Kind.SYNC, Expect.Role.REPLAY);
            replayOutstanding++;
        }
        if (begin) {
            ch.write(PgFrontendMessages.query(a, deferredBegin));
            expect(Expect.Kind.QUERY, Expect.Role.REPLAY);
            replayOutstanding++;
            beginSent = true;
        }
        ch.flush();
    }

    private static String resetSql(String name) {
        switch (name) {
            case "role":
                return "RESET ROLE";
            case "session_authorization":
                return "RESET SESSION AUTHORIZATION";
            case "session characteristics":
                return "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL DEFAULT, READ WRITE, NOT DEFERRABLE";
            default:
                return "RESET " + PgSettings.quoteIdentifier(name);
        }
    }

    private Expect expect(Expect.Kind kind, Expect.Role role) {
        Expect e = new Expect(kind, role);
        expects.add(e);
        return e;
    }

    private Expect expect(Expect.Kind kind) {
        return expect(kind, Expect.Role.CLIENT);
    }

    private void synthetic(ByteBuf response) {
        Expect e = new Expect(Expect.Kind.SYNTHETIC, Expect.Role.CLIENT);
        e.synthetic = response;
        expects.add(e);
        drainSynthetic();
    }

    /** Sends the unit's pending messages to the server, then goes on with the client's later ones. */
    private void sendPending() {
        List<PgMessage> unit = new ArrayList<>(pending);
        pending.clear();
        busy = false;
        for (PgMessage m : unit) {
            if (server == null) {
                m.release();
            } else if (describeOnly && m.type() == PgFrontendMessages.FLUSH) {
                m.release();
                server.channel().write(PgFrontendMessages.sync(server.channel().alloc()));
                expect(Expect.Kind.SYNC, Expect.Role.DESCRIBE);
                busy = true;
            } else if (skipToSync && m.type() != PgFrontendMessages.SYNC) {
                m.release();
            } else {
                skipToSync = false;
                forward(m);
            }
        }
        if (server != null) {
            server.channel().flush();
            server.read();
        }
        process();
    }

    // =================================================================== forwarding, server held

    private void forward(PgMessage m) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("client of user '{}' → {}: {}", user, server, m);
        }
        PgServer s = server;
        Channel ch = s.channel();
        ByteBufAllocator a = ch.alloc();
        currentIsQuery = m.type() == PgFrontendMessages.QUERY;
        switch (m.type()) {
            case PgFrontendMessages.QUERY: {
                String sql = PgFrontendMessages.query(m);
                if (answeredByProxy(sql, m)) {
                    return;
                }
                if (!checkTenant(sql, null)) {
                    m.release();
                    return;
                }
                pinIfNeeded(sql);
                Expect e = expect(Expect.Kind.QUERY);
                e.commands = sessionCommands(sql);
                if (s.unnamedOwner != null) {
                    s.unnamedOwner = null; // a simple Query destroys the unnamed statement
                }
                ch.write(m.frame());
                proxy.metrics().statement(s.target());
                busy = true;
                ch.flush();
                return;
            }
            case PgFrontendMessages.PARSE: {
                PgFrontendMessages.Parse p = PgFrontendMessages.parse(m);
                pinIfNeeded(p.sql());
                if (p.name().isEmpty()) {
                    PgStatements.Statement st = proxy.statements().intern(p.sql(), p.parameterTypes());
                    unnamed = new ClientStatement(st, ++parseSeq);
                    s.unnamedOwner = unnamed;
                    expect(Expect.Kind.PARSE);
                    ch.write(m.frame());
                    return;
                }
                if (statements.containsKey(p.name())) {
                    m.release();
                    refuseOnServer(new SQLException("prepared statement \"" + p.name() + "\" already exists", "42P05"));
                    return;
                }
                PgStatements.Statement st = registerParse(p);
                if (s.hasPrepared(st.id)) {
                    m.release();
                    synthetic(PgBackendMessages.parseComplete(ctx.alloc()));
                    return;
                }
                evictIfFull(s, st.id, ch, a);
                PgMessage renamed = PgFrontendMessages.withStatementName(a, m, st.serverName());
                m.release();
                s.prepared.put(st.id, Boolean.TRUE);
                Expect e = expect(Expect.Kind.PARSE);
                e.statementId = st.id;
                ch.write(renamed.frame());
                return;
            }
            case PgFrontendMessages.BIND: {
                PgFrontendMessages.Bind b = PgFrontendMessages.bind(m);
                ClientStatement cs = b.statement().isEmpty() ? unnamed : statements.get(b.statement());
                if (cs == null) {
                    m.release();
                    refuseOnServer(new SQLException("prepared statement \"" + b.statement() + "\" does not exist", "26000"));
                    return;
                }
                if (!checkTenant(cs.statement().sql, values(b, cs.statement()))) {
                    m.release();
                    return;
                }
                PgCommands.Command cmd = PgCommands.single(cs.statement().sql);
                if (cmd != null && isSessionCommand(cmd)) {
                    portalCommands.put(b.portal(), cmd);
                } else {
                    portalCommands.remove(b.portal());
                }
                String serverName = ensurePrepared(s, cs, ch, a);
                PgMessage out = serverName.equals(b.statement()) ? m : PgFrontendMessages.withStatementName(a, m, serverName);
                if (out != m) {
                    m.release();
                }
                expect(Expect.Kind.BIND);
                ch.write(out.frame());
                return;
            }
            case PgFrontendMessages.DESCRIBE: {
                PgFrontendMessages.Target d = PgFrontendMessages.describe(m);
                if (!d.isStatement()) {
                    expect(Expect.Kind.DESCRIBE_PORTAL);
                    ch.write(m.frame());
                    return;
                }
                ClientStatement cs = d.name().isEmpty() ? unnamed : statements.get(d.name());
                if (cs == null) {
                    m.release();
                    refuseOnServer(new SQLException("prepared statement \"" + d.name() + "\" does not exist", "26000"));
                    return;
                }
                String serverName = ensurePrepared(s, cs, ch, a);
                PgMessage out = serverName.equals(d.name()) ? m : PgFrontendMessages.withStatementName(a, m, serverName);
                if (out != m) {
                    m.release();
                }
                expect(Expect.Kind.DESCRIBE_STATEMENT);
                ch.write(out.frame());
                return;
            }
            case PgFrontendMessages.CLOSE: {
                PgFrontendMessages.Target c = PgFrontendMessages.close(m);
                if (c.isStatement()) {
                    closeClientStatement(c);
                    m.release();
                    synthetic(PgBackendMessages.closeComplete(ctx.alloc())); // the server keeps its copy for others
                    return;
                }
                expect(Expect.Kind.CLOSE);
                ch.write(m.frame());
                return;
            }
            case PgFrontendMessages.EXECUTE: {
                PgFrontendMessages.Execute x = PgFrontendMessages.execute(m);
                Expect e = expect(Expect.Kind.EXECUTE);
                PgCommands.Command cmd = portalCommands.get(x.portal());
                if (cmd != null) {
                    e.commands = List.of(cmd);
                }
                proxy.metrics().statement(s.target());
                ch.write(m.frame());
                return;
            }
            case PgFrontendMessages.SYNC:
                expect(Expect.Kind.SYNC);
                ch.write(m.frame());
                busy = true;
                ch.flush();
                return;
            case PgFrontendMessages.FLUSH:
                ch.write(m.frame());
                ch.flush();
                if (retryable) {
                    commitUnit(); // the client wants the responses now: they can no longer be held for a retry
                }
                return;
            case PgFrontendMessages.FUNCTION_CALL:
                expect(Expect.Kind.FUNCTION);
                ch.write(m.frame());
                busy = true;
                ch.flush();
                return;
            default:
                m.release();
                throw PgProtocolException.violation("invalid frontend message type " + PgMessage.typeName(m.type()));
        }
    }

    private PgStatements.Statement registerParse(PgFrontendMessages.Parse p) {
        PgStatements.Statement st = proxy.statements().intern(p.sql(), p.parameterTypes());
        if (p.name().isEmpty()) {
            unnamed = new ClientStatement(st, ++parseSeq);
        } else {
            statements.put(p.name(), new ClientStatement(st, 0));
        }
        return st;
    }

    /** @return the name the client's statement has on this server, after preparing it there if it was missing */
    private String ensurePrepared(PgServer s, ClientStatement cs, Channel ch, ByteBufAllocator a) {
        PgStatements.Statement st = cs.statement();
        if (cs == unnamed && cs.parseSeq() != 0) {
            if (s.unnamedOwner != cs) {
                ch.write(PgFrontendMessages.parse(a, "", st.sql, st.types));
                expect(Expect.Kind.PARSE, Expect.Role.REPREPARE);
                s.unnamedOwner = cs;
            }
            return "";
        }
        if (!s.hasPrepared(st.id)) {
            evictIfFull(s, st.id, ch, a);
            ch.write(PgFrontendMessages.parse(a, st.serverName(), st.sql, st.types));
            Expect e = expect(Expect.Kind.PARSE, Expect.Role.REPREPARE);
            e.statementId = st.id;
            s.prepared.put(st.id, Boolean.TRUE);
        }
        return st.serverName();
    }

    private void evictIfFull(PgServer s, int id, Channel ch, ByteBufAllocator a) {
        int evict = s.evictFor(id);
        if (evict >= 0) {
            ch.write(PgFrontendMessages.close(a, PgFrontendMessages.KIND_STATEMENT, "tr" + evict));
            expect(Expect.Kind.CLOSE, Expect.Role.EVICT);
        }
    }

    /**
     * Inside a held transaction: the statement's tenant must live where the transaction runs.
     *
     * @return false when refused (the error is queued in the statement's place)
     */
    private boolean checkTenant(String sql, IntFunction<Object> params) {
        try {
            String t = proxy.routing().resolver().resolve(sources.current(null), sql, params, pinnedTenant, true, proxy.routing().router());
            if (!Objects.equals(t, heldTenant)) {
                Route tr = t == null ? Route.implicitShared("") : proxy.routing().router().read(t);
                TenantResolver.requireSameTarget(t, tr, heldRoute, heldTenant, false);
                if (pinnedTenant == null) {
                    pinnedTenant = t;
                }
            }
            return true;
        } catch (RouteNotCachedException e) {
            // Rare inside a transaction (its tenants were read when it began): read it, and meanwhile refuse rather than
            // block the loop. The client retries; the route is then in memory.
            proxy.routing().blocking().execute(() -> {
                try {
                    proxy.routing().router().load(e.tenant());
                } catch (SQLException ignored) {
                    // reported at the next use
                }
            });
            refuseOnServer(TenantRouteSqlState.MAP_UNAVAILABLE.exception("the route of tenant '" + e.tenant()
                    + "' was not in memory yet; retry the statement"));
            return false;
        } catch (SQLException e) {
            refuseOnServer(e);
            return false;
        }
    }

    /**
     * Refuses a statement while a server is held: the error goes to the client in the statement's place, and the server's
     * transaction is failed too (a statement the server refuses at once), so that nothing the client believes refused
     * can commit; the client's messages up to its Sync are dropped, as the server would.
     */
    private void refuseOnServer(SQLException e) {
        PgServer s = server;
        Channel ch = s.channel();
        ByteBufAllocator a = ch.alloc();
        synthetic(errorFor(e));
        if (currentIsQuery) {
            ch.write(PgFrontendMessages.query(a, POISON)); // its ReadyForQuery answers the client's Query
            expect(Expect.Kind.QUERY, Expect.Role.POISON);
            busy = true;
        } else {
            ch.write(PgFrontendMessages.parse(a, "", POISON));
            ch.write(PgFrontendMessages.bind(a, "", "", List.of()));
            ch.write(PgFrontendMessages.execute(a, "", 0));
            expect(Expect.Kind.POISON, Expect.Role.POISON);
            skipToSync = true;
        }
        s.unnamedOwner = null;
        ch.flush();
    }

    /** True while forwarding a simple Query (refusals then end at its ReadyForQuery, not at a Sync). */
    private boolean currentIsQuery;

    private void pinIfNeeded(String sql) {
        if (pinReason == null) {
            String reason = PgCommands.pinReason(sql);
            if (reason != null) {
                pinReason = reason;
                proxy.metrics().pinned(reason);
                LOG.debug("client of user '{}' pinned to its server connection ({})", user, reason);
            }
        }
    }

    private static boolean isSessionCommand(PgCommands.Command c) {
        switch (c.kind()) {
            case SET:
            case RESET:
            case RESET_ALL:
            case DISCARD_ALL:
            case DEALLOCATE_ALL:
                return true;
            default:
                return false;
        }
    }

    private static List<PgCommands.Command> sessionCommands(String sql) {
        List<PgCommands.Command> out = null;
        for (PgCommands.Command c : PgCommands.of(sql)) {
            if (isSessionCommand(c) || c.kind() == PgCommands.Kind.DEALLOCATE) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(c);
            }
        }
        return out;
    }

    // =================================================================== the server's messages

    /** @return this session's event loop */
    EventLoop eventLoop() {
        return loop;
    }

    /**
     * Messages the attached server sent in one read, then that read's end — on this session's event loop: called directly
     * when the server's channel shares it, else once per read as one task (one thread hop per read, not per message).
     */
    void fromServer(PgServer s, List<PgMessage> messages) {
        for (PgMessage m : messages) {
            onServerMessage(s, m);
        }
        onServerReadComplete(s);
    }

    /** One message of the attached server; on this session's event loop. */
    void fromServer(PgServer s, PgMessage m) {
        onServerMessage(s, m);
    }

    /** The end of one read of the attached server; on this session's event loop. */
    void fromServerComplete(PgServer s) {
        onServerReadComplete(s);
    }

    void serverClosed(PgServer s, Throwable cause) {
        if (loop.inEventLoop()) {
            onServerClosed(s, cause);
        } else {
            loop.execute(() -> onServerClosed(s, cause));
        }
    }

    private void onServerReadComplete(PgServer s) {
        if (phase == Phase.CLOSED) {
            return;
        }
        ctx.flush(); // also after the ReadyForQuery that gave the server back
        if (s == server && client.isWritable()) {
            s.read();
        }
    }

    private void onServerClosed(PgServer s, Throwable cause) {
        if (s != server) {
            return;
        }
        server = null;
        holdsServer = false;
        expects.clear();
        s.pool().discard(s);
        if (admission != null) {
            admission.release();
            admission = null;
        }
        if (phase != Phase.CLOSED) {
            LOG.info("server connection to target '{}' of a client of user '{}' closed{}", s.target(), user,
                    cause == null ? "" : ": " + cause);
            fatal("08006", "the server connection to target '" + s.target() + "' closed while the client used it");
        }
    }

    private void onServerMessage(PgServer s, PgMessage m) {
        if (s != server || phase == Phase.CLOSED) {
            m.release();
            return;
        }
        try {
            serverMessage(s, m);
        } catch (PgProtocolException e) {
            LOG.warn("server of target '{}' sent a malformed message: {}", s.target(), e.getMessage());
            onServerClosed(s, e);
        }
    }

    private void serverMessage(PgServer s, PgMessage m) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("from {}: {} (expecting {})", s, m, expects.peek() == null ? "nothing" : expects.peek().kind);
        }
        drainSynthetic();
        byte t = m.type();
        Expect h = expects.peek();
        if (t == PgBackendMessages.NOTICE_RESPONSE || t == PgBackendMessages.NOTIFICATION_RESPONSE
                || t == PgBackendMessages.PARAMETER_STATUS) {
            if (h != null && h.injected) {
                m.release();
            } else {
                toClient(m.frame(), t);
            }
            return;
        }
        if (h == null) {
            LOG.debug("unexpected message {} from target '{}'", m, s.target());
            m.release();
            return;
        }
        if (t == PgBackendMessages.ERROR_RESPONSE) {
            onError(s, h, m);
            return;
        }
        if (!fits(h.kind, t)) {
            // Never pass a response to the wrong request: the session cannot be trusted any more.
            LOG.error("client of user '{}': {} answered {} while {} was expected; closing the client and the server connection",
                    user, s, m, h.kind);
            m.release();
            onServerClosed(s, new IllegalStateException("response out of step"));
            return;
        }
        switch (h.kind) {
            case PARSE:
            case BIND:
            case CLOSE:
            case DESCRIBE_PORTAL:
                complete(h, m);
                return;
            case DESCRIBE_STATEMENT:
                if (t == PgBackendMessages.PARAMETER_DESCRIPTION) {
                    pass(h, m);
                } else {
                    complete(h, m);
                }
                return;
            case POISON:
                m.release(); // ParseComplete / BindComplete of the poison; its error follows
                return;
            case EXECUTE:
                switch (t) {
                    case PgBackendMessages.COMMAND_COMPLETE:
                        lastTag = PgBackendMessages.commandComplete(m);
                        complete(h, m);
                        return;
                    case PgBackendMessages.EMPTY_QUERY_RESPONSE:
                    case PgBackendMessages.PORTAL_SUSPENDED:
                        complete(h, m);
                        return;
                    case PgBackendMessages.COPY_IN_RESPONSE:
                        copyIn = true;
                        pass(h, m);
                        return;
                    default:
                        pass(h, m);
                        return;
                }
            case QUERY:
            case FUNCTION:
                if (t == PgBackendMessages.READY_FOR_QUERY) {
                    expects.poll();
                    readyForQuery(s, h, m);
                    return;
                }
                if (t == PgBackendMessages.COMMAND_COMPLETE) {
                    lastTag = PgBackendMessages.commandComplete(m);
                }
                if (t == PgBackendMessages.COPY_IN_RESPONSE) {
                    copyIn = true;
                }
                pass(h, m);
                return;
            case SYNC:
                expects.poll();
                readyForQuery(s, h, m);
                return;
            default:
                m.release();
        }
    }

    /** @return whether a server message of type {@code t} can answer a request of kind {@code k} (the manual's message flow) */
    private static boolean fits(Expect.Kind k, byte t) {
        switch (k) {
            case PARSE:
                return t == PgBackendMessages.PARSE_COMPLETE;
            case BIND:
                return t == PgBackendMessages.BIND_COMPLETE;
            case CLOSE:
                return t == PgBackendMessages.CLOSE_COMPLETE;
            case DESCRIBE_PORTAL:
                return t == PgBackendMessages.ROW_DESCRIPTION || t == PgBackendMessages.NO_DATA;
            case DESCRIBE_STATEMENT:
                return t == PgBackendMessages.PARAMETER_DESCRIPTION || t == PgBackendMessages.ROW_DESCRIPTION
                        || t == PgBackendMessages.NO_DATA;
            case POISON:
                return t == PgBackendMessages.PARSE_COMPLETE || t == PgBackendMessages.BIND_COMPLETE;
            case SYNC:
                return t == PgBackendMessages.READY_FOR_QUERY;
            case EXECUTE:
                return t == PgBackendMessages.DATA_ROW || t == PgBackendMessages.COMMAND_COMPLETE
                        || t == PgBackendMessages.EMPTY_QUERY_RESPONSE || t == PgBackendMessages.PORTAL_SUSPENDED
                        || t == PgBackendMessages.COPY_IN_RESPONSE || t == PgBackendMessages.COPY_OUT_RESPONSE
                        || t == PgBackendMessages.COPY_BOTH_RESPONSE || t == PgBackendMessages.COPY_DATA
                        || t == PgBackendMessages.COPY_DONE;
            case QUERY:
            case FUNCTION:
                return t != PgBackendMessages.PARSE_COMPLETE && t != PgBackendMessages.BIND_COMPLETE
                        && t != PgBackendMessages.CLOSE_COMPLETE && t != PgBackendMessages.PARAMETER_DESCRIPTION
                        && t != PgBackendMessages.NO_DATA && t != PgBackendMessages.PORTAL_SUSPENDED;
            default:
                return false;
        }
    }

    /** A response that is not the last of its request. */
    private void pass(Expect h, PgMessage m) {
        if (h.injected) {
            m.release();
        } else {
            toClient(m.frame(), m.type());
        }
    }

    /** The last response of a request. */
    private void complete(Expect h, PgMessage m) {
        expects.poll();
        if (h.kind == Expect.Kind.EXECUTE && h.commands != null && !h.failed) {
            sessionCommandsRan(h.commands);
        }
        pass(h, m);
        drainSynthetic();
    }

    private void onError(PgServer s, Expect h, PgMessage m) {
        String state = PgBackendMessages.notice(m).sqlState();
        copyIn = false;
        if (h.statementId >= 0) {
            s.prepared.remove(h.statementId); // the Parse failed: the server has no such statement
        }
        if (FenceRule.isFence(state)) {
            refreshMapSoon();
        }
        switch (h.role) {
            case REPLAY:
                if (replayError == null) {
                    replayError = m;
                } else {
                    m.release();
                }
                break;
            case POISON:
            case CLEANUP:
            case EVICT:
                m.release();
                break;
            default:
                if (retryable && FenceRule.isFence(state) && fenceError == null) {
                    fenceError = m; // held: the unit is retried on the new route, unless retries run out
                } else {
                    toClient(m.frame(), m.type());
                }
        }
        h.failed = true;
        if (h.kind == Expect.Kind.QUERY || h.kind == Expect.Kind.FUNCTION) {
            return; // a simple Query goes on to its ReadyForQuery
        }
        // Extended protocol: the server skips everything up to the Sync; so do the responses owed for it.
        while (!expects.isEmpty() && expects.peek().kind != Expect.Kind.SYNC) {
            Expect skipped = expects.poll();
            if (skipped.synthetic != null) {
                skipped.synthetic.release();
            }
        }
        if (!expects.isEmpty()) {
            expects.peek().failed = true;
        }
    }

    private void drainSynthetic() {
        while (!expects.isEmpty() && expects.peek().kind == Expect.Kind.SYNTHETIC) {
            Expect e = expects.poll();
            toClient(e.synthetic, e.synthetic.getByte(e.synthetic.readerIndex()));
        }
    }

    /** To the client — or, while a fence could still be retried, held back. */
    private void toClient(ByteBuf frame, byte type) {
        if (retryable) {
            holdback.add(frame);
            holdbackBytes += frame.readableBytes();
            if (commits(frame, type) || holdbackBytes > HOLDBACK_LIMIT_BYTES) {
                commitUnit();
            }
            return;
        }
        ctx.write(frame);
    }

    /** Whether a response means the client has seen its transaction take effect: no invisible retry after it. */
    private static boolean commits(ByteBuf frame, byte type) {
        switch (type) {
            case PgBackendMessages.DATA_ROW:
            case PgBackendMessages.COPY_IN_RESPONSE:
            case PgBackendMessages.COPY_OUT_RESPONSE:
            case PgBackendMessages.COPY_BOTH_RESPONSE:
            case PgBackendMessages.EMPTY_QUERY_RESPONSE:
            case PgBackendMessages.PORTAL_SUSPENDED:
            case PgBackendMessages.FUNCTION_CALL_RESPONSE:
                return true;
            case PgBackendMessages.COMMAND_COMPLETE: {
                int n = frame.readableBytes() - PgMessage.HEADER_LENGTH - 1;
                String tag = frame.toString(frame.readerIndex() + PgMessage.HEADER_LENGTH, Math.max(n, 0),
                        java.nio.charset.StandardCharsets.UTF_8);
                return !(tag.equals("BEGIN") || tag.equals("SET") || tag.equals("RESET"));
            }
            default:
                return false;
        }
    }

    /** The unit can no longer be retried: what was held goes to the client. */
    private void commitUnit() {
        retryable = false;
        for (ByteBuf b : holdback) {
            ctx.write(b);
        }
        holdback.clear();
        holdbackBytes = 0;
        releaseAll(unitLog);
        if (deferredBegin != null && beginSent) {
            deferredBegin = null; // the transaction is the server's now
        }
    }

    private void readyForQuery(PgServer s, Expect h, PgMessage m) {
        PgTransactionStatus status = PgBackendMessages.readyForQuery(m);
        if (h.role == Expect.Role.DESCRIBE) {
            m.release();
            describeOnly = false;
            busy = false;
            drainSynthetic();
            if (status == PgTransactionStatus.IDLE && pinReason == null && expects.isEmpty()) {
                releaseServer();
            } else {
                txStatus = status;
            }
            ctx.flush();
            process();
            return;
        }
        if (h.role == Expect.Role.REPLAY || h.role == Expect.Role.CLEANUP) {
            m.release();
            txStatus = status;
            if (--replayOutstanding == 0) {
                if (pendingFenceRetry) {
                    pendingFenceRetry = false;
                    fenced(s, status);
                } else {
                    replayDone(s, status);
                }
            }
            return;
        }
        PgTransactionStatus before = txStatus;
        txStatus = status;
        if (h.kind == Expect.Kind.QUERY && h.commands != null && !h.failed) {
            sessionCommandsRan(h.commands);
        }
        if (status == PgTransactionStatus.IDLE && before != PgTransactionStatus.IDLE) {
            if ("COMMIT".equals(lastTag)) {
                txCommands.forEach(this::applySessionCommand);
            }
            txCommands.clear();
        }
        if (fenceError != null) {
            m.release();
            fenced(s, status);
            return;
        }
        toClient(m.frame(), m.type());
        fenceRetries = 0; // the unit is over: the next one may be retried afresh
        if (retryable) {
            commitUnit();
        }
        if (deferredBegin != null && beginSent && status != PgTransactionStatus.IN_TRANSACTION
                && status != PgTransactionStatus.FAILED) {
            deferredBegin = null;
        }
        portalCommands.clear();
        busy = false;
        drainSynthetic();
        if (status == PgTransactionStatus.IDLE && pinReason == null && expects.isEmpty()) {
            releaseServer();
            ctx.flush(); // the server's read-complete no longer reaches this session
        }
        process();
    }

    /** Session commands of a successful statement: now in autocommit, or when the open transaction commits. */
    private void sessionCommandsRan(List<PgCommands.Command> commands) {
        boolean inTx = txStatus != PgTransactionStatus.IDLE || deferredBegin != null;
        for (PgCommands.Command c : commands) {
            if (inTx) {
                txCommands.add(c);
            } else {
                applySessionCommand(c);
            }
        }
    }

    private void applySessionCommand(PgCommands.Command c) {
        PgServer s = server;
        switch (c.kind()) {
            case SET:
            case RESET:
            case RESET_ALL:
                settings.apply(c);
                if (s != null) {
                    if (c.kind() == PgCommands.Kind.SET) {
                        s.applied.put(c.name(), PgSettings.Setting.statement(c.name(), c.text()));
                    } else if (c.kind() == PgCommands.Kind.RESET) {
                        s.applied.remove(c.name());
                    } else {
                        s.applied.clear();
                    }
                }
                break;
            case DISCARD_ALL:
                settings.apply(c);
                statements.clear();
                unnamed = null;
                sources.resetSession();
                if (s != null) {
                    s.forgetSession();
                }
                if (pinReason != null) {
                    pinReason = null; // DISCARD ALL released what pinned the session
                    proxy.metrics().unpinned();
                }
                break;
            case DEALLOCATE_ALL:
                if (s != null) {
                    s.prepared.clear(); // it deallocated the proxy's statements on that server too
                    s.unnamedOwner = null;
                }
                break;
            default:
                break;
        }
    }

    private void replayDone(PgServer s, PgTransactionStatus status) {
        if (replayError != null) {
            // The client's session could not be re-established there: fail the unit with the server's reason.
            PgMessage err = replayError;
            replayError = null;
            s.applied.clear();
            beginSent = false;
            if (status != PgTransactionStatus.IDLE) {
                s.channel().writeAndFlush(PgFrontendMessages.query(s.channel().alloc(), "ROLLBACK"));
                expect(Expect.Kind.QUERY, Expect.Role.CLEANUP);
                replayOutstanding++;
                replayError = err;
                return;
            }
            retryable = false;
            releaseAll(unitLog);
            releaseServer();
            SQLException e = new SQLException("cannot prepare the session on target '" + s.target() + "': "
                    + PgBackendMessages.notice(err).message(), PgBackendMessages.notice(err).sqlState());
            err.release();
            refuseWithoutServer(e);
            process();
            return;
        }
        sendPending();
    }

    /** The first statement of the unit met a source fence: retry on the new route, invisibly, or give up. */
    private void fenced(PgServer s, PgTransactionStatus status) {
        PgMessage err = fenceError;
        fenceError = null;
        for (ByteBuf b : holdback) {
            b.release();
        }
        holdback.clear();
        holdbackBytes = 0;
        if (status != PgTransactionStatus.IDLE) {
            // the unit's own BEGIN (or the deferred one) left a failed transaction: end it before anything else
            s.channel().writeAndFlush(PgFrontendMessages.query(s.channel().alloc(), "ROLLBACK"));
            expect(Expect.Kind.QUERY, Expect.Role.CLEANUP);
            fenceError = err;
            replayOutstanding++;
            pendingFenceRetry = true;
            return;
        }
        String tenant = heldTenant;
        String target = s.target();
        txStatus = PgTransactionStatus.IDLE;
        releaseServer();
        if (deferredBegin != null) {
            beginSent = false;
        }
        if (!FenceRule.retry(true, fenceRetries)) {
            fenceRetries = 0;
            retryable = false;
            releaseAll(unitLog);
            LOG.info("tenant '{}' still fenced on target '{}' after {} retries: the client gets TR003", tenant, target,
                    FenceRule.MAX_RETRIES);
            ctx.write(err.frame());
            ctx.write(PgBackendMessages.readyForQuery(ctx.alloc(), visibleStatus()));
            ctx.flush();
            busy = false;
            process();
            return;
        }
        err.release();
        fenceRetries++;
        proxy.metrics().fenceRetry();
        LOG.info("tenant '{}' fenced on target '{}': map re-read, retrying the statement on the current route", tenant, target);
        busy = true;
        proxy.routing().blocking().execute(() -> {
            try {
                proxy.routing().map().refresh();
            } catch (SQLException e) {
                LOG.debug("re-reading the map after a fence: {}", e.toString());
            }
            loop.execute(() -> {
                if (phase == Phase.CLOSED) {
                    return;
                }
                busy = false;
                requeuePending();
                process();
            });
        });
    }

    private boolean pendingFenceRetry;

    private void refreshMapSoon() {
        proxy.routing().blocking().execute(() -> {
            try {
                proxy.routing().map().refresh();
            } catch (SQLException e) {
                LOG.debug("re-reading the map after a fence: {}", e.toString());
            }
        });
    }

    /** The transaction is over: the server connection goes back to its pool, clean. */
    private void releaseServer() {
        PgServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        holdsServer = false;
        s.detach();
        s.pool().release(s);
        if (admission != null) {
            admission.release();
            admission = null;
        }
        heldTenant = null;
        pinnedTenant = null;
        heldRoute = null;
    }

    // =================================================================== helpers

    /** The proxy stops: tell the client (FATAL 57P01, as a server shutting down does) and close. Any thread. */
    void shutdown() {
        loop.execute(() -> {
            if (phase != Phase.CLOSED) {
                fatal("57P01", "terminating connection: the TenantRoute proxy is shutting down");
            }
        });
    }

    private void fatal(String sqlState, String message) {
        if (phase == Phase.CLOSED && !client.isActive()) {
            return;
        }
        phase = Phase.CLOSED;
        proxy.metrics().error(sqlState);
        ctx.write(PgBackendMessages.errorResponse(ctx.alloc(), PgBackendMessages.Severity.FATAL, sqlState, message));
        Channels.flushAndClose(client);
    }

    private static void releaseAll(java.util.Collection<PgMessage> messages) {
        for (PgMessage m : messages) {
            m.release();
        }
        messages.clear();
    }

    @Override
    public String toString() {
        return "PgSession(user " + user + ", tenant " + sources.current(null) + ", "
                + (server == null ? "no server" : "target " + server.target()) + ")";
    }
}
