package io.tenantroute.migrator.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** The two database families the migrator speaks; decided from the JDBC URL or an open connection. */
public enum Engine {
    POSTGRESQL, MYSQL;

    /** @return the engine of a vendor JDBC URL ({@code jdbc:postgresql:}, {@code jdbc:mysql:}, {@code jdbc:mariadb:}) */
    public static Engine ofUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (PostgreSQL or MySQL/MariaDB only): " + io.tenantroute.config.Target.maskUrl(url));
    }

    /** @return the engine of an open connection */
    public static Engine of(Connection c) throws SQLException {
        String p = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        return p.contains("postgres") ? POSTGRESQL : MYSQL;
    }

    /** Quotes an identifier (doubling the quote character). */
    public String q(String ident) {
        return this == POSTGRESQL ? '"' + ident.replace("\"", "\"\"") + '"' : '`' + ident.replace("`", "``") + '`';
    }

    /** Quotes schema.table. */
    public String q(String schema, String table) {
        return q(schema) + "." + q(table);
    }
}
