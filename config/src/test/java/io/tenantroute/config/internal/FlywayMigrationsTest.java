package io.tenantroute.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.Target;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two migration ranges live side by side: config's V1–V99 and the migrator's V100+ (only where the
 * migrator is on the class path), in either order of arrival.
 */
class FlywayMigrationsTest {
    @TempDir
    Path dir;

    private ClassLoader classPathWith(String name, String... files) throws Exception {
        Path root = dir.resolve(name);
        for (int i = 0; i < files.length; i += 2) {
            Path f = root.resolve(files[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, files[i + 1]);
        }
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, FlywayMigrations.class.getClassLoader());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void migratorMigrations_runAfterConfigs_andALaterConfigMigrationStillRuns_withoutTheMigrator(Engine engine) throws Exception {
        String v = engine == Engine.POSTGRESQL ? "postgresql" : "mysql";
        ClassLoader withMigrator = classPathWith("a",
                "io/tenantroute/migrator/db/" + v + "/V100__moves.sql", "CREATE TABLE moves (id INT PRIMARY KEY);");
        ClassLoader laterConfigOnly = classPathWith("b",
                "io/tenantroute/config/db/" + v + "/V2__later.sql", "CREATE TABLE later_config (id INT PRIMARY KEY);");
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgfly"); Connection c = db.connect()) {
            String schema = TestControlMaps.controlSchema(db);
            Vendor vendor = engine == Engine.POSTGRESQL ? Vendor.POSTGRESQL : Vendor.MYSQL;

            assertEquals(2, FlywayMigrations.migrate(c, vendor, schema, withMigrator), "V1 and the migrator's V100");
            assertEquals(0, FlywayMigrations.migrate(c, vendor, schema), "config alone accepts a schema that has V100");
            assertEquals(1, FlywayMigrations.migrate(c, vendor, schema, laterConfigOnly), "a newer config V2 runs after V100");
            assertEquals(0, FlywayMigrations.migrate(c, vendor, schema, withMigrator));

            try (Statement s = c.createStatement()) {
                for (String table : new String[] {"moves", "later_config", "routes"}) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
                        assertTrue(rs.next(), table);
                    }
                }
            }
            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                assertEquals(1, store.setRoute("acme", Target.SHARED, null));
            }
        }
    }
}
