package io.tenantroute.driver;

import io.tenantroute.driver.internal.LogicalConnection;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over {@link TenantRouteDriver}, for frameworks that take one. Configure with
 * {@link #setUrl}, {@link #setUser}, {@link #setPassword} and optionally {@link #setProperties}; each
 * {@link #getConnection()} opens a logical connection (cheap: physical connections are pooled per target).
 *
 * <p>Setters are not synchronised: configure before sharing. {@link #getConnection()} is thread-safe.
 */
public class TenantRouteDataSource implements DataSource {
    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile Properties properties = new Properties();
    private volatile int loginTimeoutSeconds;
    private volatile PrintWriter logWriter;

    /** @param url a {@code jdbc:tenantroute:} URL */
    public void setUrl(String url) {
        this.url = url;
    }

    /** @return the URL */
    public String getUrl() {
        return url;
    }

    /** @param user the user of the {@code shared} target (and the control database by default) */
    public void setUser(String user) {
        this.user = user;
    }

    /** @return the user */
    public String getUser() {
        return user;
    }

    /** @param password the password of {@code user}; never logged */
    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * @param properties connection properties: {@code tenantroute.*} (see {@link TenantRouteProperty}) and vendor ones;
     *     copied
     */
    public void setProperties(Properties properties) {
        Properties p = new Properties();
        if (properties != null) {
            p.putAll(properties);
        }
        this.properties = p;
    }

    /** @return a copy of the properties */
    public Properties getProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        return p;
    }

    /**
     * @return a new logical connection
     * @throws SQLException {@code 08001} when no {@code jdbc:tenantroute:} URL is set or a property is invalid; see
     *     {@link TenantRouteDriver#connect}
     */
    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    /**
     * @return a new logical connection as {@code username}
     * @throws SQLException as {@link #getConnection()}
     */
    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        String u = url;
        if (u == null || !u.startsWith(TenantRouteDriver.URL_PREFIX)) {
            throw new java.sql.SQLNonTransientConnectionException("TenantRouteDataSource needs a jdbc:tenantroute: URL (setUrl)", "08001");
        }
        Properties p = getProperties();
        if (username != null) {
            p.setProperty("user", username);
        }
        if (pw != null) {
            p.setProperty("password", pw);
        }
        return LogicalConnection.open(u, p);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    /** @throws SQLFeatureNotSupportedException always: the driver logs through SLF4J */
    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("TenantRoute logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
