package io.tenantroute.routing.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The statement tables of {@link InferenceCases}, read without a database, plus the cache and config rules. */
class SqlTenantInferenceTest {
    /** {@code customers} keeps its tenant in {@code org_id}; every other table in {@code tenant_id}. */
    static final TenantColumns COLUMNS = TenantColumns.parse("tenant_id, customers=org_id");

    static final SqlTenantInference POSTGRESQL = new SqlTenantInference(SqlDialect.POSTGRESQL, COLUMNS, 1000);
    static final SqlTenantInference MYSQL = new SqlTenantInference(SqlDialect.MYSQL, COLUMNS, 1000);

    static List<InferenceCase> postgresqlCases() {
        return InferenceCases.postgresql();
    }

    static List<InferenceCase> mysqlCases() {
        return InferenceCases.mysql();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("postgresqlCases")
    void postgresqlStatement_namesExpectedTenant(InferenceCase c) throws SQLException {
        check(POSTGRESQL, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mysqlCases")
    void mysqlStatement_namesExpectedTenant(InferenceCase c) throws SQLException {
        check(MYSQL, c);
    }

    static void check(SqlTenantInference inference, InferenceCase c) throws SQLException {
        if (InferenceCase.ERROR.equals(c.expected())) {
            SQLException e = assertThrows(SQLException.class, () -> inference.decide(c.sql(), c.values()));
            assertTrue(TenantRouteSqlState.MULTIPLE_TENANTS.matches(e), e::toString);
            assertTrue(e.getMessage().contains("acme") && e.getMessage().contains("globex"), e::getMessage);
            return;
        }
        RoutingDecision d = inference.decide(c.sql(), c.values());
        assertEquals(c.parsed(), d.parsed(), () -> "parsed? " + inference.shapeOf(c.sql()).failure);
        assertEquals(c.expected(), d.tenant(), () -> c.name() + ": tenant");
        assertEquals(c.source(), d.source(), () -> c.name() + ": source");
        assertEquals(c.expected(), inference.tenantOf(c.sql(), c.values()), "tenantOf");
    }

    @Test
    void decision_listsTablesTouched_inTextOrder() throws SQLException {
        RoutingDecision d = POSTGRESQL.decide("SELECT * FROM public.invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
                + " WHERE EXISTS (SELECT 1 FROM Customers c WHERE c.id = i.id)", null);
        assertEquals(List.of("invoices", "invoice_lines", "customers"), List.copyOf(d.tables()));
        assertEquals(Set.of("archive", "invoices"),
                MYSQL.decide("INSERT INTO `archive` (id) SELECT id FROM invoices", null).tables());
        assertEquals(Set.of("invoices"), POSTGRESQL.decide(
                "WITH recent AS (SELECT * FROM invoices) SELECT * FROM recent r", null).tables());
    }

    @Test
    void unparsedStatement_hasNoTables() throws SQLException {
        RoutingDecision d = MYSQL.decide("SHOW VARIABLES LIKE 'version'", null);
        assertEquals(false, d.parsed());
        assertTrue(d.tables().isEmpty());
    }

    @Test
    void parametersOfPlainStatement_nameNoTenant() throws SQLException {
        assertNull(POSTGRESQL.tenantOf("SELECT * FROM invoices WHERE tenant_id = ?", null));
    }

    @Test
    void sameText_isParsedOnce_andDecidedPerExecution() throws SQLException {
        SqlTenantInference inference = new SqlTenantInference(SqlDialect.POSTGRESQL);
        String sql = "SELECT * FROM invoices WHERE tenant_id = ?";
        RoutingShape first = inference.shapeOf(sql);
        assertEquals("acme", inference.tenantOf(sql, i -> "acme"));
        assertEquals("globex", inference.tenantOf(sql, i -> "globex"));
        assertSame(first, inference.shapeOf(sql));
        assertEquals(1, inference.cachedShapes());
    }

    @Test
    void shapeCache_isBounded() throws SQLException {
        SqlTenantInference inference = new SqlTenantInference(SqlDialect.MYSQL, TenantColumns.defaults(), 5);
        for (int i = 0; i < 50; i++) {
            assertEquals("t" + i, inference.tenantOf("SELECT * FROM invoices WHERE tenant_id = 't" + i + "'", null));
        }
        inference.cleanUpCache();
        assertTrue(inference.cachedShapes() <= 5, () -> "cached " + inference.cachedShapes());
    }

    @Test
    void tenantColumnPerTable_appliesToItsTableOnly() throws SQLException {
        assertEquals("acme", POSTGRESQL.tenantOf("SELECT * FROM customers c WHERE c.org_id = ?", i -> "acme"));
        assertEquals("acme", POSTGRESQL.tenantOf("SELECT * FROM customers WHERE org_id = ?", i -> "acme"));
        assertNull(POSTGRESQL.tenantOf("SELECT * FROM customers WHERE tenant_id = ?", i -> "acme"));
        assertNull(POSTGRESQL.tenantOf("SELECT * FROM invoices i WHERE i.org_id = ?", i -> "acme"));
        assertEquals("acme", POSTGRESQL.tenantOf("INSERT INTO customers (id, org_id) VALUES (?, ?)",
                i -> i == 1 ? "acme" : 1));
    }

    @Test
    void tenantColumnsSpec_parsesDefaultAndExceptions() {
        TenantColumns c = TenantColumns.parse(" org , Customers = cust_tenant ");
        assertEquals("org", c.defaultColumn());
        assertEquals("cust_tenant", c.columnOf("CUSTOMERS"));
        assertEquals(Map.of("customers", "cust_tenant"), c.byTable());
        assertThrows(IllegalArgumentException.class, () -> TenantColumns.parse("=x"));
    }

    @Test
    void dialect_followsDelegateUrl() {
        assertEquals(SqlDialect.MYSQL, SqlDialect.forJdbcUrl("jdbc:mysql://db:3306/app"));
        assertEquals(SqlDialect.MYSQL, SqlDialect.forJdbcUrl("jdbc:mariadb://db/app"));
        assertEquals(SqlDialect.POSTGRESQL, SqlDialect.forJdbcUrl("jdbc:postgresql://db/app"));
    }
}
