package io.tenantroute.routing.sql;

import java.util.Locale;

/**
 * How to read a statement's text: quoting, string escapes, comments and parameter markers differ between
 * PostgreSQL and MySQL/MariaDB. Chosen from the delegate (real) JDBC URL, never from the statement.
 */
public enum SqlDialect {
    /**
     * PostgreSQL: {@code "quoted identifiers"}, {@code 'strings'} with {@code ''} escapes, nested block comments,
     * {@code $1} parameters (wire protocol), {@code ::} casts.
     */
    POSTGRESQL,
    /**
     * MySQL and MariaDB: {@code `backtick identifiers`}, {@code 'strings'} and {@code "strings"} with backslash
     * escapes, {@code #} line comments.
     */
    MYSQL;

    /**
     * Picks the dialect of a delegate JDBC URL.
     *
     * @param jdbcUrl the real database's URL, e.g. {@code jdbc:mysql://db/app}; may be null
     * @return {@link #MYSQL} for {@code jdbc:mysql:} and {@code jdbc:mariadb:} URLs, else {@link #POSTGRESQL}
     *     (standard SQL quoting, which is also the safest reading for other vendors)
     */
    public static SqlDialect forJdbcUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            return POSTGRESQL;
        }
        String u = jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        return POSTGRESQL;
    }
}
