package io.tenantroute.proxy.pg;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.tenantroute.proxy.internal.ServerPool;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pooled PostgreSQL server connection and what the proxy knows of its session: which of the proxy's prepared
 * statements it holds (by interned id, least recently used first), which client's unnamed statement it holds, and which
 * session settings the proxy applied to it. Between transactions it is idle in its target's {@link ServerPool}; during
 * one it is attached to exactly one {@link PgSession}, to which its messages go, on the session's event loop.
 *
 * <p>Backpressure: the channel's {@code AUTO_READ} is off; the attached session asks for each read
 * ({@link #read()}) when its client can take more. Idle, it keeps one read outstanding, so that a server closing an idle
 * connection is noticed.
 *
 * <p>Its fields are touched only by the attached session's event loop (or, idle, under the pool's hand-over, which
 * happens-before the next attach).
 */
final class PgServer implements ServerPool.Member {
    /** Server-side prepared statements kept per connection; the least recently used is closed beyond this. */
    static final int MAX_PREPARED = 1000;

    private final PgServerConnection conn;
    private final String target;
    private ServerPool<PgServer> pool;
    private volatile PgSession session;
    private volatile boolean closed;
    /** Interned statement ids prepared here as {@code tr<id>}, in access order. */
    final LinkedHashMap<Integer, Boolean> prepared = new LinkedHashMap<>(64, 0.75f, true);
    /** Who last parsed the unnamed statement here (a client's unnamed statement), or null. */
    Object unnamedOwner;
    /** Session settings the proxy applied (name → setting), as the server has them now. */
    final Map<String, PgSettings.Setting> applied = new HashMap<>();

    PgServer(PgServerConnection conn, String target) {
        this.conn = conn;
        this.target = target;
        conn.channel().pipeline().addLast("pg-session", new Handler());
        conn.channel().read();
    }

    void pool(ServerPool<PgServer> pool) {
        this.pool = pool;
    }

    ServerPool<PgServer> pool() {
        return pool;
    }

    String target() {
        return target;
    }

    PgServerConnection connection() {
        return conn;
    }

    Channel channel() {
        return conn.channel();
    }

    /** @param s the session the next messages go to */
    void attach(PgSession s) {
        session = s;
    }

    void detach() {
        session = null;
        if (!closed) {
            conn.channel().read(); // idle: notice a close
        }
    }

    void read() {
        conn.channel().read();
    }

    /** @param id an interned statement id @return true when prepared here (and marks it recently used) */
    boolean hasPrepared(int id) {
        return prepared.get(id) != null;
    }

    /**
     * @param id the statement about to be prepared here
     * @return the id of the least recently used statement to close first, or -1 when there is room
     */
    int evictFor(int id) {
        if (prepared.size() < MAX_PREPARED || prepared.containsKey(id)) {
            return -1;
        }
        Iterator<Integer> it = prepared.keySet().iterator();
        int eldest = it.next();
        it.remove();
        return eldest;
    }

    /**
     * For a session that went away holding this connection idle in a transaction, or pinned: rolls the transaction back
     * (and with {@code discardAll} discards the whole server session: temp tables, advisory locks, LISTENs, cursors,
     * prepared statements), then gives the connection back to its pool; on any error it is closed instead. Event loop of
     * the session that held it; the connection must be detached.
     *
     * @param discardAll true to also run {@code DISCARD ALL}
     */
    void resetAndRelease(boolean discardAll) {
        resetting = discardAll ? 2 : 1;
        resetFailed = false;
        resetDiscards = discardAll;
        conn.channel().write(PgFrontendMessages.query(conn.channel().alloc(), "ROLLBACK"));
        if (discardAll) {
            conn.channel().write(PgFrontendMessages.query(conn.channel().alloc(), "DISCARD ALL"));
        }
        conn.channel().flush();
        conn.channel().read();
    }

    private int resetting;
    private boolean resetFailed;
    private boolean resetDiscards;

    private void resetMessage(PgMessage m) {
        byte t = m.type();
        if (t == PgBackendMessages.ERROR_RESPONSE) {
            resetFailed = true;
        } else if (t == PgBackendMessages.READY_FOR_QUERY && --resetting == 0) {
            boolean ok = !resetFailed && PgBackendMessages.readyForQuery(m) == PgTransactionStatus.IDLE;
            m.release();
            if (ok) {
                if (resetDiscards) {
                    forgetSession();
                }
                pool.release(this);
            } else {
                pool.discard(this);
            }
            return;
        }
        m.release();
    }

    /** Forgets everything the proxy knew of the session (after DISCARD ALL / DEALLOCATE ALL on it). */
    void forgetSession() {
        prepared.clear();
        unnamedOwner = null;
        applied.clear();
    }

    @Override
    public EventLoop eventLoop() {
        return conn.channel().eventLoop();
    }

    @Override
    public boolean isOpen() {
        return !closed && conn.channel().isActive();
    }

    @Override
    public void close() {
        closed = true;
        conn.terminate();
    }

    @Override
    public String toString() {
        return "PgServer(" + target + ", " + conn + ")";
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        /** Messages of the current read for a session on another event loop, and that session. */
        private java.util.List<PgMessage> batch = new java.util.ArrayList<>(8);
        private PgSession batchFor;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            PgSession s = session;
            if (s == null && resetting > 0) {
                resetMessage((PgMessage) msg);
                ctx.read();
                return;
            }
            if (s == null) {
                // Idle: a notice or parameter change needs nothing; an error (e.g. the server terminating the
                // session) makes it unusable.
                if (msg instanceof PgMessage && ((PgMessage) msg).type() == PgBackendMessages.ERROR_RESPONSE) {
                    closed = true;
                }
                ReferenceCountUtil.release(msg);
                ctx.read();
                return;
            }
            PgMessage m = (PgMessage) msg;
            if (s.eventLoop() == ctx.channel().eventLoop()) {
                s.fromServer(PgServer.this, m);
                return;
            }
            if (batchFor != s) {
                dispatch();
                batchFor = s;
            }
            batch.add(m);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!batch.isEmpty()) {
                dispatch();
                return;
            }
            PgSession s = session;
            if (s != null) {
                if (s.eventLoop() == ctx.channel().eventLoop()) {
                    s.fromServerComplete(PgServer.this);
                } else {
                    s.eventLoop().execute(() -> s.fromServerComplete(PgServer.this));
                }
            }
        }

        /** Hands the read's messages to the session's loop in one task. */
        private void dispatch() {
            if (batch.isEmpty()) {
                return;
            }
            PgSession s = batchFor;
            java.util.List<PgMessage> messages = batch;
            batch = new java.util.ArrayList<>(8);
            s.eventLoop().execute(() -> s.fromServer(PgServer.this, messages));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            dispatch();
            closed = true;
            PgSession s = session;
            if (s != null) {
                s.serverClosed(PgServer.this, null);
            } else if (pool != null) {
                pool.closedWhileIdle(PgServer.this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closed = true;
            PgSession s = session;
            ctx.close();
            if (s != null) {
                s.serverClosed(PgServer.this, cause);
            }
        }
    }
}
