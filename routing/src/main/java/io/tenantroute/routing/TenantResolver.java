package io.tenantroute.routing;

import io.tenantroute.config.Route;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.routing.sql.RoutingDecision;
import io.tenantroute.routing.sql.RoutingPolicy;
import io.tenantroute.routing.sql.TenantInference;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Which tenant a statement belongs to, and whether it may run where its transaction runs — the rules both front ends
 * apply to every statement:
 * <ol>
 *   <li>the session's explicit tenant ({@link TenantSources}) wins; but a statement that itself names another tenant
 *       (SQL inference or a hint) living on another target (or schema) is refused with {@code TR012}, naming both —
 *       never a silent cross-tenant write into the session tenant's database;</li>
 *   <li>else the tenant the statement names (SQL text and bound values), else the held transaction's pinned tenant, else
 *       the statement's hint, else the routing policy (none: the shared target; strict: {@code TR007} for tenant-owned
 *       tables) — see {@link RoutingPolicy#tenantFor};</li>
 *   <li>inside a held transaction, a tenant on another target than the transaction's is refused with {@code TR004}
 *       ({@link #requireSameTarget}).</li>
 * </ol>
 * Thread-safe; shared by every session of an app (its caches are). May block only where the policy reads the catalog
 * (once) or a blocking router reads the store; a non-blocking router throws {@link RouteNotCachedException} instead.
 */
public final class TenantResolver {
    private final TenantInference inference;
    private final RoutingPolicy policy;

    /**
     * @param inference how statements name tenants; {@link TenantInference#NONE} for no inference
     * @param policy what a statement naming no tenant does; required unless {@code inference} is {@link TenantInference#NONE}
     * @throws NullPointerException when {@code policy} is null with an inference
     */
    public TenantResolver(TenantInference inference, RoutingPolicy policy) {
        this.inference = Objects.requireNonNull(inference, "inference");
        this.policy = inference == TenantInference.NONE ? policy : Objects.requireNonNull(policy, "policy");
    }

    /** @return true when statements are read for their tenant */
    public boolean infers() {
        return inference != TenantInference.NONE;
    }

    /** @return the inference */
    public TenantInference inference() {
        return inference;
    }

    /** @return the routing policy, or null without inference */
    public RoutingPolicy policy() {
        return policy;
    }

    /**
     * The tenant of one statement.
     *
     * @param explicitTenant the session's explicit tenant ({@link TenantSources#current}), or null
     * @param sql the statement text as the app sent it, or null for work that has none (savepoints, LOBs, metadata)
     * @param params the bound value of each parameter by 0-based index, read now; null for a plain statement
     * @param pinnedTenant the first tenant of the transaction the session holds, or null (none held, or none yet)
     * @param inTransaction true while the session holds a transaction (or open results) on a server connection
     * @param router reads routes to compare targets for {@code TR012}
     * @return the tenant to route by, or null for the shared target
     * @throws SQLException {@code TR012} when the statement names several tenants, or names another tenant than the
     *     session's explicit one and that tenant lives elsewhere; {@code TR007} (strict policy); {@code TR006} for an
     *     invalid tenant id the statement names
     * @throws RouteNotCachedException from a non-blocking router that needs a route read first
     */
    public String resolve(String explicitTenant, String sql, IntFunction<Object> params, String pinnedTenant,
            boolean inTransaction, Router router) throws SQLException {
        if (explicitTenant != null) {
            if (sql != null && infers() && inference.mayNameTenant(sql)) {
                String named = inference.decide(sql, params).tenant();
                if (named != null && !named.equals(explicitTenant)) {
                    requireSameHome(explicitTenant, named, router);
                }
            }
            return explicitTenant;
        }
        if (!infers()) {
            return null;
        }
        if (sql == null) {
            return inTransaction ? pinnedTenant : null; // savepoints, LOBs, metadata inside a transaction pinned by inference
        }
        if (!inference.mayNameTenant(sql) && !policy.mayTouchOwned(sql)) {
            return inTransaction ? pinnedTenant : null; // what tenantFor would answer, without parsing
        }
        RoutingDecision d = inference.decide(sql, params);
        String t = policy.tenantFor(sql, d, inTransaction ? pinnedTenant : null);
        return t == null ? null : TenantIds.requireValid(t);
    }

    private static void requireSameHome(String sessionTenant, String named, Router router) throws SQLException {
        TenantIds.requireValid(named);
        Route own = router.read(sessionTenant);
        Route other = router.read(named);
        if (!own.target().equals(other.target()) || !Objects.equals(own.schema(), other.schema())) {
            throw TenantRouteSqlState.MULTIPLE_TENANTS.exception("the statement names tenant '" + named + "' (target '"
                    + other.target() + "'" + schema(other) + "), but the session's tenant is '" + sessionTenant + "' (target '"
                    + own.target() + "'" + schema(own) + "): refused, it would put tenant '" + named + "''s data into tenant '"
                    + sessionTenant + "''s database; run it in a session of tenant '" + named + "'");
        }
    }

    private static String schema(Route r) {
        return r.schema() == null ? "" : ", schema '" + r.schema() + "'";
    }

    /**
     * For a batch, which runs on one server connection: checks that its rows (or statements) name at most one tenant
     * between them, and picks the row to route the batch by.
     *
     * @param explicitTenant the session's explicit tenant, or null
     * @param sqls the SQL text of each row or statement
     * @param params the bound values of each row (null entries for plain statements)
     * @return the index of the first row that names a tenant, else 0
     * @throws SQLException {@code TR012} when two rows name different tenants (nothing runs)
     */
    public int batchRoutingRow(String explicitTenant, List<String> sqls, List<IntFunction<Object>> params) throws SQLException {
        if (explicitTenant != null || !infers() || sqls.size() < 2) {
            return 0;
        }
        int row = -1;
        String named = null;
        for (int i = 0; i < sqls.size(); i++) {
            String t = inference.decide(sqls.get(i), params.get(i)).tenant();
            if (t == null) {
                continue;
            }
            if (named == null) {
                named = t;
                row = i;
            } else if (!named.equals(t)) {
                throw TenantRouteSqlState.MULTIPLE_TENANTS.exception("the batch names several tenants ('" + named
                        + "' in row " + (row + 1) + ", '" + t + "' in row " + (i + 1) + "); a batch runs on one"
                        + " tenant's database: split it per tenant");
            }
        }
        return Math.max(row, 0);
    }

    /**
     * Inside a held transaction: may a statement of {@code tenant} run on it?
     *
     * @param tenant the statement's tenant, or null (shared)
     * @param tenantRoute the route of {@code tenant} (the implicit shared route for null)
     * @param held the route the transaction runs on
     * @param heldTenant the tenant the transaction was routed by, or null
     * @param openResultsOnly true when no transaction is open but results of the connection still hold it (autocommit)
     * @throws SQLException {@code TR004} ({@link TenantRouteSqlState#CROSS_TARGET_TRANSACTION}) when the tenant lives on
     *     another target or schema
     */
    public static void requireSameTarget(String tenant, Route tenantRoute, Route held, String heldTenant, boolean openResultsOnly)
            throws SQLException {
        if (!tenantRoute.target().equals(held.target()) || !Objects.equals(tenantRoute.schema(), held.schema())) {
            throw TenantRouteSqlState.CROSS_TARGET_TRANSACTION.exception("tenant '" + tenant + "' lives on target '"
                    + tenantRoute.target() + "', but this " + (openResultsOnly ? "connection has an open result set" : "transaction")
                    + " runs on target '" + held.target() + "' (tenant '" + heldTenant + "'); finish it first");
        }
    }
}
