package io.tenantroute.driver.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical connection pools: one HikariCP pool per target and caller credentials, per JVM, created on
 * first use. When a target's definition changes (URL, user, password reference, version), its pool is replaced
 * and the old one closes once none of its connections is in use (open transactions finish where they began).
 * Thread-safe.
 */
final class Pools {
    private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
    private static final ConcurrentHashMap<String, Pool> POOLS = new ConcurrentHashMap<>();
    private static final List<HikariDataSource> RETIRED = new ArrayList<>();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final ScheduledExecutorService REAPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tenantroute-pool-reaper");
        t.setDaemon(true);
        return t;
    });

    static {
        REAPER.scheduleWithFixedDelay(Pools::reap, 1, 1, TimeUnit.SECONDS);
    }

    private Pools() {
    }

    /** A pool and the definition it was built from. */
    record Pool(String signature, String targetName, HikariDataSource ds) {
        /** @return false once the pool was replaced (its target changed) or closed */
        boolean current(String callerKey) {
            return POOLS.get(callerKey) == this && !ds.isClosed();
        }
    }

    /**
     * Borrows a physical connection to {@code target}.
     *
     * @param target the map's target, or null for the implicit {@code shared} target (the driver URL's database)
     * @param cfg the connection's settings (caller credentials, pool size, pass-through properties)
     * @param metrics for HikariCP's tracker
     * @return a pooled connection; closing it returns it to the pool (HikariCP resets what was changed)
     * @throws SQLException from the pool or the vendor driver (message names the target, never a password);
     *     {@link TenantRouteSqlState#UNKNOWN_TARGET} when the target's password reference cannot be read
     */
    static Connection borrow(Target target, DriverConfig cfg, Metrics metrics) throws SQLException {
        return borrow(pool(target, cfg, metrics), target == null ? Target.SHARED : target.name());
    }

    /**
     * Borrows from a pool found by {@link #pool}.
     *
     * @throws SQLException from the pool or the vendor driver, the message naming the target (never a password)
     */
    static Connection borrow(Pool pool, String name) throws SQLException {
        try {
            return pool.ds.getConnection();
        } catch (SQLException e) {
            throw new SQLException("cannot connect to target '" + name + "': " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /** @return the key under which the pools of {@code targetName} for this caller live */
    static String callerKey(String targetName, DriverConfig cfg) {
        return targetName + "|" + cfg.user + "|" + cfg.passwordDigest() + "|" + cfg.poolSize + "|" + cfg.connectTimeoutMs;
    }

    /**
     * @return the current pool of {@code target} (null: implicit shared) for this caller, made or replaced now when
     *     the target's definition changed
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the password reference cannot be read
     */
    static Pool pool(Target target, DriverConfig cfg, Metrics metrics) throws SQLException {
        String name = target == null ? Target.SHARED : target.name();
        String url = target == null ? cfg.vendorUrl : target.jdbcUrl();
        String user;
        String password;
        Properties props = new Properties();
        if (target == null) {
            user = cfg.user;
            password = cfg.password;
            props.putAll(cfg.vendorProps);
            props.remove("user");
            props.remove("password");
        } else {
            user = target.user() != null ? target.user() : cfg.user;
            if (!target.passwordRef().isNone()) {
                password = target.passwordRef().resolve(name);
            } else {
                password = target.user() == null ? cfg.password : null;
            }
        }
        String callerKey = callerKey(name, cfg);
        String signature = url + "|" + user + "|" + digest(password) + "|" + props + "|"
                + (target == null ? 0 : target.version());
        Pool pool = POOLS.get(callerKey);
        if (pool == null || !pool.signature.equals(signature)) {
            pool = replace(callerKey, signature, name, url, user, password, props, cfg, metrics);
        }
        return pool;
    }

    private static synchronized Pool replace(String key, String signature, String name, String url, String user,
            String password, Properties props, DriverConfig cfg, Metrics metrics) {
        Pool old = POOLS.get(key);
        if (old != null && old.signature.equals(signature)) {
            return old;
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("tenantroute-" + name + "-" + SEQ.incrementAndGet());
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setDataSourceProperties(props);
        hc.setMaximumPoolSize(cfg.poolSize);
        hc.setMinimumIdle(0);
        hc.setConnectionTimeout(cfg.connectTimeoutMs);
        hc.setInitializationFailTimeout(-1);
        Object tracker = metrics.hikariTrackerFactory();
        if (tracker != null) {
            hc.setMetricsTrackerFactory((MetricsTrackerFactory) tracker);
        }
        Pool p = new Pool(signature, name, new HikariDataSource(hc));
        POOLS.put(key, p);
        if (old != null) {
            LOG.info("target '{}' changed: new pool {}, retiring {} when idle", name, hc.getPoolName(), old.ds.getPoolName());
            synchronized (RETIRED) {
                RETIRED.add(old.ds);
            }
        } else {
            LOG.debug("pool {} for target '{}' ({})", hc.getPoolName(), name, Target.maskUrl(url));
        }
        return p;
    }

    private static void reap() {
        synchronized (RETIRED) {
            RETIRED.removeIf(ds -> {
                if (ds.getHikariPoolMXBean() == null || ds.getHikariPoolMXBean().getActiveConnections() == 0) {
                    ds.close();
                    return true;
                }
                return false;
            });
        }
    }

    /** Closes every pool. Connections in use are closed by HikariCP. For {@code deregister()} and tests. */
    static synchronized void closeAll() {
        for (Pool p : POOLS.values()) {
            p.ds.close();
        }
        POOLS.clear();
        synchronized (RETIRED) {
            RETIRED.forEach(HikariDataSource::close);
            RETIRED.clear();
        }
    }

    static String digest(String secret) {
        if (secret == null) {
            return "-";
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            return Integer.toHexString(Objects.hashCode(secret));
        }
    }
}
