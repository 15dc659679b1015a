package io.tenantroute.config.internal;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open watches of one tenant map store, and whether the store is closed: {@link #add} refuses once
 * {@link #closeAll} ran, so no watch thread outlives its store. Thread-safe.
 */
public final class Watches {
    private static final Logger LOG = LoggerFactory.getLogger(Watches.class);

    /** Starts a watch; may throw when the store cannot be watched. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws SQLException;
    }

    private final String storeName;
    private final List<AutoCloseable> open = new ArrayList<>();
    private volatile boolean closed;

    /** @param storeName the store as named in messages, never with credentials */
    public Watches(String storeName) {
        this.storeName = storeName;
    }

    /** @return true once {@link #closeAll} ran */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Starts a watch and keeps it until its handle or {@link #closeAll} closes it.
     *
     * @return the handle that stops this watch
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store is closed, or what
     *     {@code starter} throws
     */
    public AutoCloseable add(Starter starter) throws SQLException {
        AutoCloseable w;
        synchronized (open) {
            if (closed) {
                throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("the tenant map store " + storeName + " is closed");
            }
            w = starter.start();
            open.add(w);
        }
        return () -> {
            synchronized (open) {
                open.remove(w);
            }
            w.close();
        };
    }

    /** Marks the store closed and stops every watch (outside the lock: a watch thread may need it). Idempotent. */
    public void closeAll() {
        List<AutoCloseable> toClose;
        synchronized (open) {
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
        }
        for (AutoCloseable w : toClose) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("closing a tenant map watch of {}", storeName, e);
            }
        }
    }
}
