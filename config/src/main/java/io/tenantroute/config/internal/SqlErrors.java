package io.tenantroute.config.internal;

import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** Turns errors of the control database into the tenant map's own SQLStates, keeping the original as cause. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * @param e an error from the control database (or already one of ours)
     * @param schema the control schema, for the message
     * @param what what was being done, e.g. {@code "reading the route of tenant 'acme'"}
     * @return {@code e} itself when it already carries a TenantRoute SQLState; {@code TR010} when the control
     *     tables are missing or lack a column of a newer version (the message says to run {@code tenantroute init})
     *     or the database is unreachable; else a SQLException with the database's SQLState and our context
     */
    public static SQLException translate(SQLException e, String schema, String what) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("TR")) {
            return e;
        }
        if (isMissingTable(e)) {
            return TenantRouteSqlState.MAP_UNAVAILABLE.exception("the tenant map's control tables are missing (schema '" + schema
                    + "'): run `tenantroute init` first (" + what + ")", e);
        }
        if (isMissingColumn(e)) {
            return TenantRouteSqlState.MAP_UNAVAILABLE.exception("the tenant map's control tables (schema '" + schema
                    + "') are older than this TenantRoute: run `tenantroute init` to upgrade them (" + what + ")", e);
        }
        if (isConnectionFailure(e)) {
            return TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot reach the tenant map's control database (" + what + "): "
                    + Target.maskUrl(e.getMessage()), e);
        }
        return new SQLException(what + ": " + Target.maskUrl(e.getMessage()), state, e.getErrorCode(), e);
    }

    /**
     * @param e an error of the control database
     * @return true for "table/schema/database does not exist" on PostgreSQL or MySQL/MariaDB
     */
    public static boolean isMissingTable(SQLException e) {
        String state = e.getSQLState();
        return "42P01".equals(state)      // PostgreSQL undefined_table
                || "3F000".equals(state)  // PostgreSQL invalid_schema_name
                || "42S02".equals(state)  // MySQL ER_NO_SUCH_TABLE (1146)
                || e.getErrorCode() == 1146
                || e.getErrorCode() == 1049; // MySQL ER_BAD_DB_ERROR: unknown database
    }

    /**
     * @param e an error of the control database
     * @return true for "column does not exist" on PostgreSQL or MySQL/MariaDB (control tables of an older version)
     */
    public static boolean isMissingColumn(SQLException e) {
        return "42703".equals(e.getSQLState())    // PostgreSQL undefined_column
                || e.getErrorCode() == 1054;      // MySQL ER_BAD_FIELD_ERROR (SQLState 42S22)
    }

    /**
     * @param e an error of the control database
     * @return true when the connection to the database failed or broke
     */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("08"))
                || e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException;
    }
}
