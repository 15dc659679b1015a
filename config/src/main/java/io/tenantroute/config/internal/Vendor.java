package io.tenantroute.config.internal;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Locale;

/** The database families a control store can live in, and what differs between them. */
public enum Vendor {
    /** PostgreSQL: the control tables live in a schema of the connected database. */
    POSTGRESQL("postgresql"),
    /** MySQL or MariaDB: the control tables live in a database of the connected server. */
    MYSQL("mysql");

    private final String location;

    Vendor(String location) {
        this.location = location;
    }

    /** @return the folder name of this vendor's migrations, e.g. {@code postgresql} */
    public String location() {
        return location;
    }

    /**
     * @param jdbcUrl a vendor JDBC URL
     * @return the vendor
     * @throws SQLException SQLState {@code 08001} for a URL of another database; the message shows only the
     *     URL's scheme, never the rest (it may hold credentials)
     */
    public static Vendor fromUrl(String jdbcUrl) throws SQLException {
        String u = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new SQLNonTransientConnectionException("the tenant map's control database must be PostgreSQL or MySQL/MariaDB "
                + "(jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb:), was " + scheme(jdbcUrl), "08001");
    }

    /**
     * @param md metadata of an open connection
     * @return the vendor
     * @throws SQLException SQLState {@code 0A000} for another database product
     */
    public static Vendor fromMetaData(DatabaseMetaData md) throws SQLException {
        String product = md.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mysql") || p.contains("mariadb")) {
            return MYSQL;
        }
        throw new SQLException("the tenant map's control tables need PostgreSQL or MySQL/MariaDB, the connection is to " + product,
                "0A000");
    }

    private static String scheme(String url) {
        if (url == null) {
            return "null";
        }
        int second = url.indexOf(':', url.indexOf(':') + 1);
        return second > 0 ? url.substring(0, second + 1) + "…" : "a URL that is not a JDBC URL";
    }
}
