package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The frontend auth state machine against Node's mysql2 (installed from the npm registry into
 * {@code target/node-mysql2} on first use): caching_sha2_password, which mysql2 implements, and the
 * {@code tenantroute.tenant} connection attribute from mysql2's {@code connectAttributes}.
 */
class MySqlFrontendAuthMysql2Test {
    static final String MYSQL2_VERSION = "3.25.0";
    static File dir;

    static final String SCRIPT = """
            const mysql = require('mysql2');
            const attrs = process.env.ATTR ? { 'tenantroute.tenant': process.env.ATTR } : undefined;
            const c = mysql.createConnection({ host: '127.0.0.1', port: +process.env.PORT, user: process.env.USER_NAME,
              password: process.env.PASSWORD, connectAttributes: attrs, connectTimeout: 10000 });
            c.query(process.env.QUERY, (err, rows) => {
              if (err) { console.log(JSON.stringify({ errno: err.errno, sqlState: err.sqlState, message: err.message })); process.exit(2); }
              console.log(JSON.stringify(rows));
              c.end();
            });
            """;

    @BeforeAll
    static void installMysql2() throws Exception {
        dir = new File("target/node-mysql2");
        if (!new File(dir, "node_modules/mysql2/package.json").isFile()
                || !Files.readString(Path.of(dir.getPath(), "node_modules/mysql2/package.json")).contains("\"version\": \"" + MYSQL2_VERSION + "\"")) {
            assertTrue(dir.mkdirs() || dir.isDirectory());
            Files.writeString(new File(dir, "package.json").toPath(), "{\"name\":\"tr-mysql2-fixture\",\"private\":true}");
            Programs.Result r = Programs.run(dir, Map.of(), 300,
                    List.of("npm", "install", "--no-audit", "--no-fund", "mysql2@" + MYSQL2_VERSION));
            assertEquals(0, r.exitCode(), "npm install mysql2 failed (the npm registry must be reachable): " + r);
        }
        Files.writeString(new File(dir, "query.js").toPath(), SCRIPT);
    }

    static Programs.Result node(int port, String user, String password, String attr, String query) throws Exception {
        return Programs.run(dir, Map.of("PORT", String.valueOf(port), "USER_NAME", user, "PASSWORD", password,
                "ATTR", attr == null ? "" : attr, "QUERY", query), 60, List.of("node", "query.js"));
    }

    @Test
    void mysql2_cachingSha2_viaAuthSwitch_logsIn() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS)
                .withPlugins(CachingSha2Password.PLUGIN_NAME, Set.of(CachingSha2Password.PLUGIN_NAME)))) {
            Programs.Result r = node(s.port(), "app", "s3cret-ü", null, "select plugin");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("[{\"plugin\":\"caching_sha2_password\"}]", r.stdout().trim());
            MySqlClientLogin l = assertInstanceOf(MySqlClientLogin.class, s.logins.poll(10, TimeUnit.SECONDS));
            assertEquals(CachingSha2Password.PLUGIN_NAME, l.authPlugin());
        }
    }

    @Test
    void mysql2_connectAttributes_carryTheTenant() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS))) {
            Programs.Result r = node(s.port(), "app", "s3cret-ü", "acme", "select tenant");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("[{\"tenant\":\"acme\"}]", r.stdout().trim());
            MySqlClientLogin l = assertInstanceOf(MySqlClientLogin.class, s.logins.poll(10, TimeUnit.SECONDS));
            assertEquals(Optional.of("acme"), l.tenantAttribute());
            assertTrue(l.has(MySqlCapabilities.CLIENT_CONNECT_ATTRS));
        }
    }

    @Test
    void mysql2_wrongPassword_gets1045() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(MySqlFrontendAuthCliTest.USERS))) {
            Programs.Result r = node(s.port(), "app", "wrong", null, "select 1");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains("\"errno\":1045") && r.stdout().contains("\"sqlState\":\"28000\"")
                    && r.stdout().contains("Access denied for user 'app'@'127.0.0.1' (using password: YES)"), r.stdout());
        }
    }
}
