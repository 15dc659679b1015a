package io.tenantroute.driver.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** The database dialect of a vendor JDBC URL: how a route's schema is applied. */
enum Engine {
    POSTGRESQL, MYSQL, OTHER;

    static Engine of(String vendorUrl) {
        if (vendorUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (vendorUrl.startsWith("jdbc:mysql:") || vendorUrl.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        return OTHER;
    }

    /** Routes a physical connection to a schema: PostgreSQL {@code setSchema} (search_path), MySQL {@code setCatalog} (database). */
    void applySchema(Connection c, String schema) throws SQLException {
        if (this == MYSQL) {
            c.setCatalog(schema);
        } else {
            c.setSchema(schema);
        }
    }

    /** @return the isolation level a fresh connection of this engine has */
    int defaultIsolation() {
        return this == MYSQL ? Connection.TRANSACTION_REPEATABLE_READ : Connection.TRANSACTION_READ_COMMITTED;
    }
}
