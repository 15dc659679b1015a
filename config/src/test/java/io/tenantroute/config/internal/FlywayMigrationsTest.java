package io.tenantroute.config.internal;

import io.tenantroute.config.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
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
                "io/tenantroute/config/db/" + v + "/V98__later.sql", "CREATE TABLE later_config (id INT PRIMARY KEY);");
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgfly"); Connection c = db.connect()) {
            String schema = TestControlMaps.controlSchema(db);
            Dialect vendor = engine == Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;

            assertEquals(3, FlywayMigrations.migrate(c, vendor, schema, withMigrator), "V1, V2 and the migrator's V100");
            assertEquals(0, FlywayMigrations.migrate(c, vendor, schema), "config alone accepts a schema that has V100");
            assertEquals(1, FlywayMigrations.migrate(c, vendor, schema, laterConfigOnly), "a newer config V98 runs after V100");
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

    /**
     * An install made before V2 (control tables at V1, routes in them): reads keep working without next targets,
     * changes say to run init; init then applies V2 alone, keeps the routes, and allows 'throttled' and next targets.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void v2_upgradesAV1Install_andAStoreReadsV1TablesUntilThen(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgv1v2"); Connection c = db.connect()) {
            String schema = TestControlMaps.controlSchema(db);
            Dialect vendor = engine == Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
            // V1 only, configured as FlywayMigrations does.
            Flyway.configure(FlywayMigrations.class.getClassLoader())
                    .dataSource(new NonClosingDataSource(c))
                    .schemas(schema).defaultSchema(schema).createSchemas(true)
                    .table(FlywayMigrations.HISTORY_TABLE)
                    .locations("classpath:io/tenantroute/config/db/" + vendor.location())
                    .placeholders(vendor == Dialect.MYSQL ? Map.of("tenant_collation", FlywayMigrations.binaryNoPadCollation(c)) : Map.of())
                    .target("1")
                    .load().migrate();
            String routes = schema + ".routes";
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + routes + " (tenant_id, target, schema_name, state, version) VALUES ('acme', 'shared', 'a', 'frozen', 1)");
                s.executeUpdate("UPDATE " + schema + ".map_version SET version = 1");
                assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO " + routes
                        + " (tenant_id, target, state, version) VALUES ('globex', 'shared', 'throttled', 2)"), "V1 does not know 'throttled'");
            }
            Route v1Route = new Route("acme", Target.SHARED, "a", RouteState.FROZEN, 1);

            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                // A newer driver against V1 tables keeps routing (next target: none).
                assertEquals(v1Route, store.route("acme").orElseThrow());
                assertEquals(List.of(v1Route), store.routes());
                assertEquals(List.of(v1Route), store.routesChangedSince(0));
                assertEquals(v1Route, store.route("acme").orElseThrow(), "and again, now knowing the tables are V1");
                SQLException change = assertThrows(SQLException.class, () -> store.setState("acme", RouteState.ACTIVE));
                assertEquals("TR010", change.getSQLState());
                assertTrue(change.getMessage().contains("tenantroute init"), change.getMessage());
                assertEquals(1, store.version(), "the refused change wrote nothing");

                assertEquals(1, ControlSchema.init(c, schema), "init on a V1 install applies V2 alone");
                try (JdbcTenantMapStore fresh = TestControlMaps.open(db)) {
                    assertEquals(v1Route, fresh.route("acme").orElseThrow(), "existing routes survive, next target NULL");
                    long v = fresh.compareAndSetRoute("acme", 1, Target.SHARED, "a", RouteState.THROTTLED, Target.SHARED);
                    assertEquals(new Route("acme", Target.SHARED, "a", RouteState.THROTTLED, v, Target.SHARED), fresh.route("acme").orElseThrow());
                }
                // The store that saw V1 tables writes at once; its reads use next_target again within 30 s.
                long v = store.setState("acme", RouteState.FROZEN);
                assertEquals(RouteState.FROZEN, store.route("acme").orElseThrow().state());
                assertEquals(v, store.version());
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT next_target FROM " + routes + " WHERE tenant_id = 'acme'")) {
                assertTrue(rs.next());
                assertEquals(Target.SHARED, rs.getString(1), "setState kept the next target");
            }
            try (Statement s = c.createStatement()) {
                assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE " + routes + " SET state = 'paused'"));
            }
        }
    }
}
