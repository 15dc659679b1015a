package io.tenantroute.driver.spring;

import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.Target;
import io.tenantroute.driver.TenantRouteDriver;
import io.tenantroute.driver.internal.TenantMaps;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Spring Boot app in front of {@code jdbc:tenantroute:}: three fresh databases on one server — {@code shared}
 * (the URL's own), targets {@code a} and {@code b} — the tenant map's control tables with targets a and b, and a
 * Boot context whose data source comes from {@code spring.datasource.url} alone (plus a small pool size, the
 * house rule for shared test servers).
 *
 * <p>Control tables: on PostgreSQL in the shared database's default schema {@code tenantroute}, which is where the
 * driver looks by default — so the URL names nothing else. On MySQL the default control database
 * {@code tenantroute} is one per server (shared by every suite running at the same moment), and the driver on this
 * branch has no property to pick another, so the MySQL app names a control database of its own with
 * {@code tenantroute.control-url} — a fresh PostgreSQL database (any engine may hold the map).
 */
final class SpringFixture implements AutoCloseable {
    /** The smallest Boot app: a DataSource, JdbcTemplate and TransactionTemplate from auto-configuration, nothing scanned. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, TransactionAutoConfiguration.class})
    static class App {
    }

    final Engine engine;
    final TestDatabase shared;
    final TestDatabase a;
    final TestDatabase b;
    private final TestDatabase control;
    final JdbcTenantMapStore store;
    private ConfigurableApplicationContext context;

    /**
     * @param engine the engine of the app's databases
     * @param ddl statements run on each of shared, a and b
     */
    SpringFixture(Engine engine, String... ddl) throws SQLException {
        this.engine = engine;
        TestServer server = TestDatabases.server(engine);
        this.shared = server.createDatabase("spr_shared");
        this.a = server.createDatabase("spr_a");
        this.b = server.createDatabase("spr_b");
        for (TestDatabase d : List.of(shared, a, b)) {
            d.execute(ddl);
        }
        this.control = engine == Engine.POSTGRESQL ? shared : TestDatabases.server(Engine.POSTGRESQL).createDatabase("spr_ctl");
        this.store = TestControlMaps.initAndOpen(control);
        store.putTarget(new Target("a", a.url(), null, null, 0));
        store.putTarget(new Target("b", b.url(), null, null, 0));
    }

    /** @return the only thing the app is configured with: its {@code jdbc:tenantroute:} URL */
    String datasourceUrl() {
        String url = shared.tenantRouteUrl();
        url += (url.contains("?") ? "&" : "?") + "tenantroute.pool-size=2";
        if (control != shared) {
            url += "&tenantroute.control-url=" + URLEncoder.encode(control.url(), StandardCharsets.UTF_8);
        }
        return url;
    }

    /**
     * Starts the Boot app (web off) with {@code spring.datasource.url}, the driver class named explicitly (as apps
     * that already set {@code driver-class-name} do), and a pool of 2.
     */
    synchronized ConfigurableApplicationContext start() {
        if (context == null) {
            context = start("spring.datasource.driver-class-name=" + TenantRouteDriver.class.getName());
        }
        return context;
    }

    /**
     * Starts the Boot app configured by {@code spring.datasource.url} alone (and a pool of 2) — issue 2's promise.
     * Spring Boot 3.5 derives the driver class from the URL prefix with its own list of known databases
     * ({@code DatabaseDriver.fromJdbcUrl}), which does not know {@code jdbc:tenantroute:}; the driver's
     * {@code SpringBootSupport} post-processor supplies the driver class.
     */
    ConfigurableApplicationContext startWithOnlyTheUrl() {
        return start(new String[0]);
    }

    private ConfigurableApplicationContext start(String... more) {
        List<String> props = new ArrayList<>(List.of("spring.datasource.url=" + datasourceUrl(),
                "spring.datasource.hikari.maximum-pool-size=2",
                "spring.datasource.hikari.minimum-idle=1"));
        props.addAll(List.of(more));
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .properties(props.toArray(new String[0]))
                .run();
    }

    JdbcTemplate jdbc() {
        start();
        return context.getBean(JdbcTemplate.class);
    }

    TransactionTemplate transactions() {
        start();
        return context.getBean(TransactionTemplate.class);
    }

    DataSource dataSource() {
        start();
        return context.getBean(DataSource.class);
    }

    /**
     * Looks in every physical database directly (vendor driver, not the app).
     *
     * @param countSql a {@code SELECT count(*) …} statement
     * @param params its parameters
     * @return the names ("shared", "a", "b") of the databases where it counts more than zero rows
     */
    List<String> whereIs(String countSql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        String[] names = {"shared", "a", "b"};
        TestDatabase[] dbs = {shared, a, b};
        for (int i = 0; i < dbs.length; i++) {
            try (Connection c = dbs[i].connect(); PreparedStatement ps = c.prepareStatement(countSql)) {
                for (int p = 0; p < params.length; p++) {
                    ps.setObject(p + 1, params[p]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        out.add(names[i]);
                    }
                }
            }
        }
        return out;
    }

    /** A write of row {@code id} by the app. */
    interface Write {
        void run(int id) throws Exception;
    }

    /**
     * After a re-route from {@code from} to {@code to}: writes rows {@code firstId, firstId + 1, …} until one lands on
     * {@code to}. The change reaches the app's map within about a second (PostgreSQL pushes it, MySQL polls), so this
     * gives up after 15 s. Every row written meanwhile must be on exactly {@code from} or {@code to} — never lost, never
     * elsewhere.
     *
     * @param countSql {@code SELECT count(*) … WHERE id = ?} on the table the write fills
     * @return the id of the first row that landed on {@code to}
     */
    int writeUntilOn(String from, String to, int firstId, String countSql, Write write) throws Exception {
        long giveUp = System.nanoTime() + 15_000_000_000L;
        for (int id = firstId; ; id++) {
            write.run(id);
            List<String> where = whereIs(countSql, id);
            if (where.equals(List.of(to))) {
                return id;
            }
            if (!where.equals(List.of(from))) {
                throw new AssertionError("row " + id + " written during the re-route " + from + " → " + to + " is on " + where);
            }
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("15 s after the re-route " + from + " → " + to + " row " + id + " still landed on " + from);
            }
            Thread.sleep(20);
        }
    }

    /**
     * One fixture per engine, shared by the tests of one class (creating databases and starting Boot is most of the
     * suite's time); the tests keep apart by tenant names and row id ranges. Not thread-safe (JUnit runs a class's
     * tests one after another here).
     */
    static final class PerEngine implements AutoCloseable {
        private final String[] ddl;
        private final Map<Engine, SpringFixture> fixtures = new EnumMap<>(Engine.class);

        PerEngine(String... ddl) {
            this.ddl = ddl;
        }

        SpringFixture get(Engine engine) throws SQLException {
            SpringFixture f = fixtures.get(engine);
            if (f == null) {
                f = new SpringFixture(engine, ddl);
                fixtures.put(engine, f);
            }
            return f;
        }

        /** Closes every app first, then the driver's pools and maps (JVM-wide), then drops the databases. */
        @Override
        public void close() throws Exception {
            for (SpringFixture f : fixtures.values()) {
                if (f.context != null) {
                    f.context.close();
                }
            }
            TenantRouteDriver.shutdown();
            TenantMaps.closeAll();
            Exception first = null;
            for (SpringFixture f : fixtures.values()) {
                try {
                    f.dropAll();
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            fixtures.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    private void dropAll() throws Exception {
        store.close();
        Exception first = null;
        List<TestDatabase> dbs = control == shared ? List.of(shared, a, b) : List.of(shared, a, b, control);
        for (TestDatabase d : dbs) {
            try {
                d.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() throws Exception {
        if (context != null) {
            context.close();
        }
        TenantRouteDriver.shutdown();
        TenantMaps.closeAll();
        dropAll();
    }
}
