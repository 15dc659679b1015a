package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.tenantroute.proxy.internal.TlsContexts;
import io.tenantroute.proxy.internal.UsersFile;
import io.tenantroute.proxy.testsupport.Leaks;
import io.tenantroute.proxy.testsupport.Psql;
import io.tenantroute.proxy.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The frontend auth handler against the real client: psql (libpq 15) connects to {@link PgTestServer} with SCRAM-SHA-256
 * and md5, right and wrong passwords, an unknown user, without a users file, and over TLS ({@code sslmode=require} and
 * {@code verify-full}); psql's exit code and message are what a user would see.
 */
class PgFrontendAuthPsqlTest {
    static Path dir;
    static PgClientAuth users;
    static TestCertificates cert;
    static SslContext tls;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("tr-pgwire-psql");
        Path appPw = dir.resolve("app.pw");
        Files.writeString(appPw, "app-Secret-1\n");
        Path legacyPw = dir.resolve("legacy.pw");
        Files.writeString(legacyPw, "legacy-Secret-2");
        Path file = dir.resolve("users.yaml");
        Files.writeString(file, "users:\n"
                + "  - name: app\n    password: file:" + appPw + "\n"
                + "  - name: legacy\n    password: file:" + legacyPw + "\n    method: md5\n");
        users = PgClientAuth.fromUsers(UsersFile.load(file));
        cert = TestCertificates.create(dir, "proxy", "localhost", "dns:localhost,ip:127.0.0.1");
        tls = TlsContexts.forServer(cert.cert(), cert.key());
    }

    @AfterAll
    static void tearDown() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Leaks.assertNone();
    }

    static String conninfo(PgTestServer s, String user, String extra) {
        return "host=127.0.0.1 port=" + s.port() + " user=" + user + " dbname=shop " + extra;
    }

    @Test
    void scram_rightPassword_psqlRunsTheQuery() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=disable"), "app-Secret-1", "select 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains("TRTEST app"), r.toString());
            PgTestServer.Session session = s.sessions.get(0);
            assertTrue(session.auth().authenticated());
            assertEquals("scram-sha-256", session.auth().method());
            assertEquals("shop", session.startup().database());
            assertEquals("psql", session.startup().parameter("application_name"));
        }
    }

    @Test
    void scram_wrongPassword_psqlFailsWith28P01Message() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=disable"), "wrong", "select 1");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("FATAL:  password authentication failed for user \"app\""), r.stderr());
            assertEquals("28P01", s.sessions.get(0).auth().sqlState());
        }
    }

    @Test
    void unknownUser_sameMessageAsAWrongPassword() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "nobody", "sslmode=disable"), "whatever", "select 1");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("FATAL:  password authentication failed for user \"nobody\""), r.stderr());
        }
    }

    @Test
    void md5_rightAndWrongPassword() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result ok = Psql.run(conninfo(s, "legacy", "sslmode=disable"), "legacy-Secret-2", "select 1");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertTrue(ok.stdout().contains("TRTEST legacy"), ok.toString());
            assertEquals("md5", s.sessions.get(0).auth().method());
            Psql.Result bad = Psql.run(conninfo(s, "legacy", "sslmode=disable"), "legacy-Secret-3", "select 1");
            assertEquals(2, bad.exitCode(), bad.toString());
            assertTrue(bad.stderr().contains("FATAL:  password authentication failed for user \"legacy\""), bad.stderr());
        }
    }

    @Test
    void noUsersFile_loopbackClientNeedsNoPassword() throws Exception {
        try (PgTestServer s = new PgTestServer(PgClientAuth.loopbackOnly(), null)) {
            Psql.Result r = Psql.run(conninfo(s, "anyone", "sslmode=disable"), null, "select 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains("TRTEST anyone"));
            assertEquals("trust", s.sessions.get(0).auth().method());
        }
    }

    @Test
    void queryError_reachesPsql() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=disable"), "app-Secret-1", "select fail");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("ERROR:  test failure"), r.stderr());
            assertTrue(r.stderr().contains("DETAIL:  the test server fails on purpose"), r.stderr());
        }
    }

    @Test
    void tls_sslmodeRequire_scramOverTls() throws Exception {
        try (PgTestServer s = new PgTestServer(users, tls)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=require"), "app-Secret-1", "select 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains("TRTEST app"), r.toString());
            assertTrue(s.sessions.get(0).tls(), "the StartupMessage came over TLS");
            // Over TLS libpq (channel_binding=prefer by default) sends the gs2 flag 'y', since only SCRAM-SHA-256 is
            // offered (RFC 5802 section 6): this is the real client's path through that branch.
            assertEquals("scram-sha-256", s.sessions.get(0).auth().method());
            Psql.Result wrong = Psql.run(conninfo(s, "app", "sslmode=require"), "nope", "select 1");
            assertEquals(2, wrong.exitCode(), wrong.toString());
            assertTrue(wrong.stderr().contains("password authentication failed for user \"app\""), wrong.stderr());
        }
    }

    @Test
    void tls_verifyFull_withTheCertificateAsRoot() throws Exception {
        try (PgTestServer s = new PgTestServer(users, tls)) {
            String info = "host=localhost port=" + s.port() + " user=app dbname=shop sslmode=verify-full sslrootcert=" + cert.cert();
            Psql.Result r = Psql.run(info, "app-Secret-1", "select 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(s.sessions.get(0).tls());
        }
    }

    @Test
    void tlsRequired_butTheServerHasNoCertificate_psqlRefuses() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=require"), "app-Secret-1", "select 1");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("server does not support SSL, but SSL was required"), r.stderr());
            assertFalse(s.sessions.stream().anyMatch(x -> x.auth().authenticated()));
        }
    }

    @Test
    void preferWithoutCertificate_fallsBackToClearText() throws Exception {
        try (PgTestServer s = new PgTestServer(users, null)) {
            Psql.Result r = Psql.run(conninfo(s, "app", "sslmode=prefer"), "app-Secret-1", "select 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertFalse(s.sessions.get(0).tls());
        }
    }
}
