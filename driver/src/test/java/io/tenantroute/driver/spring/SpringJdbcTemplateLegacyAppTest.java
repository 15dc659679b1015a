package io.tenantroute.driver.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tenantroute.driver.TenantContext;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 4: a legacy Spring app that never sets a tenant — it names the tenant in every statement
 * ({@code INSERT INTO invoices (tenant_id, …) VALUES (?, …)}, {@code … WHERE tenant_id = ? AND id = ?}) — moves with
 * the URL swap alone: SQL tenant inference (default {@code tenantroute.inference=sql}) routes each statement, and a
 * live re-route of its tenant is followed. {@code invoice_lines} has no tenant column: inside a transaction it runs
 * where the transaction is pinned. Placement is checked in the physical databases directly. Nothing here calls
 * {@link TenantContext}; each test asserts that. One app per engine serves all tests of the class; each test has its
 * own tenants and row ids.
 */
class SpringJdbcTemplateLegacyAppTest {
    private static final SpringFixture.PerEngine FIXTURES = new SpringFixture.PerEngine(
            "CREATE TABLE invoices (tenant_id VARCHAR(100) NOT NULL, id INT NOT NULL, amount INT NOT NULL, PRIMARY KEY (tenant_id, id))",
            "CREATE TABLE invoice_lines (invoice_id INT NOT NULL, line INT NOT NULL, amount INT NOT NULL)");
    private static final String INSERT = "INSERT INTO invoices (tenant_id, id, amount) VALUES (?, ?, ?)";
    private static final String SELECT = "SELECT amount FROM invoices WHERE tenant_id = ? AND id = ?";
    private static final String UPDATE = "UPDATE invoices SET amount = ? WHERE tenant_id = ? AND id = ?";
    private static final String INSERT_LINE = "INSERT INTO invoice_lines (invoice_id, line, amount) VALUES (?, ?, ?)";
    private static final String COUNT = "SELECT count(*) FROM invoices WHERE id = ?";
    private static final String COUNT_LINES = "SELECT count(*) FROM invoice_lines WHERE invoice_id = ?";

