package io.tenantroute.config;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live, cached tenant map of one JVM: a bounded Caffeine cache of tenant → {@link Route} in front of a
 * {@link TenantMapStore}, kept current by the store's {@link TenantMapStore#watch watch}.
 *
 * <ul>
 *   <li>{@link #route(String)}: from the cache, lock-free on a hit; a miss reads {@link TenantMapStore#route}
 *       once (concurrent misses of one tenant share the read). Tenants absent from the map are cached as
 *       their {@link Route#implicitShared implicit shared route}.</li>
 *   <li>{@link #target(String)}: from an immutable map of all targets, replaced whole on each change.</li>
 *   <li>When the store reports a version newer than {@link #version()}, a background thread reads
 *       {@link TenantMapStore#routesChangedSince(long)} and updates exactly those tenants that are cached
 *       (others are read on their next miss), reloads the targets, and then tells the listeners, one call per
 *       changed route. {@link #refresh()} does the same on the calling thread.</li>
 *   <li>How fast a change arrives: PostgreSQL control tables push it ({@code NOTIFY}) at once; MySQL and
 *       YAML stores are polled every {@code pollIntervalMs} (the driver's default is 250 ms). No correctness
 *       may depend on that delay: the migrator fences a moving tenant on its source database and the driver
 *       calls {@link #refresh()} when it meets the fence.</li>
 * </ul>
 *
 * <p>Closing the map stops its watch and its thread; it does not close the store (whoever opened the store
 * closes it). Thread-safe.
 */
public final class CachedTenantMap implements TenantMap {
    private static final Logger LOG = LoggerFactory.getLogger(CachedTenantMap.class);

    /**
     * A polling interval that keeps a change's arrival well under one second on stores without push
     * (MySQL control tables, YAML files): {@value} ms.
     */
    public static final long DEFAULT_POLL_INTERVAL_MS = 250;

    private final TenantMapStore store;
    private final long pollIntervalMs;
    private final Cache<String, Route> routes;
    private final CopyOnWriteArrayList<Consumer<Route>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService background;
    private final Object applyLock = new Object();
    private final AtomicBoolean applyQueued = new AtomicBoolean();
    private final AutoCloseable watch;
    private volatile Map<String, Target> targets;
    private volatile long version;
    private volatile long newestSeen;
    private volatile boolean closed;
    /**
     * {@link System#nanoTime()} at which the last completed read of the store began (the constructor's, then each
     * {@link #apply}'s); guarded by applyLock.
     */
    private long lastApplyStart;

    private CachedTenantMap(TenantMapStore store, long pollIntervalMs, int maxCachedTenants) throws SQLException {
        this.store = store;
        this.pollIntervalMs = pollIntervalMs;
        this.routes = Caffeine.newBuilder().maximumSize(maxCachedTenants).build();
        this.lastApplyStart = System.nanoTime();
        long v = store.version();
        this.targets = byName(store.targets());
        this.version = v;
        this.newestSeen = v;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenantroute-map");
            t.setDaemon(true);
            return t;
        });
        AutoCloseable w = null;
        if (pollIntervalMs > 0) {
            try {
                w = store.watch(this::onStoreVersion, pollIntervalMs);
            } catch (SQLException | RuntimeException e) {
                background.shutdownNow();
                throw e;
            }
        }
        this.watch = w;
    }

    /**
     * Opens a cached map over a store and reads the current targets and version now.
     *
     * @param store the source of truth (not closed by {@link #close()})
     * @param pollIntervalMs how often the store is polled where it has no push, in milliseconds: 0 never
     *     watches (the map then changes only by {@link #refresh()} — a deliberately stale router for tests),
     *     else at least 50
     * @param maxCachedTenants how many tenants' routes to keep in memory, at least 1 (least recently / least
     *     frequently used ones are evicted and re-read on their next use)
     * @return the map, watching the store
     * @throws IllegalArgumentException for a {@code pollIntervalMs} between 1 and 49 or below 0, or
     *     {@code maxCachedTenants} below 1
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read
     */
    public static CachedTenantMap open(TenantMapStore store, long pollIntervalMs, int maxCachedTenants) throws SQLException {
        Objects.requireNonNull(store, "store");
        if (pollIntervalMs != 0 && pollIntervalMs < 50) {
            throw new IllegalArgumentException("pollIntervalMs must be 0 (never watch) or ≥ 50 ms, was " + pollIntervalMs);
        }
        if (maxCachedTenants < 1) {
            throw new IllegalArgumentException("maxCachedTenants must be ≥ 1, was " + maxCachedTenants);
        }
        return new CachedTenantMap(store, pollIntervalMs, maxCachedTenants);
    }

    /**
     * {@inheritDoc} Lock-free on a cache hit; a miss blocks on one read of the store.
     *
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT} for an invalid id;
     *     {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the tenant is not cached and the store cannot be read
     */
    @Override
    public Route route(String tenant) throws SQLException {
        Route r = routes.getIfPresent(TenantIds.requireValid(tenant));
        if (r != null) {
            return r;
        }
        try {
            r = routes.get(tenant, this::load);
        } catch (UncheckedSql e) {
            throw e.getCause();
        }
        if (!r.target().equals(Target.SHARED) && !targets.containsKey(r.target()) && r.version() > version) {
            // Read fresh from a newer map than the one applied: bring targets (and the rest) up to date so
            // that target(name) knows the target this route names.
            apply();
            Route current = routes.getIfPresent(tenant);
            return current != null ? current : r;
        }
        return r;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A cache hit; lock-free. A route applied by a change since it was cached is the new one.
     */
    @Override
    public Route cachedRoute(String tenant) {
        return tenant == null ? null : routes.getIfPresent(tenant);
    }

    private Route load(String tenant) {
        try {
            return store.route(tenant).orElseGet(() -> Route.implicitShared(tenant));
        } catch (SQLException e) {
            throw new UncheckedSql(TenantRouteSqlState.MAP_UNAVAILABLE.matches(e) || TenantRouteSqlState.INVALID_TENANT.matches(e)
                    ? e : TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot read the route of tenant '" + tenant + "': " + e.getMessage(), e));
        }
    }

    /** {@inheritDoc} Never blocks. */
    @Override
    public Target target(String name) {
        return targets.get(name);
    }

    /** @return every target of the map, by name (an immutable snapshot); never blocks */
    public Map<String, Target> targets() {
        return targets;
    }

    /** {@inheritDoc} Never blocks. */
    @Override
    public long version() {
        return version;
    }

    /**
     * {@inheritDoc} Blocks on the store (two or three reads), and while another refresh of this map runs.
     * Concurrent calls share reads: a call returns without reading when a refresh that began after the call
     * was made has completed meanwhile (it read everything this call would have). So when many threads meet a
     * fence at once (every writer of a tenant at a cutover), the store is read at most twice, not once per thread
     * one after the other.
     *
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store cannot be read (the map
     *     keeps what it had)
     */
    @Override
    public long refresh() throws SQLException {
        return apply();
    }

    /**
     * {@inheritDoc} The listener runs on this map's background thread, after the cache holds the new route;
     * an exception it throws is logged and ignored.
     */
    @Override
    public AutoCloseable addListener(Consumer<Route> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** @return the polling interval given to {@link #open}, in milliseconds (0: never watches) */
    public long pollIntervalMs() {
        return pollIntervalMs;
    }

    /** Stops watching the store and the background thread. Does not close the store. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the tenant map watch", e);
            }
        }
        background.shutdownNow();
    }

    @Override
    public String toString() {
        return "CachedTenantMap[" + store + " version " + version + ", " + routes.estimatedSize() + " cached tenants]";
    }

    // ---------------------------------------------------------------- applying changes

    private void onStoreVersion(long storeVersion) {
        if (storeVersion > newestSeen) {
            newestSeen = storeVersion;
        }
        if (storeVersion != version) {
            scheduleApply(0);
        }
    }

    private void scheduleApply(long delayMs) {
        if (closed || !applyQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            background.schedule(() -> {
                applyQueued.set(false);
                try {
                    apply();
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("tenant map: applying version {} failed, retrying in {} ms: {}", newestSeen, pollIntervalMs, e.toString());
                    scheduleApply(Math.max(pollIntervalMs, 50));
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            applyQueued.set(false); // closed meanwhile
        }
    }

    private long apply() throws SQLException {
        long asked = System.nanoTime();
        synchronized (applyLock) {
            if (lastApplyStart - asked >= 0) {
                return version; // a read that began after this call completed while this one waited for the lock
            }
            long start = System.nanoTime();
            long applied = applyLocked();
            lastApplyStart = start; // only once it succeeded: a failed read answers nobody
            return applied;
        }
    }

    /** The refresh itself; called holding {@code applyLock}. */
    private long applyLocked() throws SQLException {
        long from = version;
        long storeVersion = store.version();
        if (storeVersion == from) {
            return from;
        }
        if (storeVersion < from) {
            // The store went back (control tables dropped and re-created, another YAML file): versions
            // seen so far mean nothing any more, so forget everything.
            LOG.warn("tenant map: the store's version went back from {} to {}; re-reading everything", from, storeVersion);
            targets = byName(store.targets());
            routes.invalidateAll();
            version = storeVersion;
            return storeVersion;
        }
        List<Route> changed = store.routesChangedSince(from);
        // Targets first: a reader that sees a new route must find the target it names.
        targets = byName(store.targets());
        long applied = storeVersion;
        for (Route r : changed) {
            applied = Math.max(applied, r.version());
            // Only tenants in the cache: others are read fresh on their next miss. compute (unlike
            // Caffeine's computeIfPresent, which skips a key whose load is in flight) waits for a load of
            // the same tenant, so a load that read the route before this change cannot overwrite it. A
            // cached route newer than this change (a miss that read the store after our read) is kept.
            routes.asMap().compute(r.tenant(), (k, old) -> old == null || old.version() > r.version() ? old : r);
        }
        version = applied;
        LOG.debug("tenant map: applied version {} ({} routes changed)", applied, changed.size());
        if (!changed.isEmpty() && !listeners.isEmpty()) {
            notifyListeners(changed); // queued under the lock, so listeners hear changes in version order
        }
        return applied;
    }

    private void notifyListeners(List<Route> changed) {
        Runnable task = () -> {
            for (Route r : changed) {
                for (Consumer<Route> l : listeners) {
                    try {
                        l.accept(r);
                    } catch (RuntimeException e) {
                        LOG.warn("tenant map listener failed on the route of tenant '{}'", r.tenant(), e);
                    }
                }
            }
        };
        try {
            background.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("tenant map closed: listeners not told of {} changes", changed.size());
        }
    }

    private static Map<String, Target> byName(List<Target> list) {
        Map<String, Target> m = new LinkedHashMap<>();
        for (Target t : list) {
            m.put(t.name(), t);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Carries a SQLException through Caffeine's loader. */
    private static final class UncheckedSql extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedSql(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
