package io.tenantroute.driver.internal;

import java.sql.CallableStatement;
import java.sql.SQLException;

/**
 * A logical {@link CallableStatement}: named parameters and out-parameter registrations are recorded and
 * replayed like indexed ones; out values are read from the physical statement of the last execution, which
 * stays held (also in autocommit) until the next statement. Not thread-safe.
 */
final class LogicalCallableStatement extends RecordingCallableStatementMethods {

    LogicalCallableStatement(LogicalConnection connection, StatementSettings settings, String sql) throws SQLException {
        super(connection, settings, sql);
    }

    @Override
    protected CallableStatement executed() throws SQLException {
        checkOpen();
        if (!attached()) {
            throw new SQLException("no out parameters: execute the call first (and read them before the next statement or commit)", "HY000");
        }
        return (CallableStatement) physical;
    }

    @Override
    protected void record(String key, Binder binder) throws SQLException {
        checkOpen();
        extra.put(key, binder);
    }
}
