package io.tenantroute.driver.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set on a physical connection; closing it may let the logical connection give the physical one back
 * (autocommit). Not thread-safe.
 */
final class LogicalResultSet extends DelegatingResultSet {
    private final ResultSet rs;
    private final LogicalStatement statement;
    private final LogicalConnection conn;
    private final long generation;
    private boolean closed;

    LogicalResultSet(ResultSet rs, LogicalStatement statement, LogicalConnection conn, long generation) {
        this.rs = rs;
        this.statement = statement;
        this.conn = conn;
        this.generation = generation;
    }

    @Override
    protected ResultSet delegate() {
        return rs;
    }

    @Override
    public Statement getStatement() throws SQLException {
        return statement;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || rs.isClosed();
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!rs.isClosed()) {
                rs.close();
            }
        } finally {
            conn.resultClosed(generation);
            if (statement != null) {
                statement.resultClosed(this);
            }
        }
    }
}
