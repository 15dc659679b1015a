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
 * </ul>
 */
public enum RouteState {
    ACTIVE, SUSPENDED, FROZEN;

    /** @return the lower-case name stored in the control tables and shown to operators, e.g. {@code "frozen"} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code active}, {@code suspended} or {@code frozen}, any case
     * @return the state
     * @throws IllegalArgumentException for any other text
     */
    public static RouteState fromLabel(String label) {
        for (RouteState s : values()) {
            if (s.name().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("route state must be active, suspended or frozen, was '" + label + "'");
    }
}
