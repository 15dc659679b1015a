package io.tenantroute.proxy.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.IdentityHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The server connections of one target, shared by every client session of both protocols' listeners (transaction
 * pooling: a session holds one only while its transaction runs). At most {@code maxSize} connections are open or
 * opening; a session that finds none idle waits in FIFO order, at most {@code waitMs}, then gets a
 * {@link PoolTimeoutException} (the protocol answers it as SQLState 53300 naming the target).
 *
 * <p>Event-loop affinity: an idle connection on the asking session's own event loop is preferred (no cross-thread
 * hop per message), and new connections open on the asking session's loop.
 *
 * <p>Thread-safe (one lock, held only for bookkeeping: callbacks run after it is released, on the asking session's
 * event loop).
 *
 * @param <S> the protocol's server connection
 */
public final class ServerPool<S extends ServerPool.Member> {
    /** A pooled server connection. */
    public interface Member {
        /** @return the event loop the connection's channel is registered on */
        EventLoop eventLoop();

        /** @return true while the connection can carry a transaction */
        boolean isOpen();

        /** Closes the connection (idempotent, never throws). */
        void close();
    }

    /** Opens a server connection of this target. */
    @FunctionalInterface
    public interface Connector<S> {
        /**
         * @param loop the event loop to register the new channel on
         * @return a future completed (on {@code loop}) with the connected, authenticated connection, or failed
         */
        Future<S> connect(EventLoop loop);
    }

    /** A session's wait for a connection; {@link #cancel()} ends it (the session went away). */
    public interface Wait {
        /** Stops waiting; a connection that arrives later goes to the next waiter. Idempotent. */
        void cancel();
    }

    private final class Waiter implements Wait {
        final EventLoop loop;
        final BiConsumer<S, Throwable> callback;
        final long since = System.nanoTime();
        ScheduledFuture<?> timeout;
        boolean done;

        Waiter(EventLoop loop, BiConsumer<S, Throwable> callback) {
            this.loop = loop;
            this.callback = callback;
        }

        @Override
        public void cancel() {
            synchronized (ServerPool.this) {
                if (done) {
                    return;
                }
                done = true;
                waiters.remove(this);
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    private final String target;
    private final int maxSize;
    private final long waitMs;
    private final Connector<S> connector;
    private final ProxyMetrics metrics;
    private final Map<EventLoop, ArrayDeque<S>> idle = new IdentityHashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int open;
    private int opening;
    private boolean closed;

    /**
     * @param target the target's name (messages, metrics)
     * @param maxSize connections open or opening at most, ≥ 1
     * @param waitMs how long a session waits at most, in milliseconds
     * @param connector opens connections
     * @param metrics where open connections are counted
     */
    public ServerPool(String target, int maxSize, long waitMs, Connector<S> connector, ProxyMetrics metrics) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("pool size must be ≥ 1, was " + maxSize);
        }
        this.target = target;
        this.maxSize = maxSize;
        this.waitMs = waitMs;
        this.connector = connector;
        this.metrics = metrics;
    }

    /** @return the target's name */
    public String target() {
        return target;
    }

