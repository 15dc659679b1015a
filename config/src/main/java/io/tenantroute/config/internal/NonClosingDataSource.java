package io.tenantroute.config.internal;

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
 * A {@link DataSource} that hands out one caller-owned connection, whose {@code close()} does nothing:
 * Flyway wants a DataSource, {@code ControlSchema.init} is given a Connection that the caller closes.
 * Used once per init, never on a hot path (hence a reflection proxy rather than a hand-written wrapper).
 */
final class NonClosingDataSource implements DataSource {
    private final Connection proxy;

    NonClosingDataSource(Connection connection) {
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
        this.proxy = (Connection) Proxy.newProxyInstance(NonClosingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, h);
    }

    @Override
    public Connection getConnection() {
        return proxy;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return proxy;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no log writer: Flyway logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the connection is already open
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
