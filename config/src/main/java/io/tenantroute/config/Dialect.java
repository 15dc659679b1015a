package io.tenantroute.config;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which database engine family a target, a control store or a connection is: the one answer to "which engine is
 * this" for every module (the tenant map's control tables, the migrator, and — once the driver switches to it —
 * routing). MariaDB is {@link #MYSQL}: the project speaks to it through the MySQL protocol and dialect.
 *
 * <p>URL prefixes are compared case-insensitively ({@code jdbc:postgresql:}, {@code jdbc:mysql:},
 * {@code jdbc:mariadb:}); product names from {@link DatabaseMetaData#getDatabaseProductName()} by containment
 * ({@code PostgreSQL}; {@code MySQL}, {@code MariaDB}). Immutable and thread-safe.
 */
public enum Dialect {
    /** PostgreSQL: schemas inside a database, identifiers quoted with {@code "}. */
    POSTGRESQL("postgresql"),
    /** MySQL or MariaDB: a "schema" is a database of the server, identifiers quoted with {@code `}. */
    MYSQL("mysql");

    private final String location;

    Dialect(String location) {
        this.location = location;
    }

    /** @return the folder name of this dialect's SQL resources (Flyway migrations), e.g. {@code postgresql} */
    public String location() {
        return location;
    }

    /**
     * @param jdbcUrl a vendor JDBC URL (not a {@code jdbc:tenantroute:} one), may be null
     * @return the dialect, or empty for another database or no URL
     */
    public static Optional<Dialect> forUrl(String jdbcUrl) {
        String u = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
            return Optional.of(MYSQL);
        }
        return Optional.empty();
    }

    /**
     * @param jdbcUrl a vendor JDBC URL
     * @return the dialect
     * @throws SQLException SQLState {@code 08001} ({@link SQLNonTransientConnectionException}) for a URL of another
     *     database; the message shows only the URL's scheme, never the rest (it may hold credentials)
     */
    public static Dialect fromUrl(String jdbcUrl) throws SQLException {
        return forUrl(jdbcUrl).orElseThrow(() -> new SQLNonTransientConnectionException("PostgreSQL or MySQL/MariaDB only "
                + "(jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:), was " + scheme(jdbcUrl), "08001"));
    }

    /**
     * @param md metadata of an open connection
     * @return the dialect
     * @throws SQLException SQLState {@code 0A000} for another database product
     */
    public static Dialect fromMetaData(DatabaseMetaData md) throws SQLException {
        String product = md.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mysql") || p.contains("mariadb")) {
            return MYSQL;
        }
        throw new SQLException("PostgreSQL or MySQL/MariaDB only, the connection is to " + product, "0A000");
    }

    /**
     * @param c an open connection
     * @return its dialect ({@link #fromMetaData})
     * @throws SQLException SQLState {@code 0A000} for another database product; the driver's own errors
     */
    public static Dialect of(Connection c) throws SQLException {
        return fromMetaData(c.getMetaData());
    }

    /** @return the identifier quoted for this dialect ({@code "a""b"} / {@code `a``b`}); never for data */
    public String q(String ident) {
        return this == POSTGRESQL ? '"' + ident.replace("\"", "\"\"") + '"' : '`' + ident.replace("`", "``") + '`';
    }

    /** @return {@code schema.table}, both quoted */
    public String q(String schema, String table) {
        return q(schema) + "." + q(table);
    }

    private static String scheme(String url) {
        if (url == null) {
            return "null";
        }
        int second = url.indexOf(':', url.indexOf(':') + 1);
        return second > 0 ? url.substring(0, second + 1) + "…" : "a URL that is not a JDBC URL";
    }
}
