package io.tenantroute.proxy.mysql;

import java.util.ArrayList;
import java.util.List;

/**
 * Capability flags of the MySQL Client/Server Protocol (MySQL Source Code Documentation, "Capabilities Flags",
 * group_cs_capabilities_flags) and MariaDB's extended capabilities (MariaDB "Connection": the HandshakeV10's
 * third capability word, used when the server clears {@link #CLIENT_MYSQL}). In this code a capability set is one
 * {@code long}: bits 0–31 are the standard flags, bits 32–63 MariaDB's extended flags shifted up by 32.
 *
 * <p>{@link #PROXY_SERVER} is what the proxy announces to clients; {@link #CONNECTOR_BASE} what it always asks
 * of servers. Why each flag is in or out is written next to the sets. Constants only; thread-safe.
 */
public final class MySqlCapabilities {
    public static final long CLIENT_LONG_PASSWORD = 1L;
    /** MariaDB's name for bit 0: a server that clears it talks the MariaDB extended-capability dialect. */
    public static final long CLIENT_MYSQL = CLIENT_LONG_PASSWORD;
    public static final long CLIENT_FOUND_ROWS = 1L << 1;
    public static final long CLIENT_LONG_FLAG = 1L << 2;
    public static final long CLIENT_CONNECT_WITH_DB = 1L << 3;
    public static final long CLIENT_NO_SCHEMA = 1L << 4;
    public static final long CLIENT_COMPRESS = 1L << 5;
    public static final long CLIENT_ODBC = 1L << 6;
    public static final long CLIENT_LOCAL_FILES = 1L << 7;
    public static final long CLIENT_IGNORE_SPACE = 1L << 8;
    public static final long CLIENT_PROTOCOL_41 = 1L << 9;
    public static final long CLIENT_INTERACTIVE = 1L << 10;
    public static final long CLIENT_SSL = 1L << 11;
    public static final long CLIENT_IGNORE_SIGPIPE = 1L << 12;
    public static final long CLIENT_TRANSACTIONS = 1L << 13;
    public static final long CLIENT_RESERVED = 1L << 14;
    /** Also named CLIENT_RESERVED2: 1-byte-length auth response in HandshakeResponse41. */
    public static final long CLIENT_SECURE_CONNECTION = 1L << 15;
    public static final long CLIENT_MULTI_STATEMENTS = 1L << 16;
    public static final long CLIENT_MULTI_RESULTS = 1L << 17;
    public static final long CLIENT_PS_MULTI_RESULTS = 1L << 18;
    public static final long CLIENT_PLUGIN_AUTH = 1L << 19;
    public static final long CLIENT_CONNECT_ATTRS = 1L << 20;
    public static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1L << 21;
    public static final long CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 1L << 22;
    public static final long CLIENT_SESSION_TRACK = 1L << 23;
    public static final long CLIENT_DEPRECATE_EOF = 1L << 24;
    public static final long CLIENT_OPTIONAL_RESULTSET_METADATA = 1L << 25;
    public static final long CLIENT_ZSTD_COMPRESSION_ALGORITHM = 1L << 26;
    public static final long CLIENT_QUERY_ATTRIBUTES = 1L << 27;
    public static final long MULTI_FACTOR_AUTHENTICATION = 1L << 28;
    public static final long CLIENT_CAPABILITY_EXTENSION = 1L << 29;
    public static final long CLIENT_SSL_VERIFY_SERVER_CERT = 1L << 30;
    public static final long CLIENT_REMEMBER_OPTIONS = 1L << 31;

    /** MariaDB: progress-report ERR packets (0xFFFF). */
    public static final long MARIADB_CLIENT_PROGRESS = 1L << 32;
    /** MariaDB: COM_MULTI (removed in 10.6). */
    public static final long MARIADB_CLIENT_COM_MULTI = 1L << 33;
    /** MariaDB: COM_STMT_BULK_EXECUTE and parameter indicators. */
    public static final long MARIADB_CLIENT_STMT_BULK_OPERATIONS = 1L << 34;
    /** MariaDB: extended type information in column definitions. */
    public static final long MARIADB_CLIENT_EXTENDED_METADATA = 1L << 35;
    /** MariaDB: result sets of prepared statements may omit column definitions. */
    public static final long MARIADB_CLIENT_CACHE_METADATA = 1L << 36;
    /** MariaDB 11.5: one result per bulk iteration. */
    public static final long MARIADB_CLIENT_BULK_UNIT_RESULTS = 1L << 37;

    /** All MariaDB extended flags (bits 32–63). */
    public static final long MARIADB_EXTENDED_MASK = 0xFFFF_FFFF_0000_0000L;

