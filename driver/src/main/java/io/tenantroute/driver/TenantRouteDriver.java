package io.tenantroute.driver;

import io.tenantroute.driver.internal.LogicalConnection;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code jdbc:tenantroute:} JDBC driver. A URL is {@code jdbc:tenantroute:} followed by the app's own vendor
 * URL without its {@code jdbc:}, e.g. {@code jdbc:tenantroute:postgresql://db:5432/app} or
 * {@code jdbc:tenantroute:mysql://db:3306/app}. That vendor URL is the {@code shared} target (where tenants
 * without a route live) and, by default, the database of the tenant map's control tables.
 *
 * <p>Properties starting with {@code tenantroute.} (see {@link TenantRouteProperty}) are ours, in the URL query
 * or the connect properties; all others (user, password, sslmode, …) pass through to the vendor driver.
 *
 * <p>Registered with {@link DriverManager} when the class loads (and found through
 * {@code META-INF/services/java.sql.Driver}). Thread-safe.
 */
public final class TenantRouteDriver implements Driver {
    /** The URL prefix this driver accepts. */
    public static final String URL_PREFIX = "jdbc:tenantroute:";
    private static TenantRouteDriver registered;

    static {
        try {
            register();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Registers the driver with {@link DriverManager}, unless already registered.
     *
     * @throws SQLException from {@link DriverManager#registerDriver(Driver)}
     */
    public static synchronized void register() throws SQLException {
        if (registered == null) {
            registered = new TenantRouteDriver();
            DriverManager.registerDriver(registered);
        }
    }

    /**
     * Deregisters the driver (e.g. when a web app is undeployed). Pools and the tenant map stay until the JVM exits.
     *
     * @throws SQLException from {@link DriverManager#deregisterDriver(Driver)}
     */
    public static synchronized void deregister() throws SQLException {
        if (registered != null) {
            DriverManager.deregisterDriver(registered);
            registered = null;
        }
    }

    /**
     * Closes every per-target connection pool and every tenant map this JVM opened (connections in use are
     * closed by their pools). Logical connections opened later start again from scratch. For web-app undeploy
     * and tests. Blocks while pools close.
     */
    public static void shutdown() {
        LogicalConnection.shutdownAll();
    }

    /** @return true when the driver is registered with {@link DriverManager} */
    public static synchronized boolean isRegistered() {
        return registered != null;
    }

    /**
     * Opens a logical connection; no physical connection is taken until the first statement.
     *
     * @param url the URL; anything not starting with {@code jdbc:tenantroute:} gets null (JDBC contract)
     * @param info connection properties (user, password, {@code tenantroute.*}), may be null
     * @return the connection, or null for a URL that is not ours
     * @throws SQLException {@code 08001} for invalid {@code tenantroute.*} properties; {@code TR010} (transient) when
     *     the tenant map cannot be read
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return LogicalConnection.open(url, info);
    }

    /**
     * @param url any URL, may be null
     * @return true exactly for URLs starting with {@code jdbc:tenantroute:} followed by a vendor sub-protocol
     */
    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL_PREFIX) && url.length() > URL_PREFIX.length()
                && url.indexOf(':', URL_PREFIX.length()) > URL_PREFIX.length();
    }

    /**
     * Our properties (from {@link TenantRouteProperty}) followed by the vendor driver's, when it is loadable.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        List<DriverPropertyInfo> out = new ArrayList<>();
        for (TenantRouteProperty p : TenantRouteProperty.values()) {
            out.add(p.toDriverPropertyInfo(info));
        }
        if (acceptsURL(url)) {
            String vendorUrl = "jdbc:" + url.substring(URL_PREFIX.length());
            try {
                Driver d = DriverManager.getDriver(vendorUrl);
                for (DriverPropertyInfo i : d.getPropertyInfo(vendorUrl, info == null ? new Properties() : info)) {
                    out.add(i);
                }
            } catch (SQLException e) {
                LoggerFactory.getLogger(TenantRouteDriver.class).debug("no vendor driver property info: {}", e.getMessage());
            }
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    /** @return 0 (pre-1.0) */
    @Override
    public int getMajorVersion() {
        return 0;
    }

    /** @return 1 */
    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** @return false: compliance is the vendor driver's */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** @throws SQLFeatureNotSupportedException always: the driver logs through SLF4J */
    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("TenantRoute logs through SLF4J");
    }
}
