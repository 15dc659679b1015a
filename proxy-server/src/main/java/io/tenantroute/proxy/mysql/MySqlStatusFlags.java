package io.tenantroute.proxy.mysql;

/**
 * Server status flags carried by OK and EOF packets (MySQL Source Code Documentation, "enum_server_status"
 * in mysql_com.h, referenced from "OK_Packet"; MariaDB "OK_Packet": server status flag). The session reads
 * {@link #SERVER_STATUS_IN_TRANS} of a response's final OK/EOF to know whether the transaction ended.
 * Constants only; thread-safe.
 */
public final class MySqlStatusFlags {
    /** A transaction is open. */
    public static final int SERVER_STATUS_IN_TRANS = 1;
    /** Autocommit is on. */
    public static final int SERVER_STATUS_AUTOCOMMIT = 1 << 1;
    /** More result sets follow this one (multi-statements, CALL). */
    public static final int SERVER_MORE_RESULTS_EXISTS = 1 << 3;
    public static final int SERVER_QUERY_NO_GOOD_INDEX_USED = 1 << 4;
    public static final int SERVER_QUERY_NO_INDEX_USED = 1 << 5;
    /** A read-only cursor was opened by COM_STMT_EXECUTE; rows come with COM_STMT_FETCH. */
    public static final int SERVER_STATUS_CURSOR_EXISTS = 1 << 6;
    /** The cursor's last row was sent. */
    public static final int SERVER_STATUS_LAST_ROW_SENT = 1 << 7;
    public static final int SERVER_STATUS_DB_DROPPED = 1 << 8;
    public static final int SERVER_STATUS_NO_BACKSLASH_ESCAPES = 1 << 9;
    public static final int SERVER_STATUS_METADATA_CHANGED = 1 << 10;
    public static final int SERVER_QUERY_WAS_SLOW = 1 << 11;
    /** The result set holds OUT parameters of a CALL. */
    public static final int SERVER_PS_OUT_PARAMS = 1 << 12;
    /** The open transaction is read-only. */
    public static final int SERVER_STATUS_IN_TRANS_READONLY = 1 << 13;
    /** The OK packet carries session-state changes (CLIENT_SESSION_TRACK). */
    public static final int SERVER_SESSION_STATE_CHANGED = 1 << 14;

    private MySqlStatusFlags() {
    }

    /** @return whether {@code status} says a transaction is open */
    public static boolean inTransaction(int status) {
        return (status & SERVER_STATUS_IN_TRANS) != 0;
    }

    /** @return whether {@code status} says more results follow */
    public static boolean moreResults(int status) {
        return (status & SERVER_MORE_RESULTS_EXISTS) != 0;
    }
}
