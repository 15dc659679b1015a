package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The frontend auth state machine against the real mysql command-line client (MariaDB 10.11's). */
class MySqlFrontendAuthCliTest {
    static final MySqlCredentials USERS =
            MySqlCredentials.fromPasswords(u -> u.equals("app") ? Optional.of("s3cret-ü") : Optional.empty());

    private static Programs.Result mysql(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mysql", "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                "-P" + port, "--connect-timeout=10", "-N", "-B"));
        cmd.addAll(List.of(args));
        return Programs.run(null, java.util.Map.of(), 60, cmd);
    }

    private static MySqlClientLogin login(MiniMySqlServer s) throws Exception {
        Object o = s.logins.poll(10, TimeUnit.SECONDS);
        return assertInstanceOf(MySqlClientLogin.class, o, String.valueOf(o));
    }

    @Test
    void mysqlCli_nativePassword_logsInAndQueries() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(USERS)
                .withPlugins(MySqlNativePassword.PLUGIN_NAME, Set.of(MySqlNativePassword.PLUGIN_NAME)))) {
            Programs.Result r = mysql(s.port(), "-uapp", "-ps3cret-ü", "-Dshop", "-e", "select plugin");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(MySqlNativePassword.PLUGIN_NAME, r.stdout().trim());
            MySqlClientLogin l = login(s);
            assertEquals("app", l.user());
            assertEquals("shop", l.database());
            assertEquals(MySqlNativePassword.PLUGIN_NAME, l.authPlugin());
            assertTrue(l.connectAttributes().containsKey("_client_name"), l.connectAttributes().toString());
            assertTrue(l.has(MySqlCapabilities.CLIENT_PROTOCOL_41));
        }
    }

    @Test
    void mysqlCli_cachingSha2FastPath_logsIn() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(USERS)
                .withPlugins(CachingSha2Password.PLUGIN_NAME, Set.of(CachingSha2Password.PLUGIN_NAME)))) {
            Programs.Result r = mysql(s.port(), "-uapp", "-ps3cret-ü", "-e", "select plugin");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(CachingSha2Password.PLUGIN_NAME, r.stdout().trim());
            assertEquals(CachingSha2Password.PLUGIN_NAME, login(s).authPlugin());
        }
    }

    @Test
    void mysqlCli_answerWithAPluginNotAccepted_isSwitchedWithAuthSwitchRequest() throws Exception {
        // no plugin accepted as a first answer: whatever the client answers, the proxy switches it to caching_sha2
        try (MiniMySqlServer s = new MiniMySqlServer(new MySqlFrontendAuthConfig("5.5.5-10.11.0-Test",
                MySqlCapabilities.PROXY_SERVER, 45, 2, USERS, CachingSha2Password.PLUGIN_NAME, Set.of(), null, null, 10_000))) {
            Programs.Result r = mysql(s.port(), "-uapp", "-ps3cret-ü", "-e", "select plugin");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(CachingSha2Password.PLUGIN_NAME, login(s).authPlugin());
        }
    }

    @Test
    void mysqlCli_wrongPassword_getsAccessDenied1045() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(USERS))) {
            Programs.Result r = mysql(s.port(), "-uapp", "-pwrong", "-e", "select 1");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: YES)"),
                    r.stderr());
            SQLException e = assertInstanceOf(SQLException.class, s.logins.poll(10, TimeUnit.SECONDS));
            assertEquals(1045, e.getErrorCode());
            assertEquals("28000", e.getSQLState());

            r = mysql(s.port(), "-uapp", "-e", "select 1");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("(using password: NO)"), r.stderr());
            r = mysql(s.port(), "-unobody", "-ps3cret-ü", "-e", "select 1");
            assertTrue(r.stderr().contains("ERROR 1045 (28000): Access denied for user 'nobody'@'127.0.0.1'"), r.stderr());
        }
    }

    @Test
    void mysqlCli_overTls_whenTheProxyHasACertificate() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(USERS).withSslContext(TestTls.server()))) {
            Programs.Result r = mysql(s.port(), "--ssl", "-uapp", "-ps3cret-ü", "-e", "select user");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("app", r.stdout().trim());
            MySqlClientLogin l = login(s);
            assertTrue(l.tls());
            assertTrue(l.has(MySqlCapabilities.CLIENT_SSL));
        }
    }

    @Test
    void mysqlCli_requiringTls_isRefusedClearlyWithoutACertificate() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(USERS))) {
            Programs.Result r = mysql(s.port(), "--ssl", "--ssl-verify-server-cert", "-uapp", "-ps3cret-ü", "-e", "select 1");
            assertNotEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().toLowerCase().contains("ssl"), r.stderr());
        }
    }

    @Test
    void mysqlCli_withoutUsersFile_loopbackIsAdmittedWithoutPassword() throws Exception {
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(null))) {
            Programs.Result r = mysql(s.port(), "-uanyone", "-e", "select user");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("anyone", r.stdout().trim());
            assertEquals("none", login(s).authPlugin());
        }
    }
}
