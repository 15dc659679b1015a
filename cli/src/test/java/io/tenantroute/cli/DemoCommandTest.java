package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestServer;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo, short, on the test PostgreSQL server: it must pass its own checks and leave no database behind. */
class DemoCommandTest {

    @Test
    void shortDemoOnExistingServer_routesEveryTenantRight_andDropsItsDatabases() throws Exception {
        TestServer server = TestDatabases.server(Engine.POSTGRESQL);
        try (TestDatabase db = server.createDatabase("cli_demo")) {
            Set<String> before = demoDatabases(server);
            CliRun r = CliRun.of("demo", "--shared", db.url(), "--duration", "8s", "--threads", "3");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("went astray: 0"), r::toString);
            assertTrue(r.out().contains("existing PostgreSQL"), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("hooli ") && l.contains("hooli_db")), r::toString);
            assertEquals(before, demoDatabases(server), "the demo drops the databases it created");
        }
    }

    private static Set<String> demoDatabases(TestServer server) throws Exception {
        Set<String> s = new HashSet<>();
        try (Connection c = server.admin(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'trdemo%'")) {
            while (rs.next()) {
                s.add(rs.getString(1));
            }
        }
        return s;
    }
}
