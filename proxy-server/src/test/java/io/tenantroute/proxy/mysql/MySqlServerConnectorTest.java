package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link MySqlServerConnector} against the real MariaDB (dedicated users, dropped after) and the test server. */
class MySqlServerConnectorTest {
    static EventLoopGroup group;
    static TestServer server;
    static TestDatabase db;
    static String host;
    static int port;
    static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final String USER = "tr_auth_" + SUFFIX;
    static final String NATIVE_USER = "tr_auth_n_" + SUFFIX;
    static final String PASSWORD = "pw-" + UUID.randomUUID();

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = TestDatabases.server(Engine.MYSQL);
        db = server.createDatabase("connector");
        String[] hp = MySqlPacketsTest.hostPort();
        host = hp[0];
        port = Integer.parseInt(hp[1]);
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("CREATE USER '" + NATIVE_USER + "'@'%' IDENTIFIED WITH mysql_native_password USING PASSWORD('" + PASSWORD + "')");
            for (String u : List.of(USER, NATIVE_USER)) {
                s.execute("GRANT ALL ON `" + db.name() + "`.* TO '" + u + "'@'%'");
            }
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        try (Connection c = server.admin(); Statement s = c.createStatement()) {
            for (String u : List.of(USER, NATIVE_USER)) {
                s.execute("DROP USER IF EXISTS '" + u + "'@'%'");
            }
        }
        db.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static EventLoop loop() {
        return group.next();
    }

    static MySqlServerConnection connect(MySqlServerConnector c, MySqlServerEndpoint e) throws Exception {
        Future<MySqlServerConnection> f = c.connect(loop(), e);
        assertTrue(f.await(20, TimeUnit.SECONDS), "connect did not finish");
        if (!f.isSuccess()) {
            throw new AssertionError("connect failed: " + f.cause(), f.cause());
        }
        return f.getNow();
    }

    static MySqlServerConnection connectOn(EventLoopGroup g, MySqlServerConnector c, MySqlServerEndpoint e) throws Exception {
        Future<MySqlServerConnection> f = c.connect(g.next(), e);
        assertTrue(f.await(20, TimeUnit.SECONDS), "connect did not finish");
        if (!f.isSuccess()) {
            throw new AssertionError("connect failed: " + f.cause(), f.cause());
        }
        return f.getNow();
    }

    static MySqlException connectFails(MySqlServerConnector c, MySqlServerEndpoint e) throws Exception {
        Future<MySqlServerConnection> f = c.connect(loop(), e);
        assertTrue(f.await(20, TimeUnit.SECONDS), "connect did not finish");
        assertFalse(f.isSuccess(), "connected although it should not");
        return assertInstanceOf(MySqlException.class, f.cause());
    }