    /**
     * Asks for a connection. The callback runs exactly once on {@code loop} — with the connection (now held by the
     * caller, who gives it back with {@link #release} or {@link #discard}) or with the error: a
     * {@link PoolTimeoutException} after {@code waitMs}, the connector's failure when the connection opened for this
     * caller could not be made, an {@link IllegalStateException} when the pool is closed — unless the wait is
     * cancelled first. The callback may run before this method returns (an idle connection on the caller's loop).
     *
     * @param loop the caller's event loop
     * @param callback receives (connection, null) or (null, error)
     * @return the wait, to cancel
     */
    public Wait acquire(EventLoop loop, BiConsumer<S, Throwable> callback) {
        Waiter w = new Waiter(loop, callback);
        S ready = null;
        boolean connect = false;
        boolean warmHere = false;
        synchronized (this) {
            if (closed) {
                w.done = true;
            } else {
                ready = pollOpen(idle.get(loop));
                if (ready == null) {
                    ready = takeIdle(loop);
                    // Served from another event loop: every message then crosses threads. While the pool has room,
                    // open one on the caller's loop for next time.
                    if (ready != null && open + opening < maxSize) {
                        opening++;
                        warmHere = true;
                    }
                }
                if (ready == null) {
                    waiters.addLast(w);
                    if (open + opening < maxSize) {
                        opening++;
                        connect = true;
                    }
                } else {
                    w.done = true;
                }
            }
        }
        if (ready != null) {
            if (warmHere) {
                openIdle(loop);
            }
            deliverNow(w, ready);
            return w;
        }
        if (w.done) {
            deliver(w, null, new IllegalStateException("the server pool of target '" + target + "' is closed"));
            return w;
        }
        w.timeout = loop.schedule(() -> timeOut(w), waitMs, TimeUnit.MILLISECONDS);
        if (connect) {
            open(loop, w);
        }
        return w;
    }

