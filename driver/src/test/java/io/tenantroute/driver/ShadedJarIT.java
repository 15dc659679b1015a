package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shaded {@code -all} jar as a legacy app uses it: a fresh JVM whose class path is only that jar, the vendor
 * driver and slf4j-api (no HikariCP, Caffeine, Jackson, Calcite of its own). {@code jdbc:tenantroute:} must be
 * found through {@code META-INF/services}, route a tenant to its target, and expose no unrelocated HikariCP.
 * Runs after {@code package} (surefire execution {@code shaded-jar}).
 */
class ShadedJarIT {
    private static final String PROBE = """
            import java.sql.*;
            import java.util.*;
            public class Probe {
                public static void main(String[] args) throws Exception {
                    Properties p = new Properties();
                    p.setProperty("tenantroute.control-schema", args[1]);
                    p.setProperty("tenantroute.pool-size", "2");
                    try (Connection c = DriverManager.getConnection(args[0], p); Statement s = c.createStatement()) {
                        s.execute("SET tenantroute.tenant = 'acme'");
                        try (ResultSet rs = s.executeQuery(args[2])) {
                            rs.next();
                            System.out.println("database=" + rs.getString(1));
                        }
                    }
                    try {
                        Class.forName("com.zaxxer.hikari.HikariDataSource");
                        System.out.println("hikari=visible");
                    } catch (ClassNotFoundException e) {
                        System.out.println("hikari=relocated");
                    }
                    System.out.println("driver=" + DriverManager.getDriver(args[0]).getClass().getName());
                }
            }
            """;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void allJar_onAPlainClassPath_routesATenant(Engine engine) throws Exception {
        Path jar;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("tenantroute-driver-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/tenantroute-driver-*-all.jar: run mvn package"));
        }
        Class<?> vendor = engine == Engine.POSTGRESQL ? org.postgresql.Driver.class : Class.forName("com.mysql.cj.jdbc.Driver");
        String cp = String.join(File.pathSeparator, jar.toAbsolutePath().toString(), location(vendor),
                location(org.slf4j.LoggerFactory.class));
        TestServer server = TestDatabases.server(engine);
        try (TestDatabase shared = server.createDatabase("drvs_shared"); TestDatabase a = server.createDatabase("drvs_a")) {
            String schema = "ctl_" + shared.name().substring(3);
            try {
                try (Connection c = shared.connect()) {
                    ControlSchema.init(c, schema);
                }
                Properties sp = new Properties();
                sp.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
                try (TenantMapStore store = TenantMapStores.open(shared.url(), sp)) {
                    store.putTarget(new Target("a", a.url(), null, PasswordRef.NONE, 0));
                    store.setRoute("acme", "a", null);
                }
                Path dir = Files.createTempDirectory("tr-probe");
                Path src = dir.resolve("Probe.java");
                Files.writeString(src, PROBE);
                String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                String query = engine == Engine.POSTGRESQL ? "SELECT current_database()" : "SELECT database()";
                Process p = new ProcessBuilder(java, "-cp", cp, src.toString(), shared.tenantRouteUrl(), schema, query)
                        .redirectErrorStream(true).start();
                boolean done = p.waitFor(120, TimeUnit.SECONDS);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(done, "probe did not finish: " + out);
                assertEquals(0, p.exitValue(), out);
                List<String> lines = out.lines().filter(l -> l.contains("=")).toList();
                assertTrue(lines.contains("database=" + a.name()), out);
                assertTrue(lines.contains("hikari=relocated"), out);
                assertTrue(lines.contains("driver=io.tenantroute.driver.TenantRouteDriver"), out);
            } finally {
                if (engine == Engine.MYSQL) {
                    try (Connection c = server.admin(); Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE IF EXISTS " + schema);
                    }
                }
            }
        }
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
