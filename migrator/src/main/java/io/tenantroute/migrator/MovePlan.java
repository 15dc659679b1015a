package io.tenantroute.migrator;

import java.util.List;

/**
 * What a move will do, as {@code --dry-run} prints it. Immutable.
 *
 * @param tenant the tenant
 * @param source the source target name (the tenant's current route)
 * @param sourceSchema the schema (PostgreSQL) or database (MySQL) on the source
 * @param target the destination target name
 * @param targetSchema the schema / database on the destination
 * @param mode the move mode
 * @param tables owned and child tables in load order, then reference tables
 * @param checks the pre-checks, each passed or failed
 * @param etaSeconds a rough copy-time estimate in seconds (from the tenant's bytes at ~50 MB/s)
 */
public record MovePlan(String tenant, String source, String sourceSchema, String target, String targetSchema, MoveMode mode,
        List<PlannedTable> tables, List<PreCheck> checks, long etaSeconds) {

    /** @return true when every pre-check passed */
    public boolean ready() {
        return checks.stream().allMatch(PreCheck::passed);
    }

    /** @return the plan as text for people, one table per line, then the checks */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("Move tenant '").append(tenant).append("' from ").append(source).append(" (").append(sourceSchema).append(") to ")
                .append(target).append(" (").append(targetSchema).append("), mode ").append(mode.name().toLowerCase()).append('\n');
        b.append(String.format("%-5s %-28s %-9s %10s %12s  %s%n", "order", "table", "role", "rows", "bytes", "ownership path"));
        for (PlannedTable t : tables) {
            b.append(String.format("%-5s %-28s %-9s %10s %12s  %s%n", t.loadOrder() < 0 ? "-" : Integer.toString(t.loadOrder()), t.name(),
                    t.role(), t.tenantRows() < 0 ? "-" : Long.toString(t.tenantRows()), t.estimatedBytes(),
                    t.ownershipPath().isEmpty() ? "(left alone)" : t.ownershipPath()));
        }
        b.append("ETA ~").append(etaSeconds).append(" s\n");
        for (PreCheck c : checks) {
            b.append(c.passed() ? "[pass] " : "[FAIL] ").append(c.name()).append(c.detail().isEmpty() ? "" : ": " + c.detail()).append('\n');
        }
        return b.toString();
    }
}
