package io.tenantroute.migrator.schema;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that hands out one caller-owned connection whose {@code close()} does nothing, so that Flyway
 * runs a location on exactly one session: the one {@link SchemaFleet} opened, counted against {@code --per-server},
 * with the lock timeouts already set on it. Flyway asks for a "main" and a "migration" connection; both are this one.
 * Used once per location, never on a hot path (hence a reflection proxy rather than a hand-written wrapper).
 * Not thread-safe (neither is the connection).
 */
final class OneConnectionDataSource implements DataSource {
    private final Connection proxy;

    OneConnectionDataSource(Connection connection) {
        InvocationHandler h = (p, method, args) -> {
            switch (method.getName()) {
                case "close":
                    return null;
                case "isClosed":
                    return connection.isClosed();
                default:
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        };
        this.proxy = (Connection) Proxy.newProxyInstance(OneConnectionDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    @Override
    public Connection getConnection() {
        return proxy;
    }

    /** The location's own session only; other credentials are refused. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a schema location runs on its one session");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Flyway logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // already connected
    }

    @Override
    public int getLoginTimeout() {
        return 0;
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
