package io.tenantroute.migrator.internal;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.RuntimeProperty;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.JdbcStatement;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code LOAD DATA LOCAL INFILE} fed from an {@link InputStream} with MySQL Connector/J
 * ({@link JdbcStatement#setLocalInfileInputStream}).
 *
 * <p>Least privilege: Connector/J only advertises the local-file capability when the connection was opened with
 * {@code allowLoadLocalInfile=true} or {@code allowLoadLocalInfileInPath}; {@code TargetConnector.direct()} uses
 * the latter with an empty private directory, so a server can never pull a file of this host. The stream itself
 * is used only while {@code allowLoadLocalInfile} is true, which this class sets on the one connection for the
 * one statement and restores afterwards.
 *
 * <p>Only this class touches Connector/J types; {@link #supports(Connection)} returns false (never throws) when
 * Connector/J is not on the class path or the connection is another driver's. Not thread-safe (per connection).
 */
final class MySqlLocalInfile {
    private MySqlLocalInfile() {
    }

    /** @return true when {@code c} is a Connector/J connection (the stream API exists) */
    static boolean supports(Connection c) {
        try {
            return c.isWrapperFor(JdbcConnection.class);
        } catch (SQLException | LinkageError e) {
            return false;
        }
    }

    /**
     * Runs one {@code LOAD DATA LOCAL INFILE} statement reading {@code in} (to its end) on the calling thread.
     *
     * @return the update count (rows inserted)
     * @throws SQLException from the server or the driver: local files refused by the server
     *         ({@code local_infile=OFF}) or not enabled on the connection, or a load error
     */
    static long load(Connection c, String sql, InputStream in) throws SQLException {
        RuntimeProperty<Boolean> allow = c.unwrap(JdbcConnection.class).getPropertySet().getBooleanProperty(PropertyKey.allowLoadLocalInfile);
        Boolean before = allow.getValue();
        allow.setValue(Boolean.TRUE);
        try (Statement s = c.createStatement()) {
            JdbcStatement js = s.unwrap(JdbcStatement.class);
            js.setLocalInfileInputStream(in);
            try {
                return s.executeLargeUpdate(sql);
            } finally {
                js.setLocalInfileInputStream(null);
            }
        } finally {
            allow.setValue(before);
        }
    }
}
