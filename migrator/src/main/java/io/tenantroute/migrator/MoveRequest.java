package io.tenantroute.migrator;

import io.tenantroute.config.TenantIds;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * What to move where, and how. Immutable; the {@code with…} methods return modified copies.
 *
 * @param tenant the tenant id (any characters; bound as a parameter, never concatenated into SQL)
 * @param target the destination target name
 * @param targetSchema schema (PostgreSQL) / database (MySQL) on the destination, or null for the target's default
 * @param createSchema create {@code targetSchema} when absent ({@code --create})
 * @param mode online (default) or offline
 * @param parallel tables copied at the same time, ≥ 1
 * @param tenantColumn the tenant column, default {@code tenant_id}
 * @param tenantColumns per-table tenant column overrides (table → column)
 * @param operator who runs the move, for the journal
 * @param fenceTimeoutMs how long the fence waits for the tenant's in-flight transactions on the source, in ms;
 *     on timeout the cutover is abandoned and the tenant stays on the source
 * @param settleTimeoutMs how long to wait, after capture starts, for older source transactions to end, in ms
 * @param lagRows catch-up stops and cutover begins when at most this many changes are pending
 * @param maxCatchUpRounds catch-up rounds before cutover is attempted anyway
 * @param mismatchLimit mismatching rows listed per table by verification
 */
public record MoveRequest(String tenant, String target, String targetSchema, boolean createSchema, MoveMode mode, int parallel,
        String tenantColumn, Map<String, String> tenantColumns, String operator, long fenceTimeoutMs, long settleTimeoutMs, long lagRows,
        int maxCatchUpRounds, int mismatchLimit) {

    public MoveRequest {
        tenantColumns = Map.copyOf(tenantColumns);
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be ≥ 1, was " + parallel);
        }
        if (fenceTimeoutMs < 1) {
            throw new IllegalArgumentException("fenceTimeoutMs must be ≥ 1, was " + fenceTimeoutMs);
        }
    }

    /**
     * @return a request with defaults: default schema, online, parallel 2, column {@code tenant_id}, fence wait
     *     5000 ms, settle wait 30000 ms, lag 100 rows, 20 rounds, 10 mismatches listed
     * @throws SQLException {@code TR006} for an invalid tenant id
     */
    public static MoveRequest of(String tenant, String target) throws SQLException {
        TenantIds.requireValid(tenant);
        return new MoveRequest(tenant, target, null, false, MoveMode.ONLINE, 2, "tenant_id", Map.of(),
                System.getProperty("user.name", "unknown"), 5000, 30000, 100, 20, 10);
    }

    public MoveRequest withSchema(String schema, boolean create) {
        return new MoveRequest(tenant, target, schema, create, mode, parallel, tenantColumn, tenantColumns, operator, fenceTimeoutMs,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }

    public MoveRequest withMode(MoveMode m) {
        return new MoveRequest(tenant, target, targetSchema, createSchema, m, parallel, tenantColumn, tenantColumns, operator, fenceTimeoutMs,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }

    public MoveRequest withParallel(int n) {
        return new MoveRequest(tenant, target, targetSchema, createSchema, mode, n, tenantColumn, tenantColumns, operator, fenceTimeoutMs,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }

    /** @param table a table, or null to change the default column */
    public MoveRequest withTenantColumn(String table, String column) {
        if (table == null) {
            return new MoveRequest(tenant, target, targetSchema, createSchema, mode, parallel, column, tenantColumns, operator, fenceTimeoutMs,
                    settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
        }
        Map<String, String> m = new HashMap<>(tenantColumns);
        m.put(table, column);
        return new MoveRequest(tenant, target, targetSchema, createSchema, mode, parallel, tenantColumn, m, operator, fenceTimeoutMs,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }

    public MoveRequest withOperator(String op) {
        return new MoveRequest(tenant, target, targetSchema, createSchema, mode, parallel, tenantColumn, tenantColumns, op, fenceTimeoutMs,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }

    public MoveRequest withFenceTimeoutMs(long ms) {
        return new MoveRequest(tenant, target, targetSchema, createSchema, mode, parallel, tenantColumn, tenantColumns, operator, ms,
                settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit);
    }
}
