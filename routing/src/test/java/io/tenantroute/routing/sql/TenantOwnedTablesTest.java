package io.tenantroute.routing.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantOwnedTablesTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void ownedTables_areThoseWithTenantColumn_andTheirForeignKeyChildren(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("sqlown")) {
            db.execute(
                    "CREATE TABLE countries (code varchar(2) PRIMARY KEY, name varchar(64))",
                    "CREATE TABLE products (id int PRIMARY KEY, name varchar(64))",
                    "CREATE TABLE invoices (id int PRIMARY KEY, tenant_id varchar(64) NOT NULL,"
                            + " country varchar(2) REFERENCES countries (code))",
                    "CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int REFERENCES invoices (id),"
                            + " product_id int REFERENCES products (id))",
                    "CREATE TABLE line_notes (id int PRIMARY KEY, line_id int REFERENCES invoice_lines (id))",
                    "CREATE TABLE customers (id int PRIMARY KEY, org_id varchar(64))",
                    "CREATE TABLE audit_log (id int PRIMARY KEY, tenant varchar(64))");
            SqlDialect dialect = SqlDialect.forJdbcUrl(db.url());
            try (Connection c = db.connect()) {
                TenantOwnedTables catalog = TenantOwnedTables.read(c, dialect, SqlTenantInferenceTest.COLUMNS);
                assertEquals(Set.of("customers", "invoices", "invoice_lines", "line_notes"), catalog.owned());
                assertEquals(Set.of("audit_log", "countries", "customers", "invoices", "invoice_lines", "line_notes",
                        "products"), catalog.tables());
                assertEquals(Set.of("invoices", "invoice_lines", "line_notes"),
                        TenantOwnedTables.read(c, dialect, TenantColumns.defaults()).owned());
            }
        }
    }

    @Test
    void foreignKeyClosure_followsChainsButNotParents() {
        Map<String, Set<String>> parents = Map.of(
                "c", Set.of("b"), "b", Set.of("a", "global"), "d", Set.of("global"));
        assertEquals(Set.of("a", "b", "c"), TenantOwnedTables.closeOverForeignKeys(Set.of("a"), parents));
    }
}
