package io.tenantroute.driver.internal;

import io.tenantroute.config.TenantIds;
import io.tenantroute.driver.TenantRouteProperty;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The settings of one {@code connect()} call, validated: the vendor URL (our {@code tenantroute.*} query
 * parameters removed), the pass-through properties for the vendor driver, and ours. Immutable.
 */
final class DriverConfig {
    /** The URL prefix of this driver. */
    static final String PREFIX = "jdbc:tenantroute:";

    final String vendorUrl;
    final Properties vendorProps;
    final String user;
    final String password;
    final String tenant;
    final String controlUrl;
    final String controlSchema;
    final String mapFile;
    final long mapRefreshMs;
    final long frozenWaitMs;
    final int throttleConcurrency;
    final long throttleWaitMs;
    final int poolSize;
    final long connectTimeoutMs;
    final String routingPolicy;
    final String inference;
    final String tenantColumns;
    final String auditFile;
    final boolean metrics;

    private DriverConfig(String vendorUrl, Properties vendorProps, Properties ours) throws SQLException {
        this.vendorUrl = vendorUrl;
        this.vendorProps = vendorProps;
        this.user = vendorProps.getProperty("user");
        this.password = vendorProps.getProperty("password");
        String t = TenantRouteProperty.TENANT.get(ours);
        this.tenant = t == null || t.isEmpty() ? null : TenantIds.requireValid(t);
        this.controlUrl = emptyToNull(TenantRouteProperty.CONTROL_URL.get(ours));
        this.controlSchema = TenantRouteProperty.CONTROL_SCHEMA.get(ours).trim();
        this.mapFile = emptyToNull(TenantRouteProperty.MAP_FILE.get(ours));
        this.mapRefreshMs = number(ours, TenantRouteProperty.MAP_REFRESH_MS, 0, Long.MAX_VALUE);
        this.frozenWaitMs = number(ours, TenantRouteProperty.FROZEN_WAIT_MS, 0, Long.MAX_VALUE);
        this.throttleConcurrency = (int) number(ours, TenantRouteProperty.THROTTLE_CONCURRENCY, 1, 10_000);
        this.throttleWaitMs = number(ours, TenantRouteProperty.THROTTLE_WAIT_MS, 0, 60_000);
        this.poolSize = (int) number(ours, TenantRouteProperty.POOL_SIZE, 1, 10_000);
        this.connectTimeoutMs = number(ours, TenantRouteProperty.CONNECT_TIMEOUT_MS, 250, Long.MAX_VALUE);
        this.routingPolicy = choice(ours, TenantRouteProperty.ROUTING_POLICY);
        this.inference = TenantRouteProperty.INFERENCE.get(ours);
        this.tenantColumns = TenantRouteProperty.TENANT_COLUMNS.get(ours);
        try {
            io.tenantroute.routing.sql.TenantColumns.parse(tenantColumns);
        } catch (IllegalArgumentException e) {
            throw invalid(TenantRouteProperty.TENANT_COLUMNS.propertyName() + ": " + e.getMessage());
        }
        this.auditFile = emptyToNull(TenantRouteProperty.AUDIT_FILE.get(ours));
        this.metrics = Boolean.parseBoolean(choice(ours, TenantRouteProperty.METRICS));
        if (mapRefreshMs != 0 && mapRefreshMs < 50) {
            throw invalid(TenantRouteProperty.MAP_REFRESH_MS.propertyName() + " must be 0 or ≥ 50 ms, was " + mapRefreshMs);
        }
    }

    /**
     * @param url a {@code jdbc:tenantroute:} URL
     * @param info the properties given to {@code connect}, may be null; they win over URL query parameters
     * @return the validated settings
     * @throws SQLException {@code 08001}-style non-transient errors for invalid property values (message names the property)
     */
    static DriverConfig parse(String url, Properties info) throws SQLException {
        String rest = url.substring(PREFIX.length());
        Properties ours = new Properties();
        Properties vendor = new Properties();
        // Our parameters may sit in the URL query; strip them so the vendor driver never sees them.
        StringBuilder vendorUrl = new StringBuilder("jdbc:");
        int q = rest.indexOf('?');
        if (q < 0) {
            vendorUrl.append(rest);
        } else {
            vendorUrl.append(rest, 0, q);
            StringBuilder kept = new StringBuilder();
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (TenantRouteProperty.isOurs(key)) {
                    ours.setProperty(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
                } else {
                    kept.append(kept.length() == 0 ? "" : "&").append(pair);
                }
            }
            if (kept.length() > 0) {
                vendorUrl.append('?').append(kept);
            }
        }
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                if (TenantRouteProperty.isOurs(key)) {
                    ours.setProperty(key, info.getProperty(key));
                } else {
                    vendor.setProperty(key, info.getProperty(key));
                }
            }
        }
        for (String key : ours.stringPropertyNames()) {
            if (TenantRouteProperty.forName(key) == null) {
                throw invalid("unknown property " + key + "; known: " + known());
            }
        }
        return new DriverConfig(vendorUrl.toString(), vendor, ours);
    }

    private String passwordDigest;

    /** @return a short digest of the caller's password, to key pools by credentials without holding the password in keys */
    String passwordDigest() {
        String d = passwordDigest;
        if (d == null) {
            d = Pools.digest(password);
            passwordDigest = d;
        }
        return d;
    }

    /** @return the key of the tenant map this connection uses: map file or control URL, and the refresh interval */
    String mapKey() {
        return mapKey(mapFile != null ? "file:" + mapFile : controlUrlOrDefault() + "|" + controlSchema, mapRefreshMs);
    }

    static String mapKey(String source, long refreshMs) {
        return source + "|" + refreshMs;
    }

    String controlUrlOrDefault() {
        return controlUrl != null ? controlUrl : vendorUrl;
    }

    private static String known() {
        StringBuilder b = new StringBuilder();
        for (TenantRouteProperty p : TenantRouteProperty.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(p.propertyName());
        }
        return b.toString();
    }

    private static long number(Properties p, TenantRouteProperty prop, long min, long max) throws SQLException {
        String v = prop.get(p);
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw invalid(prop.propertyName() + " must be between " + min + " and " + max + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(prop.propertyName() + " must be a whole number, was '" + v + "'");
        }
    }

    private static String choice(Properties p, TenantRouteProperty prop) throws SQLException {
        String v = prop.get(p).trim();
        for (String c : prop.choices()) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw invalid(prop.propertyName() + " must be one of " + prop.choices() + ", was '" + v + "'");
    }

    private static SQLException invalid(String msg) {
        return new java.sql.SQLNonTransientConnectionException(msg, "08001");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

}