    @AfterAll
    static void closeFixtures() throws Exception {
        FIXTURES.close();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void legacyApp_statementsNamingTheTenant_landOnItsTarget_andFollowALiveReRoute(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        {
            f.store.setRoute("acme", "a", null);
            f.store.setRoute("globex", "b", null);
            JdbcTemplate jdbc = f.jdbc();
            assertEquals(null, TenantContext.current());

            jdbc.update(INSERT, "acme", 1, 100);
            jdbc.update(INSERT, "globex", 2, 200);
            jdbc.update(INSERT, "initech", 3, 300); // absent from the map
            assertEquals(List.of("a"), f.whereIs(COUNT, 1));
            assertEquals(List.of("b"), f.whereIs(COUNT, 2));
            assertEquals(List.of("shared"), f.whereIs(COUNT, 3));
            assertEquals(List.of(100), jdbc.queryForList(SELECT, Integer.class, "acme", 1));
            assertEquals(List.of(200), jdbc.queryForList(SELECT, Integer.class, "globex", 2));
            assertEquals(List.of(300), jdbc.queryForList(SELECT, Integer.class, "initech", 3));

            f.store.setRoute("acme", "b", null);
            int firstOnB = f.writeUntilOn("a", "b", 100, COUNT, id -> jdbc.update(INSERT, "acme", id, id));

            // Writes, reads and updates of acme now all run on b: row 1 stayed on a (nothing copied it), so acme's
            // read of it finds nothing, and its update of it changes nothing anywhere.
            jdbc.update(INSERT, "acme", firstOnB + 1, 7);
            assertEquals(List.of("b"), f.whereIs(COUNT, firstOnB + 1));
            assertEquals(List.of(7), jdbc.queryForList(SELECT, Integer.class, "acme", firstOnB + 1));
            assertEquals(List.of(), jdbc.queryForList(SELECT, Integer.class, "acme", 1));
            assertEquals(1, jdbc.update(UPDATE, 8, "acme", firstOnB + 1));
            assertEquals(0, jdbc.update(UPDATE, 9, "acme", 1));
            assertEquals(List.of(Map.of("amount", 100)), rows(f.a.connect(), "SELECT amount FROM invoices WHERE id = 1"));
            assertEquals(List.of(Map.of("amount", 8)), rows(f.b.connect(), "SELECT amount FROM invoices WHERE id = " + (firstOnB + 1)));
            // The other tenants did not move.
            jdbc.update(INSERT, "globex", firstOnB + 2, 1);
            jdbc.update(INSERT, "initech", firstOnB + 3, 1);
            assertEquals(List.of("b"), f.whereIs(COUNT, firstOnB + 2));
            assertEquals(List.of("shared"), f.whereIs(COUNT, firstOnB + 3));
            assertEquals(null, TenantContext.current());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void transactionTemplate_staysOnOneTarget_whileItsTenantIsReRouted_nextTransactionMoves(Engine engine) throws Exception {
        SpringFixture f = FIXTURES.get(engine);
        {
            f.store.setRoute("hooli", "a", null);
            JdbcTemplate jdbc = f.jdbc();
            TransactionTemplate tx = f.transactions();

            int[] firstProbeOnB = new int[1];
            List<Integer> seenInside = tx.execute(status -> {
                jdbc.update(INSERT, "hooli", 20_010, 10);          // pins the transaction to hooli → a
                jdbc.update(INSERT_LINE, 20_010, 1, 10);          // no tenant column: runs where the transaction is
                try {
                    f.store.setRoute("hooli", "b", null);
                    // Outside the transaction (another pooled connection of the app, autocommit), acme's writes
                    // move to b once the app's map has seen the change…
                    try (Connection other = f.dataSource().getConnection()) {
                        firstProbeOnB[0] = f.writeUntilOn("a", "b", 20_100, COUNT, id -> {
                            try (PreparedStatement ps = other.prepareStatement(INSERT)) {
                                ps.setString(1, "hooli");
                                ps.setInt(2, id);
                                ps.setInt(3, 0);
                                ps.executeUpdate();
                            }
                        });
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                // …while the open transaction stays on a: it sees its own uncommitted row, and its later statements
                // (tenant named or not) run there too.
                jdbc.update(INSERT, "hooli", 20_011, 11);
                jdbc.update(INSERT_LINE, 20_011, 1, 11);
                return jdbc.queryForList("SELECT id FROM invoices WHERE tenant_id = ? AND id IN (20010, 20011) ORDER BY id", Integer.class, "hooli");
            });

            assertEquals(List.of(20_010, 20_011), seenInside);
            for (int id : new int[] {20_010, 20_011}) {
                assertEquals(List.of("a"), f.whereIs(COUNT, id), "invoice " + id);
                assertEquals(List.of("a"), f.whereIs(COUNT_LINES, id), "line of invoice " + id);
            }
            assertEquals(List.of("b"), f.whereIs(COUNT, firstProbeOnB[0]));

            // The next transaction starts on b, all of it.
            tx.executeWithoutResult(status -> {
                jdbc.update(INSERT, "hooli", 20_012, 12);
                jdbc.update(INSERT_LINE, 20_012, 1, 12);
            });
            assertEquals(List.of("b"), f.whereIs(COUNT, 20_012));
            assertEquals(List.of("b"), f.whereIs(COUNT_LINES, 20_012));

            // A rolled-back transaction leaves nothing anywhere.
            tx.executeWithoutResult(status -> {
                jdbc.update(INSERT, "hooli", 20_013, 13);
                jdbc.update(INSERT_LINE, 20_013, 1, 13);
                status.setRollbackOnly();
            });
            assertEquals(List.of(), f.whereIs(COUNT, 20_013));
            assertEquals(List.of(), f.whereIs(COUNT_LINES, 20_013));
            assertEquals(null, TenantContext.current());
        }
    }

    private static List<Map<String, Object>> rows(Connection c, String sql) throws Exception {
        try (c) {
            return new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(c, true)).queryForList(sql);
        }
    }
}
