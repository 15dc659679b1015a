package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.tenantroute.proxy.internal.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgServerEndpointTest {
    @Test
    void fullUrl() throws Exception {
        PgServerEndpoint e = PgServerEndpoint.fromJdbcUrl(
                "jdbc:postgresql://db.example:6543/app%20db?user=u1&password=p%40ss&sslmode=verify-ca&sslrootcert=/etc/root.pem"
                        + "&ApplicationName=shop&options=-c%20statement_timeout%3D5s&currentSchema=tenant_a&connectTimeout=3&loggerLevel=OFF",
                null, null);
        assertEquals("db.example", e.host());
        assertEquals(6543, e.port());
        assertEquals("app db", e.database());
        assertEquals("u1", e.user());
        assertEquals("p@ss", e.password().call());
        assertEquals(PgSslMode.VERIFY_CA, e.sslMode());
        assertEquals(Path.of("/etc/root.pem"), e.sslRootCert());
        assertEquals(Map.of("application_name", "shop", "options", "-c statement_timeout=5s", "search_path", "tenant_a"), e.startupParameters());
        assertEquals(3000, e.connectTimeoutMs());
        assertEquals("db.example:6543/app db as u1 (sslmode=verify-ca)", e.toString());
        assertFalse(e.toString().contains("p@ss"));
    }

    @Test
    void argumentsWinOverTheUrl() throws Exception {
        PgServerEndpoint e = PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?user=url_user&password=url_pw", "arg_user", () -> "arg_pw");
        assertEquals("arg_user", e.user());
        assertEquals("arg_pw", e.password().call());
    }

    @Test
    void defaultsAndShortForms() {
        PgServerEndpoint e = PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db", "u", null);
        assertEquals(5432, e.port());
        assertEquals(PgSslMode.PREFER, e.sslMode(), "pgjdbc's default");
        assertNull(e.password());
        assertEquals(PgServerEndpoint.DEFAULT_CONNECT_TIMEOUT_MS, e.connectTimeoutMs());
        PgServerEndpoint shortForm = PgServerEndpoint.fromJdbcUrl("jdbc:postgresql:shop", "u", null);
        assertEquals("localhost", shortForm.host());
        assertEquals("shop", shortForm.database());
        assertEquals("u", PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h:1/", "u", null).database(), "database defaults to the user");
        assertEquals(PgSslMode.VERIFY_FULL, PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?ssl=true", "u", null).sslMode(),
                "pgjdbc: ssl=true without sslmode means verify-full");
        assertEquals(PgSslMode.REQUIRE, PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?ssl=true&sslmode=require", "u", null).sslMode());
    }

    @Test
    void multiHostAndIpv6_firstHostOnly() {
        PgServerEndpoint e = PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://a:5433,b:5434/db", "u", null);
        assertEquals("a", e.host());
        assertEquals(5433, e.port());
        PgServerEndpoint v6 = PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://[::1]:5440,[::2]/db", "u", null);
        assertEquals("::1", v6.host());
        assertEquals(5440, v6.port());
        assertEquals("[::1]:5440/db as u (sslmode=prefer)", v6.toString());
    }

    @Test
    void errorsNeverRepeatTheUrlsCredentials() {
        IllegalArgumentException notPg = assertThrows(IllegalArgumentException.class,
                () -> PgServerEndpoint.fromJdbcUrl("jdbc:mysql://h/db?password=topsecret", null, null));
        assertFalse(notPg.getMessage().contains("topsecret"));
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h:x/db?password=topsecret", "u", null));
        assertFalse(port.getMessage().contains("topsecret"));
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?sslmode=maybe&password=topsecret", "u", null));
        assertTrue(mode.getMessage().contains("sslmode must be one of"), mode.getMessage());
        assertFalse(mode.getMessage().contains("topsecret"));
        assertThrows(IllegalArgumentException.class, () -> PgServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?password=topsecret", null, null),
                "no user");
        assertThrows(IllegalArgumentException.class, () -> PgServerEndpoint.builder("h", 70000, "d", "u"));
        assertThrows(IllegalArgumentException.class, () -> PgServerEndpoint.builder("h", 5432, "d", "u").startupParameter("user", "x"));
    }

    @Test
    void sslModeNames() {
        for (PgSslMode m : PgSslMode.values()) {
            assertEquals(m, PgSslMode.parse(m.urlName()));
        }
        assertEquals(PgSslMode.VERIFY_FULL, PgSslMode.parse("VERIFY-FULL"));
        assertTrue(PgSslMode.REQUIRE.requiresTls());
        assertFalse(PgSslMode.PREFER.requiresTls());
        assertTrue(PgSslMode.VERIFY_CA.verifiesCertificate());
        assertFalse(PgSslMode.REQUIRE.verifiesCertificate());
    }

    @Test
    void tlsContextsForServer_clearErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlsContexts.forServer(missing, missing));
        assertTrue(e.getMessage().contains("cannot read the certificate file " + missing), e.getMessage());
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a certificate");
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> TlsContexts.forServer(garbage, garbage));
        assertTrue(g.getMessage().contains("not a usable PEM certificate chain and PKCS#8 key"), g.getMessage());
        io.tenantroute.proxy.testsupport.TestCertificates c = io.tenantroute.proxy.testsupport.TestCertificates.create(dir, "t", "localhost", "dns:localhost");
        SslContext ctx = TlsContexts.forServer(c.cert(), c.key());
        assertTrue(ctx.isServer());
    }
}
