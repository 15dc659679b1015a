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
    void shortDemoOnExistingServer_routesEveryTenantRight_movesLargestOnlineWithoutLoss_andDropsItsDatabases() throws Exception {
        TestServer server = TestDatabases.server(Engine.POSTGRESQL);
        try (TestDatabase db = server.createDatabase("cli_demo")) {
            Set<String> before = demoDatabases(server);
            CliRun r = CliRun.of("demo", "--shared", db.url(), "--duration", "8s", "--threads", "3");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("went astray: 0"), r::toString);
            assertTrue(r.out().contains("existing PostgreSQL"), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("hooli ") && l.contains("hooli_db")), r::toString);
            // the migrator's online move of the largest tenant, with the workload's own verdict
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("acme ") && l.contains("acme_db")), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.matches("  rows copied: [0-9,]+ in [0-9.]+ s \\([0-9,]+ rows/s\\).*")
                    && !l.startsWith("  rows copied: 0 ")), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.matches("  longest write pause seen by the app for 'acme': [0-9]+ ms .*")), r::toString);
            for (String table : new String[] {"users", "customers", "invoices", "invoice_lines"}) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(table + " ") && l.matches(".*\\b[0-9a-f]{32}\\b.*\\bequal\\b.*")),
                        () -> table + " checksum line\n" + r);
            }
            assertTrue(r.out().lines().anyMatch(l -> l.matches("  'acme': [1-9][0-9]* acknowledged writes checked .*")), r::toString);
            assertTrue(r.out().lines().anyMatch(l -> l.equals("lost writes: 0")), r::toString);
            assertTrue(r.out().contains("OK: 'acme' moved online, no write lost"), r::toString);
            // Every demo database now on the server was there before: this run left none of its own. (Not equality:
            // another build's demo on the same server may have dropped its databases meanwhile.)
            Set<String> left = new HashSet<>(demoDatabases(server));
            left.removeAll(before);
            assertEquals(Set.of(), left, "the demo drops the databases it created");
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
