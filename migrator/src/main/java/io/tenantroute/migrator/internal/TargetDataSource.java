package io.tenantroute.migrator.internal;

import io.tenantroute.config.Target;
import io.tenantroute.migrator.TargetConnector;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a {@link TargetConnector}: each {@code getConnection()} opens a new connection to
 * one target, which the caller closes. For libraries that want a DataSource (Flyway). Thread-safe when the
 * connector is.
 */
public final class TargetDataSource implements DataSource {
    private final TargetConnector connector;
    private final Target target;
    private int loginTimeoutSeconds;

    /**
     * @param connector opens the connections
     * @param target the target every connection goes to
     */
    public TargetDataSource(TargetConnector connector, Target target) {
        this.connector = connector;
        this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connector.open(target);
    }

    /** The target's own credentials are used; other credentials are refused. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("connections to target '" + target.name() + "' use the target's own credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging");
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
