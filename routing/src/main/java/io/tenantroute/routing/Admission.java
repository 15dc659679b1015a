package io.tenantroute.routing;

import io.tenantroute.config.Route;
import java.util.Objects;

/**
 * A transaction admitted to run: the route to use (active or throttled) and, for a throttled tenant, the turn it took.
 *
 * @param route the route to run on
 * @param permit the throttle turn, to be {@link Throttle.Permit#release() released} exactly when the transaction's
 *     server connection goes back; null when the tenant is not throttled or the transaction runs without a turn
 */
public record Admission(Route route, Throttle.Permit permit) {
    /** @throws NullPointerException when {@code route} is null */
    public Admission {
        Objects.requireNonNull(route, "route");
    }

    /** Gives the turn back, if any; idempotent. */
    public void release() {
        if (permit != null) {
            permit.release();
        }
    }
}
