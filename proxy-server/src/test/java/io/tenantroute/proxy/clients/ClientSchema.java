package io.tenantroute.proxy.clients;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.sql.SQLException;
import java.util.List;

/**
 * The tables every client script works on, created with SQL (never {@code prisma migrate}); the Prisma
 * schemas ({@code src/test/clients/node/prisma/*.prisma}) and Drizzle's table definitions describe the same:
 * <ul>
 *   <li>{@code items (id bigint PK, tenant_id varchar(64) NOT NULL DEFAULT '', name, qty int)} — a tenant-owned table;</li>
 *   <li>{@code invoices (id bigint PK, tenant_id varchar(64) NOT NULL DEFAULT '', total numeric(12,2), created_at)};</li>
 *   <li>{@code invoice_lines (id bigint PK, invoice_id bigint NOT NULL REFERENCES invoices, amount numeric(12,2))} —
 *       a child table with no tenant column: its rows belong to a tenant through their invoice.</li>
 * </ul>
 * The default {@code ''} of {@code tenant_id} is what the scripts leave there when the SQL names no tenant
 * ({@code TR_TENANT_IN_SQL=0}, source {@code none}).
 */
public final class ClientSchema {
    /** The tables, parents first. */
    public static final List<String> TABLES = List.of("items", "invoices", "invoice_lines");

    private ClientSchema() {
    }

    /** @return the CREATE TABLE statements for the engine, parents first */
    public static List<String> ddl(Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return List.of(
                    "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL DEFAULT '', name text NOT NULL, qty integer NOT NULL)",
                    "CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL DEFAULT '', total numeric(12,2) NOT NULL,"
                            + " created_at timestamptz NOT NULL DEFAULT now())",
                    "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices (id), amount numeric(12,2) NOT NULL)",
                    "CREATE INDEX items_tenant ON items (tenant_id)",
                    "CREATE INDEX invoices_tenant ON invoices (tenant_id)",
                    "CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id)");
        }
        return List.of(
                "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL DEFAULT '', name varchar(200) NOT NULL, qty int NOT NULL,"
                        + " KEY items_tenant (tenant_id)) ENGINE=InnoDB",
                "CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL DEFAULT '', total decimal(12,2) NOT NULL,"
                        + " created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY invoices_tenant (tenant_id)) ENGINE=InnoDB",
                "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL, amount decimal(12,2) NOT NULL,"
                        + " CONSTRAINT invoice_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id)) ENGINE=InnoDB");
    }

    /** Creates the tables in a test database. */
    public static void create(TestDatabase db) throws SQLException {
        db.execute(ddl(db.engine()).toArray(String[]::new));
    }
}
