package io.tenantroute.driver.internal;

import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One {@link TenantMap} per JVM and map source (control URL + user, or YAML file), opened on first use and kept
 * for the life of the JVM. Thread-safe; {@link #get} blocks while a map opens.
 */
public final class TenantMaps {
    private static final int MAX_CACHED_TENANTS = 100_000;
    private static final ConcurrentHashMap<String, TenantMap> MAPS = new ConcurrentHashMap<>();
    private static volatile Consumer<TenantMap> onOpen = m -> { };

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
                onOpen.accept(m);
                MAPS.put(key, m);
            }
            return m;
        }
    }

    static void onOpen(Consumer<TenantMap> listener) {
        onOpen = listener;
    }

    /**
     * Uses {@code map} for every connection whose map source is {@code controlUrl} (a test seam: a map can be
     * given before it is ever opened).
     */
    public static void install(String controlUrl, String user, long mapRefreshMs, TenantMap map) {
        MAPS.put("jdbc:" + controlUrl + "|" + user + "|" + mapRefreshMs, map);
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

    // The store and cache live in config (TenantMapStores, CachedTenantMap). Looked up by name so that this module
    // builds against the interfaces alone until both exist on every branch; one obvious seam to replace.
    private static TenantMap open(DriverConfig cfg) throws SQLException {
        try {
            Class<?> stores = Class.forName("io.tenantroute.config.TenantMapStores");
            TenantMapStore store;
            if (cfg.mapFile != null) {
                store = (TenantMapStore) stores.getMethod("openYaml", Path.class).invoke(null, Path.of(cfg.mapFile));
            } else {
                Properties p = new Properties();
                p.putAll(cfg.vendorProps);
                store = (TenantMapStore) stores.getMethod("open", String.class, Properties.class)
                        .invoke(null, cfg.controlUrlOrDefault(), p);
            }
            Class<?> cached = Class.forName("io.tenantroute.config.CachedTenantMap");
            return (TenantMap) cached.getMethod("open", TenantMapStore.class, long.class, int.class)
                    .invoke(null, store, cfg.mapRefreshMs, MAX_CACHED_TENANTS);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof SQLException) {
                throw (SQLException) c;
            }
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot open the tenant map: " + c, c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot open the tenant map: " + e, e);
        }
    }
}
