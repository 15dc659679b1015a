package io.tenantroute.migrator;

import java.util.List;

/**
 * One table of a move's plan.
 *
 * @param name the table name on the source
 * @param role {@code owned} (has the tenant column), {@code child} (owned through a foreign key chain) or
 *     {@code reference} (neither; listed and left alone)
 * @param ownershipPath how the tenant's rows are selected, e.g. {@code invoice_lines(invoice_id) → invoices(id) . tenant_id};
 *     empty for reference tables
 * @param keyColumns the primary key, else a NOT NULL unique key; empty when the table has neither
 * @param tenantRows the tenant's rows on the source at planning time (exact count); -1 for reference tables
 * @param estimatedBytes the tenant's share of the table's on-disk size, in bytes (estimate from catalog statistics)
 * @param loadOrder position in FK order (parents first; cycles and self-references broken by name), -1 for reference tables
 */
public record PlannedTable(String name, String role, String ownershipPath, List<String> keyColumns, long tenantRows,
        long estimatedBytes, int loadOrder) {
}
