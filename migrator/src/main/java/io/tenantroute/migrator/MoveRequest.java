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
 * @param copyReference also copy the reference tables (owned by no tenant) whole ({@code --copy-reference})
 * @param schemaFrom where the destination tables come from: null to copy their definitions from the source
 *     catalog, or {@code flyway:<location>} to run the app's own Flyway migrations there ({@code --schema-from})
 * @param throttle online: when the catch-up backlog does not drain, set the route {@code throttled} before the freeze
 *     (TenantRoute drivers then run the tenant's transactions a few at a time) so that the freeze stays short;
 *     false ({@code --no-throttle}) never slows the tenant's writers and accepts a longer pause instead
 * @param throttleAboveRows throttle only when more than this many changes are still pending once catch-up stops
 *     improving (and more than {@code lagRows}); below it the final replay inside the freeze is cheaper than
 *     throttling: a throttled transaction can wait {@code tenantroute.throttle-wait-ms} for its turn and then the
 *     freeze on top, measured 120–140 ms for a backlog of ~120 changes (docs/benchmarks.md)
 */
public record MoveRequest(String tenant, String target, String targetSchema, boolean createSchema, MoveMode mode, int parallel,
        String tenantColumn, Map<String, String> tenantColumns, String operator, long fenceTimeoutMs, long settleTimeoutMs, long lagRows,
        int maxCatchUpRounds, int mismatchLimit, boolean copyReference, String schemaFrom, boolean throttle, long throttleAboveRows) {

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
     *     5000 ms, settle wait 30000 ms, lag 100 rows, 20 rounds, 10 mismatches listed, no reference tables,
     *     schema from the source catalog, throttle when a backlog of more than 1,000 changes does not drain
     * @throws SQLException {@code TR006} for an invalid tenant id
     */
    public static MoveRequest of(String tenant, String target) throws SQLException {
        TenantIds.requireValid(tenant);
        return new MoveRequest(tenant, target, null, false, MoveMode.ONLINE, 2, "tenant_id", Map.of(),
                System.getProperty("user.name", "unknown"), 5000, 30000, 100, 20, 10, false, null, true, 1000);
    }

    public MoveRequest withSchema(String schema, boolean create) {
        Copy c = new Copy(this);
        c.targetSchema = schema;
        c.createSchema = create;
        return c.build();
    }

    public MoveRequest withMode(MoveMode m) {
        Copy c = new Copy(this);
        c.mode = m;
        return c.build();
    }

    public MoveRequest withParallel(int n) {
        Copy c = new Copy(this);
        c.parallel = n;
        return c.build();
    }

    /** @param table a table, or null to change the default column */
    public MoveRequest withTenantColumn(String table, String column) {
        Copy c = new Copy(this);
        if (table == null) {
            c.tenantColumn = column;
        } else {
            Map<String, String> m = new HashMap<>(tenantColumns);
            m.put(table, column);
            c.tenantColumns = m;
        }
        return c.build();
    }

    public MoveRequest withOperator(String op) {
        Copy c = new Copy(this);
        c.operator = op;
        return c.build();
    }

    public MoveRequest withFenceTimeoutMs(long ms) {
        Copy c = new Copy(this);
        c.fenceTimeoutMs = ms;
        return c.build();
    }

    /**
     * @param ms how long to wait, after capture starts, for source transactions that began earlier (and, on MySQL,
     *     already wrote) to end, in milliseconds, ≥ 1; on timeout the move fails with {@code TR011} naming them
     */
    public MoveRequest withSettleTimeoutMs(long ms) {
        if (ms < 1) {
            throw new IllegalArgumentException("settleTimeoutMs must be ≥ 1, was " + ms);
        }
        Copy c = new Copy(this);
        c.settleTimeoutMs = ms;
        return c.build();
    }

    /** @param rows catch-up stops and cutover begins when at most this many changes are pending */
    public MoveRequest withLagRows(long rows) {
        Copy c = new Copy(this);
        c.lagRows = rows;
        return c.build();
    }

    /** @param copy also copy the reference tables whole */
    public MoveRequest withCopyReference(boolean copy) {
        Copy c = new Copy(this);
        c.copyReference = copy;
        return c.build();
    }

    /** @param from null (copy definitions from the source catalog) or {@code flyway:<location>} */
    public MoveRequest withSchemaFrom(String from) {
        Copy c = new Copy(this);
        c.schemaFrom = from;
        return c.build();
    }

    /** @param on throttle the tenant when the backlog does not drain (default), or never ({@code --no-throttle}) */
    public MoveRequest withThrottle(boolean on) {
        Copy c = new Copy(this);
        c.throttle = on;
        return c.build();
    }

    /**
     * @param rows throttle only when more than this many changes are pending once catch-up stops improving (default
     *     1,000); a negative value throttles whenever the lag goal is not met
     */
    public MoveRequest withThrottleAboveRows(long rows) {
        Copy c = new Copy(this);
        c.throttleAboveRows = rows;
        return c.build();
    }

    /** A mutable copy of every component, so each {@code with…} names only what it changes. */
    private static final class Copy {
        String tenant;
        String target;
        String targetSchema;
        boolean createSchema;
        MoveMode mode;
        int parallel;
        String tenantColumn;
        Map<String, String> tenantColumns;
        String operator;
        long fenceTimeoutMs;
        long settleTimeoutMs;
        long lagRows;
        int maxCatchUpRounds;
        int mismatchLimit;
        boolean copyReference;
        String schemaFrom;
        boolean throttle;
        long throttleAboveRows;

        Copy(MoveRequest r) {
            tenant = r.tenant;
            target = r.target;
            targetSchema = r.targetSchema;
            createSchema = r.createSchema;
            mode = r.mode;
            parallel = r.parallel;
            tenantColumn = r.tenantColumn;
            tenantColumns = r.tenantColumns;
            operator = r.operator;
            fenceTimeoutMs = r.fenceTimeoutMs;
            settleTimeoutMs = r.settleTimeoutMs;
            lagRows = r.lagRows;
            maxCatchUpRounds = r.maxCatchUpRounds;
            mismatchLimit = r.mismatchLimit;
            copyReference = r.copyReference;
            schemaFrom = r.schemaFrom;
            throttle = r.throttle;
            throttleAboveRows = r.throttleAboveRows;
        }

        MoveRequest build() {
            return new MoveRequest(tenant, target, targetSchema, createSchema, mode, parallel, tenantColumn, tenantColumns, operator,
                    fenceTimeoutMs, settleTimeoutMs, lagRows, maxCatchUpRounds, mismatchLimit, copyReference, schemaFrom, throttle,
                    throttleAboveRows);
        }
    }
}
