package io.tenantroute.routing;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;

/**
 * When a source fence ({@code TR003}: the tenant moved, or is cutting over, and its old database refuses its writes)
 * is answered invisibly, for both front ends: the map is re-read and the statement retried on the new route when it
 * was the first statement of its transaction (or ran in autocommit) — nothing of that transaction has reached the app
 * yet — at most {@value #MAX_RETRIES} times. Met later inside a transaction, the transaction is rolled back and the app
 * gets the transient {@code TR003} to retry it. Stateless; thread-safe.
 */
public final class FenceRule {
    /** How many times one statement follows a fence to a new route before giving up. */
    public static final int MAX_RETRIES = 3;

    private FenceRule() {
    }

    /**
     * @param sqlState the SQLState a statement failed with (may be null)
     * @return true when it is the fence's {@code TR003}
     */
    public static boolean isFence(String sqlState) {
        return TenantRouteSqlState.TENANT_FENCED.state().equals(sqlState);
    }

    /**
     * @param firstOfTransaction true when the fenced statement was the first of its transaction, or ran in autocommit,
     *     and nothing of its transaction has reached the app
     * @param retriesSoFar how many times this statement was already retried after a fence
     * @return true to re-read the map and run the statement again on the current route
     */
    public static boolean retry(boolean firstOfTransaction, int retriesSoFar) {
        return firstOfTransaction && retriesSoFar < MAX_RETRIES;
    }

    /**
     * @param tenant the fenced tenant
     * @param target the target that fenced it
     * @param cause the database's error, or null
     * @return the transient {@code TR003} the app gets when the fence is not retried
     */
    public static SQLException gaveUp(String tenant, String target, SQLException cause) {
        return TenantRouteSqlState.TENANT_FENCED.exception("tenant '" + tenant + "' is fenced on target '" + target
                + "' (moved or moving); the transaction was rolled back, retry it", cause);
    }
}
