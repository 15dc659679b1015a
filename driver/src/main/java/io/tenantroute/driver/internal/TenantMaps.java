package io.tenantroute.driver.internal;

import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.CachedTenantMap;
import io.tenantroute.config.TenantMapStores;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import io.tenantroute.driver.TenantRouteProperty;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One {@link TenantMap} per JVM and map source (control URL + user, or YAML file), opened on first use and kept
 * for the life of the JVM. Thread-safe; {@link #get} blocks while a map opens.
 */
public final class TenantMaps {
    private static final int MAX_CACHED_TENANTS = 100_000;
    private static final ConcurrentHashMap<String, TenantMap> MAPS = new ConcurrentHashMap<>();

    private TenantMaps() {
    }

    static TenantMap get(DriverConfig cfg) throws SQLException {
        String key = cfg.mapKey();
        TenantMap m = MAPS.get(key);
        if (m != null) {
            return m;
        }
        synchronized (MAPS) {
            m = MAPS.get(key);
            if (m == null) {
                m = open(cfg);
                MAPS.put(key, m);
            }
            return m;
        }
    }

    /**
     * Uses {@code map} for every connection whose control URL (vendor URL, {@code tenantroute.*} parameters removed)
     * is {@code controlUrl} and whose {@code tenantroute.map-refresh-ms} is {@code mapRefreshMs}. A test seam.
     */
    public static void install(String controlUrl, long mapRefreshMs, TenantMap map) {
        MAPS.put(DriverConfig.mapKey(controlUrl + "|" + TenantRouteProperty.CONTROL_SCHEMA.defaultValue(), mapRefreshMs), map);
    }

    /** Forgets (and closes) every map; connections opened later open their maps again. For tests. */
    public static void closeAll() {
        for (TenantMap m : MAPS.values()) {
            try {
                m.close();
            } catch (Exception ignored) {
                // closing at shutdown; nothing to do
            }
        }
        MAPS.clear();
    }

    private static TenantMap open(DriverConfig cfg) throws SQLException {
        TenantMapStore store;
        if (cfg.mapFile != null) {
            store = TenantMapStores.openYaml(Path.of(cfg.mapFile));
        } else {
            Properties p = new Properties();
            p.putAll(cfg.vendorProps);
            p.setProperty(TenantMapStores.CONTROL_SCHEMA, cfg.controlSchema);
            // Control tables in the app's own database (the default): before `tenantroute init` the map is simply
            // empty and every tenant lives on shared, so swapping the URL is all day one needs. A control database
            // named explicitly must have its tables: a typo there is an error, not an empty map.
            p.setProperty(TenantMapStores.EMPTY_UNTIL_INIT, Boolean.toString(cfg.controlUrl == null));
            store = TenantMapStores.open(cfg.controlUrlOrDefault(), p);
        }
        try {
            return new OwningTenantMap(CachedTenantMap.open(store, cfg.mapRefreshMs, MAX_CACHED_TENANTS), store);
        } catch (SQLException | RuntimeException e) {
            try {
                store.close();
            } catch (SQLException ce) {
                e.addSuppressed(ce);
            }
            throw e;
        }
    }

    /** A cached map that also closes its store (CachedTenantMap leaves the store to whoever opened it). */
    private static final class OwningTenantMap implements TenantMap {
        private final TenantMap map;
        private final TenantMapStore store;

        OwningTenantMap(TenantMap map, TenantMapStore store) {
            this.map = map;
            this.store = store;
        }

        @Override
        public io.tenantroute.config.Route route(String tenant) throws SQLException {
            return map.route(tenant);
        }

        @Override
        public io.tenantroute.config.Route cachedRoute(String tenant) {
            return map.cachedRoute(tenant);
        }

        @Override
        public io.tenantroute.config.Target target(String name) throws SQLException {
            return map.target(name);
        }

        @Override
        public long version() {
            return map.version();
        }

        @Override
        public long refresh() throws SQLException {
            return map.refresh();
        }

        @Override
        public AutoCloseable addListener(Consumer<io.tenantroute.config.Route> listener) {
            return map.addListener(listener);
        }

        @Override
        public void close() throws SQLException {
            try {
                map.close();
            } finally {
                store.close();
            }
        }
    }
}