    /** Runs a query on a raw connection and returns its first row as text. */
    static String[] firstRow(RawClient c, String sql) throws Exception {
        List<MySqlPacket> ps = c.command(MySqlCommands.query(c.connection.channel().alloc(), sql));
        try {
            MySqlPacket first = ps.get(0);
            assertFalse(ErrPacket.isErr(first.payload()), () -> ErrPacket.parse(first.payload()).toString());
            int columns = (int) Wire.readLenencInt(first.payload().duplicate(), "count");
            int rowIndex = 1 + columns + (c.connection.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF) ? 0 : 1);
            return ColumnDefinition.parseTextRow(ps.get(rowIndex).payload(), columns);
        } finally {
            RawClient.release(ps);
        }
    }

    @Test
    void dedicatedUser_connectsToTheRealServer_withTheFactsOfTheHandshake() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://" + host + ":" + port + "/" + db.name()
                + "?useSSL=false", USER, PASSWORD);
        try (RawClient c = new RawClient(connect(connector, e))) {
            MySqlServerConnection sc = c.connection;
            assertTrue(sc.isMariaDb(), sc.serverVersion());
            assertEquals(MySqlNativePassword.PLUGIN_NAME, sc.authPlugin());
            assertTrue(sc.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF));
            assertTrue(sc.has(MySqlCapabilities.CLIENT_CONNECT_WITH_DB));
            assertFalse(sc.has(MySqlCapabilities.CLIENT_MULTI_STATEMENTS));
            assertEquals(0, sc.capabilities() & MySqlCapabilities.MARIADB_EXTENDED_MASK);
            assertTrue((sc.statusFlags() & MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT) != 0);
            // the pipeline holds only our codec
            assertEquals(List.of(MySqlServerConnector.DECODER_NAME, MySqlServerConnector.ENCODER_NAME, "collector"),
                    sc.channel().pipeline().names().subList(0, 3));
            String[] row = firstRow(c, "SELECT CURRENT_USER(), DATABASE(), CONNECTION_ID(), VERSION(), @@character_set_client");
            assertEquals(USER + "@%", row[0]);
            assertEquals(db.name(), row[1]);
            assertEquals(sc.connectionId(), Long.parseLong(row[2]));
            assertTrue(sc.serverVersion().endsWith(row[3]));
            assertEquals("utf8mb4", row[4]);
        }
    }

    @Test
    void explicitNativePasswordUser_connects_withAndWithoutDeprecateEof() throws Exception {
        for (boolean deprecateEof : new boolean[] {true, false}) {
            MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults().withDeprecateEof(deprecateEof));
            try (RawClient c = new RawClient(connect(connector, MySqlServerEndpoint.of(host, port, null, NATIVE_USER, PASSWORD)))) {
                assertEquals(deprecateEof, c.connection.has(MySqlCapabilities.CLIENT_DEPRECATE_EOF));
                assertEquals(NATIVE_USER + "@%", firstRow(c, "SELECT CURRENT_USER()")[0]);
            }
        }
    }

    @Test
    void wrongPassword_carriesTheServers1045_withoutThePassword() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        String wrong = "not-" + PASSWORD;
        MySqlException e = connectFails(connector, MySqlServerEndpoint.of(host, port, db.name(), USER, wrong));
        assertEquals(1045, e.getErrorCode());
        assertEquals("28000", e.getSQLState());
        assertTrue(e.getMessage().contains("Access denied for user '" + USER + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(host + ":" + port), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void unknownDatabase_carriesTheServers1049() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        String admin = TestDatabases.server(Engine.MYSQL).adminUrl();
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl(admin, null, (String) null)
                .withDatabase("tr_no_such_db_" + SUFFIX).withTlsMode(MySqlTlsMode.DISABLED);
        MySqlException x = connectFails(connector, e);
        assertEquals(1049, x.getErrorCode());
        assertEquals("42000", x.getSQLState());
    }

    @Test
    void tlsRequired_againstAServerWithoutTls_fails2026() throws Exception {
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        MySqlException e = connectFails(connector, MySqlServerEndpoint.of(host, port, null, USER, PASSWORD)
                .withTlsMode(MySqlTlsMode.REQUIRED));
        assertEquals(MySqlException.CR_SSL_CONNECTION_ERROR, e.getErrorCode());
        // PREFERRED falls back to plaintext
        try (RawClient c = new RawClient(connect(connector, MySqlServerEndpoint.of(host, port, null, USER, PASSWORD)
                .withTlsMode(MySqlTlsMode.PREFERRED)))) {
            assertFalse(c.connection.tls());
        }
    }

    @Test
    void closedPort_fails2003() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        MySqlException e = connectFails(new MySqlServerConnector(MySqlConnectOptions.defaults()),
                MySqlServerEndpoint.of("127.0.0.1", closed, null, USER, PASSWORD));
        assertEquals(MySqlException.CR_CONN_HOST_ERROR, e.getErrorCode());
        assertEquals("08001", e.getSQLState());
    }

    // --- against the test server built from the frontend pieces: caching_sha2, AuthSwitch, TLS, attributes

    @Test
    void cachingSha2FastPath_andConnectAttributes_againstTheProxyFrontend() throws Exception {
        MySqlCredentials users = MySqlCredentials.fromPasswords(u -> u.equals("app") ? Optional.of(PASSWORD) : Optional.empty());
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(users))) {
            MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
            MySqlServerEndpoint e = MySqlServerEndpoint.of("127.0.0.1", s.port(), "shop", "app", PASSWORD)
                    .withConnectAttributes(Map.of(MySqlClientLogin.TENANT_ATTRIBUTE, "acme"));
            try (RawClient c = new RawClient(connect(connector, e))) {
                assertEquals(CachingSha2Password.PLUGIN_NAME, c.connection.authPlugin());
                assertEquals("acme", firstRow(c, "select tenant")[0]);
                assertEquals("shop", firstRow(c, "select db")[0]);
            }
            MySqlClientLogin l = assertInstanceOf(MySqlClientLogin.class, s.logins.poll(5, TimeUnit.SECONDS));
            assertEquals(Optional.of("acme"), l.tenantAttribute());
            MySqlException x = connectFails(connector, MySqlServerEndpoint.of("127.0.0.1", s.port(), null, "app", "nope"));
            assertEquals(1045, x.getErrorCode());
            assertEquals("28000", x.getSQLState());
        }
    }

    @Test
    void authSwitchRequest_isAnswered() throws Exception {
        MySqlCredentials users = MySqlCredentials.fromPasswords(u -> Optional.of(PASSWORD));
        // greets with native, accepts no first answer, switches to caching_sha2
        MySqlFrontendAuthConfig cfg = new MySqlFrontendAuthConfig("8.0.40-test", MySqlCapabilities.PROXY_SERVER, 45, 2,
                users, CachingSha2Password.PLUGIN_NAME, Set.of(), null, null, 10_000)
                .withPlugins(CachingSha2Password.PLUGIN_NAME, Set.of());
        try (MiniMySqlServer s = new MiniMySqlServer(cfg)) {
            MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
            try (RawClient c = new RawClient(connect(connector, MySqlServerEndpoint.of("127.0.0.1", s.port(), null, "u", PASSWORD)))) {
                assertEquals(CachingSha2Password.PLUGIN_NAME, c.connection.authPlugin());
                assertEquals("u", firstRow(c, "select user")[0]);
            }
        }
    }

    @Test
    void tlsModes_againstAFrontendWithACertificate() throws Exception {
        MySqlCredentials users = MySqlCredentials.fromPasswords(u -> Optional.of(PASSWORD));
        try (MiniMySqlServer s = new MiniMySqlServer(MySqlFrontendAuthConfig.defaults(users).withSslContext(TestTls.server()))) {
            MySqlServerConnector trustAll = new MySqlServerConnector(MySqlConnectOptions.defaults());
            for (MySqlTlsMode mode : new MySqlTlsMode[] {MySqlTlsMode.PREFERRED, MySqlTlsMode.REQUIRED}) {
                try (RawClient c = new RawClient(connect(trustAll, MySqlServerEndpoint.of("127.0.0.1", s.port(), null, "app", PASSWORD)
                        .withTlsMode(mode)))) {
                    assertTrue(c.connection.tls());
                    assertNotNull(c.connection.channel().pipeline().get(MySqlServerConnector.TLS_HANDLER_NAME));
                    assertEquals("app", firstRow(c, "select user")[0]);
                }
                assertTrue(assertInstanceOf(MySqlClientLogin.class, s.logins.poll(5, TimeUnit.SECONDS)).tls());
            }
            // verifying: the JDK trust store does not know the self-signed certificate; a trust store that holds it works
            MySqlException e = connectFails(trustAll, MySqlServerEndpoint.of("127.0.0.1", s.port(), null, "app", PASSWORD)
                    .withTlsMode(MySqlTlsMode.VERIFY_CA));
            assertEquals(MySqlException.CR_SSL_CONNECTION_ERROR, e.getErrorCode());
            MySqlServerConnector verifying = new MySqlServerConnector(MySqlConnectOptions.defaults()
                    .withVerifyingSslContext(TestTls.trustingClient()));
            try (RawClient c = new RawClient(connect(verifying, MySqlServerEndpoint.of("127.0.0.1", s.port(), null, "app", PASSWORD)
                    .withTlsMode(MySqlTlsMode.VERIFY_IDENTITY)))) {
                assertTrue(c.connection.tls());
            }
        }
    }

    @Test
    void passwordSupplier_isCalledPerConnection() throws Exception {
        int[] calls = {0};
        MySqlServerEndpoint e = new MySqlServerEndpoint(host, port, null, USER, () -> {
            calls[0]++;
            return PASSWORD;
        }, MySqlTlsMode.DISABLED, Map.of(), false, null);
        MySqlServerConnector connector = new MySqlServerConnector(MySqlConnectOptions.defaults());
        connect(connector, e).channel().close().sync();
        connect(connector, e).channel().close().sync();
        assertEquals(2, calls[0]);
    }

    @Test
    void optionalCapabilities_outsideTheAllowedSet_areRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MySqlConnectOptions.defaults().withOptionalCapabilities(MySqlCapabilities.MARIADB_CLIENT_CACHE_METADATA));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MySqlConnectOptions.defaults().withOptionalCapabilities(MySqlCapabilities.CLIENT_QUERY_ATTRIBUTES));
    }
}
