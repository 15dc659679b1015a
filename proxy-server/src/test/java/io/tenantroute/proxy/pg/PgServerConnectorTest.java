package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.proxy.testsupport.Leaks;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PgServerConnector} against the real shared PostgreSQL: trust, SCRAM, md5, cleartext, errors, cancel. */
class PgServerConnectorTest {
    static EventLoopGroup group;
    static EventLoop loop;
    static TestServer server;
    static TestDatabase db;
    static final PgServerConnector CONNECTOR = new PgServerConnector();

    @BeforeAll
    static void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        server = TestDatabases.server(Engine.POSTGRESQL);
        db = server.createDatabase("pgwire");
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        Leaks.assertNone();
    }

    /** The shared server's address, forced to 127.0.0.1 (where the pg_hba.conf rules of {@link PgAuthRoles} apply). */
    static PgServerEndpoint.Builder endpoint(String user, Callable<String> password) {
        PgServerEndpoint base = PgServerEndpoint.fromJdbcUrl(db.url(), null, null);
        String host = base.host().equals("localhost") ? "127.0.0.1" : base.host();
        return PgServerEndpoint.builder(host, base.port(), db.name(), user).password(password).connectTimeoutMs(10_000);
    }

    static PgServerConnection connect(PgServerEndpoint ep) throws Exception {
        Future<PgServerConnection> f = CONNECTOR.connect(loop, ep);
        assertTrue(f.await(20, TimeUnit.SECONDS), "connect finished");
        if (!f.isSuccess()) {
            throw new ExecutionException(f.cause());
        }
        return f.getNow();
    }

    static PgServerException refused(PgServerEndpoint ep) throws Exception {
        Future<PgServerConnection> f = CONNECTOR.connect(loop, ep);
        assertTrue(f.await(20, TimeUnit.SECONDS), "connect finished");
        assertFalse(f.isSuccess(), "expected a failure");
        return assertInstanceOf(PgServerException.class, f.cause());
    }

    @Test
    void trust_fromJdbcUrl_readyWithParametersAndKey_channelUsable() throws Exception {
        PgServerEndpoint ep = PgServerEndpoint.fromJdbcUrl(db.url().replace("localhost", "127.0.0.1"), null, null);
        PgServerConnection c = connect(ep);
        try {
            assertTrue(c.parameters().get("server_version").matches("\\d+.*"), c.parameters().toString());
            assertEquals("UTF8", c.parameters().get("server_encoding"));
            assertNotNull(c.backendKeyData());
            assertFalse(c.isTls(), "the local server has ssl = off; sslmode=prefer falls back to clear text");
            assertNull(c.channel().pipeline().get("pg-startup"), "only the decoder stays in the pipeline");
            assertNotNull(c.channel().pipeline().get(PgServerConnector.DECODER_NAME));
            assertEquals(String.valueOf(c.backendKeyData().processId()), PgSimpleQuery.run(c, "SELECT pg_backend_pid()").single());
            assertEquals(db.name(), PgSimpleQuery.run(c, "SELECT current_database()").single());
            assertTrue(c.channel().eventLoop() == loop, "the channel is on the given event loop");
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void extraStartupParameters_reachTheServer() throws Exception {
        PgServerConnection c = connect(endpoint("postgres", null).startupParameter("application_name", "tr-pgwire-test")
                .startupParameter("search_path", "pg_catalog").build());
        try {
            assertEquals("tr-pgwire-test", c.parameters().get("application_name"));
            assertEquals("tr-pgwire-test", PgSimpleQuery.run(c, "SHOW application_name").single());
            assertEquals("pg_catalog", PgSimpleQuery.run(c, "SHOW search_path").single());
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void scram_rightPasswordConnects_wrongIs28P01WithTheServersMessage() throws Exception {
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.SCRAM)) {
            assertTrue(role.storedPassword().startsWith("SCRAM-SHA-256$"));
            PgServerConnection c = connect(endpoint(role.name, () -> role.password).build());
            assertEquals(role.name, PgSimpleQuery.run(c, "SELECT current_user").single());
            c.terminate().sync();

            PgServerException e = refused(endpoint(role.name, () -> "wrong-" + role.password).build());
            assertEquals("28P01", e.getSQLState());
            assertEquals("password authentication failed for user \"" + role.name + "\"", e.serverNotice().message());
            assertEquals("FATAL", e.serverNotice().severity());
            assertTrue(e.getMessage().contains("127.0.0.1:"), e.getMessage());
            assertFalse(e.getMessage().contains(role.password), "never the password");
        }
    }

    @Test
    void scram_saslPrepAsPostgreSqlDoes() throws Exception {
        // PostgreSQL stores the keys of SASLprep("ﬁx<NBSP>pw") = "fix pw": both spellings must work.
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.SCRAM, "\uFB01x\u00A0pw")) {
            connect(endpoint(role.name, () -> "\uFB01x\u00A0pw").build()).terminate().sync();
            connect(endpoint(role.name, () -> "fix pw").build()).terminate().sync();
            assertEquals("28P01", refused(endpoint(role.name, () -> "fix  pw").build()).getSQLState());
        }
    }

    @Test
    void scramCredentials_deriveWhatPostgreSqlStores() throws Exception {
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.SCRAM)) {
            ScramCredentials stored = ScramCredentials.fromVerifier(role.storedPassword());
            ScramCredentials ours = ScramCredentials.derive(role.password, stored.salt(), stored.iterations());
            assertArrayEquals(stored.storedKey(), ours.storedKey());
            assertArrayEquals(stored.serverKey(), ours.serverKey());
            assertEquals(role.storedPassword(), ours.toVerifier());
        }
    }

    @Test
    void md5_rightAndWrong_andTheHashIsPostgreSqls() throws Exception {
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.MD5)) {
            assertEquals(PgMd5.hash(role.name, role.password), role.storedPassword());
            PgServerConnection c = connect(endpoint(role.name, () -> role.password).build());
            assertEquals(role.name, PgSimpleQuery.run(c, "SELECT current_user").single());
            c.terminate().sync();
            assertEquals("28P01", refused(endpoint(role.name, () -> "nope").build()).getSQLState());
        }
    }

    @Test
    void cleartextPassword_rightAndWrong() throws Exception {
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.PASSWORD)) {
            connect(endpoint(role.name, () -> role.password).build()).terminate().sync();
            assertEquals("28P01", refused(endpoint(role.name, () -> "nope").build()).getSQLState());
        }
    }

    @Test
    void noPassword_08004_supplierFailure_keepsItsSqlState() throws Exception {
        try (PgAuthRoles.Role role = PgAuthRoles.create(server, PgAuthRoles.Method.SCRAM)) {
            PgServerException none = refused(endpoint(role.name, null).build());
            assertEquals("08004", none.getSQLState());
            PgServerException bad = refused(endpoint(role.name, () -> {
                throw TenantRouteSqlState.UNKNOWN_TARGET.exception("password of target 'ded': environment variable X is not set");
            }).build());
            assertEquals("TR005", bad.getSQLState());
            assertTrue(bad.getMessage().contains("environment variable X is not set"), bad.getMessage());
        }
    }

    @Test
    void unknownDatabase_3D000() throws Exception {
        PgServerEndpoint base = endpoint("postgres", null).build();
        PgServerException e = refused(PgServerEndpoint.builder(base.host(), base.port(), "tr_no_such_db_xyz", "postgres").build());
        assertEquals("3D000", e.getSQLState());
        assertEquals("database \"tr_no_such_db_xyz\" does not exist", e.serverNotice().message());
    }

    @Test
    void sslmodes_againstAServerWithoutTls() throws Exception {
        PgServerException e = refused(endpoint("postgres", null).sslMode(PgSslMode.REQUIRE).build());
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("server does not support SSL, but SSL was required"), e.getMessage());
        assertEquals("08001", refused(endpoint("postgres", null).sslMode(PgSslMode.VERIFY_FULL).build()).getSQLState());
        for (PgSslMode m : new PgSslMode[] {PgSslMode.DISABLE, PgSslMode.ALLOW, PgSslMode.PREFER}) {
            PgServerConnection c = connect(endpoint("postgres", null).sslMode(m).build());
            assertFalse(c.isTls());
            c.terminate().sync();
        }
    }

    @Test
    void nothingListening_08001() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PgServerException e = refused(PgServerEndpoint.builder("127.0.0.1", port, "db", "u").build());
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().startsWith("could not connect to server 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void serverThatNeverAnswers_timesOut08001() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.accept();
                } catch (Exception e) {
                    return null;
                }
            });
            PgServerException e = refused(PgServerEndpoint.builder("127.0.0.1", s.getLocalPort(), "db", "u").connectTimeoutMs(300).build());
            assertEquals("08001", e.getSQLState());
            assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
            Socket sock = accepted.get(5, TimeUnit.SECONDS);
            if (sock != null) {
                sock.close();
            }
        }
    }

    @Test
    void cancel_stopsARunningQuery() throws Exception {
        PgServerEndpoint ep = endpoint("postgres", null).build();
        PgServerConnection c = connect(ep);
        try {
            CompletableFuture<PgSimpleQuery.Result> sleeping = PgSimpleQuery.start(c, "SELECT pg_sleep(30)");
            // Wait until the server runs it, then cancel on a fresh connection with the BackendKeyData.
            try (java.sql.Connection admin = server.admin(); java.sql.PreparedStatement p = admin.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'active'")) {
                p.setInt(1, c.backendKeyData().processId());
                for (int i = 0; i < 200; i++) {
                    try (java.sql.ResultSet rs = p.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) == 1) {
                            break;
                        }
                    }
                    Thread.sleep(25);
                }
            }
            Future<Void> cancel = CONNECTOR.cancel(loop, ep, c.backendKeyData().processId(), c.backendKeyData().secretKey());
            assertTrue(cancel.await(10, TimeUnit.SECONDS));
            assertTrue(cancel.isSuccess(), () -> String.valueOf(cancel.cause()));
            PgSimpleQuery.Result r = sleeping.get(10, TimeUnit.SECONDS);
            assertNotNull(r.error());
            assertEquals("57014", r.error().sqlState());
            assertEquals("canceling statement due to user request", r.error().message());
            assertEquals(PgTransactionStatus.IDLE, r.status());
            assertEquals("1", PgSimpleQuery.run(c, "SELECT 1").single(), "the connection goes on after a cancel");
        } finally {
            c.terminate().sync();
        }
    }
}
