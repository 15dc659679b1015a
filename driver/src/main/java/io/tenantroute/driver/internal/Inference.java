package io.tenantroute.driver.internal;

import io.tenantroute.driver.sql.TenantInference;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.concurrent.ConcurrentHashMap;

/** Creates the SQL tenant inference a connection uses, from {@code tenantroute.inference}. One instance per name per JVM. */
final class Inference {
    private static final ConcurrentHashMap<String, TenantInference> INSTANCES = new ConcurrentHashMap<>();

    private Inference() {
    }

    /**
     * The seam for SQL tenant inference: {@code none} → {@link TenantInference#NONE}; otherwise the class name of a
     * {@link TenantInference} with a public no-argument constructor (the SQL module may add a short name here,
     * and read {@code cfg.routingPolicy}).
     *
     * @throws SQLException {@code 08001} when the class cannot be made
     */
    static TenantInference create(DriverConfig cfg) throws SQLException {
        String name = cfg.inference == null ? "none" : cfg.inference.trim();
        if (name.isEmpty() || name.equalsIgnoreCase("none")) {
            return TenantInference.NONE;
        }
        TenantInference t = INSTANCES.get(name);
        if (t != null) {
            return t;
        }
        try {
            Class<?> c = Class.forName(name, true, Inference.class.getClassLoader());
            t = (TenantInference) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new SQLNonTransientConnectionException("tenantroute.inference: cannot create " + name + ": " + e, "08001", e);
        }
        TenantInference prev = INSTANCES.putIfAbsent(name, t);
        return prev != null ? prev : t;
    }
}
