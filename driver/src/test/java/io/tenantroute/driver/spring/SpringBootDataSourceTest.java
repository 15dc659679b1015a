package io.tenantroute.driver.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.tenantroute.driver.TenantContext;
import io.tenantroute.driver.TenantRouteConnection;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 2: "Spring Boot with only {@code spring.datasource.url} changed must work". A Boot app whose data source is
 * auto-configured from a {@code jdbc:tenantroute:} URL (Boot picks HikariCP in front of our driver), tenants chosen
 * with {@link TenantContext}. The routing tests also name the driver class, which Boot 3.5 needs today (see
 * {@link #bootWithOnlyTheUrl_picksHikariAndTheTenantRouteDriver}). Where each statement ran is checked in the physical databases directly.
 * The table {@code notes} has no tenant column, so SQL inference cannot route it: only the context does. One app per
 * engine serves all tests of the class; each test has its own tenants and row ids.
 */
class SpringBootDataSourceTest {
    private static final SpringFixture.PerEngine FIXTURES = new SpringFixture.PerEngine("CREATE TABLE notes (id INT, body VARCHAR(100))");
    private static final String INSERT = "INSERT INTO notes (id, body) VALUES (?, ?)";
    private static final String COUNT = "SELECT count(*) FROM notes WHERE id = ?";
    private static final String IDS_BELOW_10 = "SELECT id FROM notes WHERE id < 10 ORDER BY id";

    /*
     * Issue 2: "Spring Boot with only spring.datasource.url changed must work". Boot 3 derives the driver class from
     * the URL prefix with its own list (DatabaseDriver), which does not know jdbc:tenantroute:; the driver's
     * SpringBootSupport (META-INF/spring.factories) names the driver class then. Without it the only-URL test fails
     * with "Failed to determine a suitable driver class".
     */
    @AfterAll
    static void closeFixtures() throws Exception {
        FIXTURES.close();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void bootWithOnlyTheUrl_picksHikariAndTheTenantRouteDriver(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        try (ConfigurableApplicationContext app = f.startWithOnlyTheUrl()) {
            assertBootUsesHikariInFrontOfTenantRoute(f, app.getBean(DataSource.class));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void bootWithUrlAndDriverClassName_picksHikariAndTheTenantRouteDriver(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        assertBootUsesHikariInFrontOfTenantRoute(f, f.dataSource());
    }

    private static void assertBootUsesHikariInFrontOfTenantRoute(SpringFixture f, DataSource bootDataSource) throws Exception {
        HikariDataSource ds = assertInstanceOf(HikariDataSource.class, bootDataSource);
        assertEquals(f.datasourceUrl(), ds.getJdbcUrl());
        try (Connection c = ds.getConnection()) {
            assertTrue(c.isWrapperFor(TenantRouteConnection.class), "Boot's pooled connection is not a tenantroute connection");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantsFromTenantContext_landOnTheirTargets_absentTenantOnShared(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        {
            f.store.setRoute("acme", "a", null);
            f.store.setRoute("globex", "b", null);
            JdbcTemplate jdbc = f.jdbc();

            TenantContext.run("acme", () -> jdbc.update(INSERT, 1, "acme"));
            TenantContext.run("globex", () -> jdbc.update(INSERT, 2, "globex"));
            TenantContext.run("initech", () -> jdbc.update(INSERT, 3, "initech (not in the map)"));
            jdbc.update(INSERT, 4, "no tenant");

            assertEquals(List.of("a"), f.whereIs(COUNT, 1));
            assertEquals(List.of("b"), f.whereIs(COUNT, 2));
            assertEquals(List.of("shared"), f.whereIs(COUNT, 3));
            assertEquals(List.of("shared"), f.whereIs(COUNT, 4));
            // Reads go the same way: each tenant sees only its own database's rows.
            assertEquals(List.of(1), TenantContext.call("acme", () -> jdbc.queryForList(IDS_BELOW_10, Integer.class)));
            assertEquals(List.of(2), TenantContext.call("globex", () -> jdbc.queryForList(IDS_BELOW_10, Integer.class)));
            assertEquals(List.of(3, 4), TenantContext.call("initech", () -> jdbc.queryForList(IDS_BELOW_10, Integer.class)));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void liveReRoute_nextTransactionLandsOnNewTarget_withoutRestartingTheContext(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        {
            f.store.setRoute("umbrella", "a", null);
            JdbcTemplate jdbc = f.jdbc();
            TenantContext.run("umbrella", () -> jdbc.update(INSERT, 10_000, "before"));
            assertEquals(List.of("a"), f.whereIs(COUNT, 10_000));

            f.store.setRoute("umbrella", "b", null);
            int firstOnB = f.writeUntilOn("a", "b", 10_001, COUNT, id -> TenantContext.run("umbrella", () -> jdbc.update(INSERT, id, "after")));

            // From then on every transaction of the tenant, writes and reads, runs on b; a keeps only what ran before.
            for (int id = firstOnB + 1; id <= firstOnB + 5; id++) {
                int i = id;
                TenantContext.run("umbrella", () -> jdbc.update(INSERT, i, "after"));
                assertEquals(List.of("b"), f.whereIs(COUNT, id));
            }
            assertEquals(List.of(firstOnB, firstOnB + 1, firstOnB + 2, firstOnB + 3, firstOnB + 4, firstOnB + 5),
                    TenantContext.call("umbrella", () -> jdbc.queryForList("SELECT id FROM notes WHERE id >= ? ORDER BY id", Integer.class, firstOnB)));
            assertEquals(List.of("a"), f.whereIs(COUNT, 10_000));
        }
    }
}
