package io.tenantroute.config;

import java.util.Locale;

/**
 * The state of a tenant's route.
 *
 * <ul>
 *   <li>{@link #ACTIVE}: statements run on the route's target.</li>
 *   <li>{@link #SUSPENDED}: statements are refused with {@link TenantRouteSqlState#TENANT_SUSPENDED}.</li>
 *   <li>{@link #FROZEN}: statements wait (bounded) until the route is active again, then run on its current
 *       target; a move sets this during cutover.</li>
 *   <li>{@link #THROTTLED}: statements run on the route's target as with {@link #ACTIVE}, but each driver instance
 *       (each tenant map of a JVM) lets at most {@code tenantroute.throttle-concurrency} of the tenant's transactions
 *       run at once; a transaction that waits longer than {@code tenantroute.throttle-wait-ms} for its turn runs
 *       anyway (a soft limit: added latency is bounded, never a deadlock). A move sets this shortly before it
 *       freezes the tenant, so that the writes still to be replayed inside the freeze stay few.</li>
 * </ul>
 */
public enum RouteState {
    ACTIVE, SUSPENDED, FROZEN, THROTTLED;

    /** @return the lower-case name stored in the control tables and shown to operators, e.g. {@code "frozen"} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code active}, {@code suspended}, {@code frozen} or {@code throttled}, any case
     * @return the state
     * @throws IllegalArgumentException for any other text
     */
    public static RouteState fromLabel(String label) {
        for (RouteState s : values()) {
            if (s.name().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("route state must be active, suspended, frozen or throttled, was '" + label + "'");
    }
}
