package io.tenantroute.driver.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Metadata of the current route's target: each call uses the physical connection of the open transaction, or
 * borrows one for the call (kept while a returned result set is open). Not thread-safe.
 */
final class LogicalDatabaseMetaData extends DelegatingDatabaseMetaData {
    private final LogicalConnection conn;

    LogicalDatabaseMetaData(LogicalConnection conn) {
        this.conn = conn;
    }

    @Override
    protected DatabaseMetaData delegate() throws SQLException {
        return conn.acquire(null, null).getMetaData();
    }

    @Override
    protected ResultSet resultSet(ResultSet rs) throws SQLException {
        if (rs == null) {
            return null;
        }
        return new LogicalResultSet(rs, null, conn, conn.resultOpened());
    }

    @Override
    protected void done() throws SQLException {
        conn.afterStatement(false);
    }

    /** @return the major version of the TenantRoute driver (the vendor driver's is not known without a connection) */
    @Override
    public int getDriverMajorVersion() {
        return 0;
    }

    /** @return the minor version of the TenantRoute driver */
    @Override
    public int getDriverMinorVersion() {
        return 1;
    }

    @Override
    public Connection getConnection() {
        return conn;
    }
}