    /**
     * What the proxy announces to its clients in HandshakeV10 (the session may add {@link #CLIENT_SSL} when it
     * has a certificate, {@link #CLIENT_LOCAL_FILES} when LOAD DATA LOCAL is enabled, {@link #CLIENT_SESSION_TRACK}
     * when it translates session-state OK packets). In: the flags whose handling is per client and that the
     * proxy either passes to the server connection or translates — FOUND_ROWS, LONG_FLAG, CONNECT_WITH_DB,
     * IGNORE_SPACE, PROTOCOL_41, INTERACTIVE, TRANSACTIONS, SECURE_CONNECTION, MULTI_STATEMENTS, MULTI_RESULTS,
     * PS_MULTI_RESULTS, PLUGIN_AUTH, CONNECT_ATTRS (the tenant attribute), PLUGIN_AUTH_LENENC_CLIENT_DATA,
     * DEPRECATE_EOF (translated by {@link MySqlResponseTracker} when the server connection differs) and
     * {@link #CLIENT_MYSQL} set, so clients never send MariaDB extended flags. Out: COMPRESS, SSL (unless
     * configured), QUERY_ATTRIBUTES and OPTIONAL_RESULTSET_METADATA (they change COM_QUERY and result-set
     * formats), ZSTD, MULTI_FACTOR_AUTHENTICATION, CAN_HANDLE_EXPIRED_PASSWORDS, every MariaDB extended flag.
     */
    public static final long PROXY_SERVER = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG
            | CLIENT_CONNECT_WITH_DB | CLIENT_IGNORE_SPACE | CLIENT_PROTOCOL_41 | CLIENT_INTERACTIVE
            | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS
            | CLIENT_PS_MULTI_RESULTS | CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_DEPRECATE_EOF;

    /**
     * What {@link MySqlServerConnector} always asks of a server (intersected with what the server offers):
     * LONG_PASSWORD, LONG_FLAG, PROTOCOL_41, TRANSACTIONS (status flags in OK), SECURE_CONNECTION, PLUGIN_AUTH,
     * PLUGIN_AUTH_LENENC_CLIENT_DATA, MULTI_RESULTS and PS_MULTI_RESULTS (a CALL may return several results; the
     * tracker follows SERVER_MORE_RESULTS_EXISTS), CONNECT_ATTRS (when the endpoint has attributes). CONNECT_WITH_DB
     * when the endpoint names a database, SSL when TLS is negotiated, DEPRECATE_EOF when offered and not disabled
     * in {@link MySqlConnectOptions}. Per-client semantics — FOUND_ROWS, MULTI_STATEMENTS, IGNORE_SPACE,
     * INTERACTIVE, LOCAL_FILES, SESSION_TRACK — only when {@link MySqlConnectOptions#optionalCapabilities()}
     * names them, because they change what a statement means or returns: a pool must keep connections with
     * different ones apart. Never: COMPRESS, QUERY_ATTRIBUTES, OPTIONAL_RESULTSET_METADATA, ZSTD, and none of
     * MariaDB's extended flags (no bulk operations, no metadata cache: the proxy does not build their handling).
     */
    public static final long CONNECTOR_BASE = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_PROTOCOL_41
            | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | CLIENT_MULTI_RESULTS | CLIENT_PS_MULTI_RESULTS;

    /** The flags {@link MySqlConnectOptions#optionalCapabilities()} may add. */
    public static final long CONNECTOR_OPTIONAL = CLIENT_FOUND_ROWS | CLIENT_MULTI_STATEMENTS | CLIENT_IGNORE_SPACE
            | CLIENT_INTERACTIVE | CLIENT_LOCAL_FILES | CLIENT_SESSION_TRACK;

    private static final String[] NAMES = {
        "CLIENT_LONG_PASSWORD", "CLIENT_FOUND_ROWS", "CLIENT_LONG_FLAG", "CLIENT_CONNECT_WITH_DB",
        "CLIENT_NO_SCHEMA", "CLIENT_COMPRESS", "CLIENT_ODBC", "CLIENT_LOCAL_FILES", "CLIENT_IGNORE_SPACE",
        "CLIENT_PROTOCOL_41", "CLIENT_INTERACTIVE", "CLIENT_SSL", "CLIENT_IGNORE_SIGPIPE", "CLIENT_TRANSACTIONS",
        "CLIENT_RESERVED", "CLIENT_SECURE_CONNECTION", "CLIENT_MULTI_STATEMENTS", "CLIENT_MULTI_RESULTS",
        "CLIENT_PS_MULTI_RESULTS", "CLIENT_PLUGIN_AUTH", "CLIENT_CONNECT_ATTRS",
        "CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA", "CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS", "CLIENT_SESSION_TRACK",
        "CLIENT_DEPRECATE_EOF", "CLIENT_OPTIONAL_RESULTSET_METADATA", "CLIENT_ZSTD_COMPRESSION_ALGORITHM",
        "CLIENT_QUERY_ATTRIBUTES", "MULTI_FACTOR_AUTHENTICATION", "CLIENT_CAPABILITY_EXTENSION",
        "CLIENT_SSL_VERIFY_SERVER_CERT", "CLIENT_REMEMBER_OPTIONS", "MARIADB_CLIENT_PROGRESS",
        "MARIADB_CLIENT_COM_MULTI", "MARIADB_CLIENT_STMT_BULK_OPERATIONS", "MARIADB_CLIENT_EXTENDED_METADATA",
        "MARIADB_CLIENT_CACHE_METADATA", "MARIADB_CLIENT_BULK_UNIT_RESULTS",
    };

    private MySqlCapabilities() {
    }

    /** @return whether {@code capabilities} has every bit of {@code flag} */
    public static boolean has(long capabilities, long flag) {
        return (capabilities & flag) == flag;
    }

    /** @return the flag names set in {@code capabilities}, lowest bit first (unknown bits as {@code bit<n>}) */
    public static List<String> names(long capabilities) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((capabilities & (1L << bit)) != 0) {
                names.add(bit < NAMES.length ? NAMES[bit] : "bit" + bit);
            }
        }
        return names;
    }
}
