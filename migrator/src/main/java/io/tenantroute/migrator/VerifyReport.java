package io.tenantroute.migrator;

import java.util.List;

/**
 * Result of verifying a tenant's data on two databases.
 *
 * @param tenant the tenant
 * @param source the source target name
 * @param target the other target name
 * @param tables one entry per owned and child table
 */
public record VerifyReport(String tenant, String source, String target, List<TableVerification> tables) {
    /** @return true when every table matches */
    public boolean matches() {
        return tables.stream().allMatch(TableVerification::matches);
    }
}
