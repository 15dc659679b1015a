package io.tenantroute.proxy.internal;

import io.netty.channel.EventLoop;
import io.tenantroute.config.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One protocol's server pools, one per target definition: a target redefined in the map (new URL, user or password
 * reference — a new {@link Target#version()}) gets a new pool and the old one is closed (its connections in use are
 * closed when given back). Thread-safe.
 *
 * @param <S> the protocol's server connection
 */
public final class TargetPools<S extends ServerPool.Member> implements AutoCloseable {
    private record Entry<S extends ServerPool.Member>(long version, ServerPool<S> pool) {
    }

    private final ConcurrentHashMap<String, Entry<S>> pools = new ConcurrentHashMap<>();
    private final Function<Target, ServerPool<S>> factory;
    private volatile boolean closed;

    /** @param factory makes the pool of a target (null: the implicit shared target) */
    public TargetPools(Function<Target, ServerPool<S>> factory) {
        this.factory = factory;
    }

    /**
     * @param name the target's name
     * @param target its definition, or null for the implicit {@code shared} target
     * @return the pool of this definition
     * @throws IllegalStateException after {@link #close()}
     */
    public ServerPool<S> pool(String name, Target target) {
        long version = target == null ? 0 : target.version();
        Entry<S> e = pools.get(name);
        if (e != null && e.version() == version) {
            return e.pool();
        }
        if (closed) {
            throw new IllegalStateException("the proxy is stopping");
        }
        List<ServerPool<S>> replaced = new ArrayList<>();
        Entry<S> made = pools.compute(name, (n, old) -> {
            if (old != null && old.version() == version) {
                return old;
            }
            if (old != null) {
                replaced.add(old.pool());
            }
            return new Entry<>(version, factory.apply(target));
        });
        replaced.forEach(ServerPool::close);
        return made.pool();
    }

    /** @param name a target name @return its current pool, or null when none was made */
    public ServerPool<S> existing(String name) {
        Entry<S> e = pools.get(name);
        return e == null ? null : e.pool();
    }

    /** @return every pool now */
    public List<ServerPool<S>> all() {
        List<ServerPool<S>> l = new ArrayList<>();
        pools.values().forEach(e -> l.add(e.pool()));
        return l;
    }

    /**
     * @param loops the event loops to open warm connections on
     * @param name the target a tenant is about to move to
     * @param target its definition
     * @param count how many connections to have ready
     */
    public void warm(List<EventLoop> loops, String name, Target target, int count) {
        if (!closed && count > 0) {
            pool(name, target).warm(count, loops);
        }
    }

    @Override
    public void close() {
        closed = true;
        pools.values().forEach(e -> e.pool().close());
    }
}