    private S takeIdle(EventLoop loop) {
        S s = pollOpen(idle.get(loop));
        if (s != null) {
            return s;
        }
        for (ArrayDeque<S> q : idle.values()) {
            s = pollOpen(q);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private S pollOpen(ArrayDeque<S> q) {
        while (q != null && !q.isEmpty()) {
            S s = q.pollLast(); // most recently used first: its caches are warm
            if (s.isOpen()) {
                return s;
            }
            open--;
            metrics.serverConnections(target, -1);
        }
        return null;
    }

    private void timeOut(Waiter w) {
        int size;
        synchronized (this) {
            if (w.done) {
                return;
            }
            w.done = true;
            waiters.remove(w);
            size = open + opening;
        }
        w.callback.accept(null, new PoolTimeoutException(target, waitMs, size));
    }

    private void open(EventLoop loop, Waiter forWaiter) {
        Future<S> f;
        try {
            f = connector.connect(loop);
        } catch (RuntimeException e) {
            connectFailed(forWaiter, e);
            return;
        }
        f.addListener(done -> {
            if (done.isSuccess()) {
                S s = f.getNow();
                boolean keep;
                synchronized (this) {
                    opening--;
                    keep = !closed;
                    if (keep) {
                        open++;
                    }
                }
                if (!keep) {
                    s.close();
                    return;
                }
                metrics.serverConnections(target, 1);
                offer(s);
            } else {
                connectFailed(forWaiter, done.cause());
            }
        });
    }

    private void connectFailed(Waiter forWaiter, Throwable cause) {
        boolean fail;
        synchronized (this) {
            opening--;
            fail = !forWaiter.done;
            if (fail) {
                forWaiter.done = true;
                waiters.remove(forWaiter);
            }
        }
        if (fail) {
            if (forWaiter.timeout != null) {
                forWaiter.timeout.cancel(false);
            }
            deliver(forWaiter, null, cause);
        }
    }

    /** Hands a free connection to the oldest waiter, else keeps it idle. */
    private void offer(S s) {
        Waiter w;
        synchronized (this) {
            if (closed) {
                w = null;
            } else {
                w = waiters.pollFirst();
                if (w != null) {
                    w.done = true;
                } else {
                    idle.computeIfAbsent(s.eventLoop(), l -> new ArrayDeque<>()).addLast(s);
                    return;
                }
            }
        }
        if (w == null) {
            discard(s);
            return;
        }
        if (w.timeout != null) {
            w.timeout.cancel(false);
        }
        deliver(w, s, null);
    }

    /** An idle connection, at once: no wait to record. */
    private void deliverNow(Waiter w, S s) {
        if (w.loop.inEventLoop()) {
            w.callback.accept(s, null);
        } else {
            w.loop.execute(() -> w.callback.accept(s, null));
        }
    }

    private void deliver(Waiter w, S s, Throwable error) {
        metrics.poolWait(target, System.nanoTime() - w.since);
        if (w.loop.inEventLoop()) {
            w.callback.accept(s, error);
        } else {
            w.loop.execute(() -> w.callback.accept(s, error));
        }
    }

    /**
     * Gives a connection back, clean (no transaction, session state as the protocol keeps it): the oldest waiter
     * gets it, else it waits idle. A connection that is no longer open is discarded instead.
     *
     * @param s a connection this pool handed out
     */
    public void release(S s) {
        if (!s.isOpen()) {
            discard(s);
            return;
        }
        offer(s);
    }

    /**
     * Closes a connection this pool handed out (broken, or in a state that cannot be reset) and frees its place; a
     * waiter may then get a new connection opened for it.
     *
     * @param s the connection
     */
    public void discard(S s) {
        s.close();
        Waiter next = null;
        synchronized (this) {
            open--;
            if (!closed && !waiters.isEmpty() && open + opening < maxSize) {
                next = waiters.peekFirst();
                opening++;
            }
        }
        metrics.serverConnections(target, -1);
        if (next != null) {
            open(next.loop, next);
        }
    }

    /**
     * An idle connection's channel closed (the server went away): forgets it. Harmless for connections in use (their
     * holder discards them).
     *
     * @param s the connection
     */
    public void closedWhileIdle(S s) {
        boolean removed = false;
        synchronized (this) {
            ArrayDeque<S> q = idle.get(s.eventLoop());
            if (q != null && q.remove(s)) {
                open--;
                removed = true;
            }
        }
        if (removed) {
            metrics.serverConnections(target, -1);
        }
    }

    /**
     * Opens connections in the background until {@code count} are open or opening (at most the pool size), e.g. to the
     * next target of a tenant about to be flipped there, so that the flip releases waiting sessions onto ready
     * connections.
     *
     * @param count how many connections to have
     * @param loops where to open them (round robin)
     */
    public void warm(int count, List<EventLoop> loops) {
        List<EventLoop> at = new ArrayList<>();
        synchronized (this) {
            int want = Math.min(count, maxSize) - (open + opening);
            for (int i = 0; i < want && !closed; i++) {
                opening++;
                at.add(loops.get(i % loops.size()));
            }
        }
        for (EventLoop loop : at) {
            openIdle(loop);
        }
    }

    /** Opens a connection nobody waits for (its place is already counted in {@code opening}); it goes to a waiter or idle. */
    private void openIdle(EventLoop loop) {
        Future<S> f;
        try {
            f = connector.connect(loop);
        } catch (RuntimeException e) {
            synchronized (this) {
                opening--;
            }
            return;
        }
        f.addListener(done -> {
            if (done.isSuccess()) {
                boolean keep;
                synchronized (this) {
                    opening--;
                    keep = !closed;
                    if (keep) {
                        open++;
                    }
                }
                if (keep) {
                    metrics.serverConnections(target, 1);
                    offer(f.getNow());
                } else {
                    f.getNow().close();
                }
            } else {
                synchronized (this) {
                    opening--;
                }
            }
        });
    }

    /** @return connections open or opening now */
    public synchronized int size() {
        return open + opening;
    }

    /** @return idle connections now */
    public synchronized int idle() {
        int n = 0;
        for (ArrayDeque<S> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    /** @return sessions waiting now */
    public synchronized int waiting() {
        return waiters.size();
    }

    /**
     * Closes the idle connections and refuses new requests; connections in use are closed when given back. Waiting
     * sessions get an error.
     */
    public void close() {
        List<S> toClose = new ArrayList<>();
        List<Waiter> toFail = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (ArrayDeque<S> q : idle.values()) {
                toClose.addAll(q);
                open -= q.size();
            }
            idle.clear();
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                w.done = true;
                toFail.add(w);
                it.remove();
            }
        }
        for (S s : toClose) {
            s.close();
            metrics.serverConnections(target, -1);
        }
        for (Waiter w : toFail) {
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            deliver(w, null, new IllegalStateException("the server pool of target '" + target + "' is closed"));
        }
    }
}
