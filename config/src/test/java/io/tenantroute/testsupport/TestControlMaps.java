package io.tenantroute.testsupport;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.TenantMapStores;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Tenant map control tables inside a {@link TestDatabase}, so that suites running at the same time never
 * share one: on PostgreSQL the default schema {@code tenantroute} of the test database; on MySQL the test
 * database itself (the default database {@code tenantroute} would be shared by the whole server).
 */
public final class TestControlMaps {
    private TestControlMaps() {
    }

    /** @return the control schema to use in this test database */
    public static String controlSchema(TestDatabase db) {
        return db.engine() == Engine.POSTGRESQL ? ControlSchema.DEFAULT_SCHEMA : db.name();
    }

    /** @return properties for {@link TenantMapStores#open} (the URL of {@link TestDatabase#url()} carries the user) */
    public static Properties storeProperties(TestDatabase db) {
        Properties p = new Properties();
        p.setProperty(TenantMapStores.CONTROL_SCHEMA, controlSchema(db));
        return p;
    }

    /** Creates the control tables in the test database. */
    public static void init(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            ControlSchema.init(c, controlSchema(db));
        }
    }

    /** Creates the control tables and opens a store on them (caller closes). */
    public static JdbcTenantMapStore initAndOpen(TestDatabase db) throws SQLException {
        init(db);
        return open(db);
    }

    /** Opens a store on the control tables of the test database (caller closes). */
    public static JdbcTenantMapStore open(TestDatabase db) throws SQLException {
        return TenantMapStores.open(db.url(), storeProperties(db));
    }
}
