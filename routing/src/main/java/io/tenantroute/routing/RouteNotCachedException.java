package io.tenantroute.routing;

/**
 * A non-blocking {@link Router} needs a route it does not hold in memory. The caller reads it with
 * {@link Router#load(String)} on a thread that may block, then repeats the decision (decisions are idempotent up to
 * this point: nothing was taken or sent). Unchecked so that it passes through the routing core's decisions unchanged.
 */
public final class RouteNotCachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String tenant;

    /** @param tenant the tenant whose route must be read */
    public RouteNotCachedException(String tenant) {
        super("route of tenant '" + tenant + "' is not in memory", null, false, false);
        this.tenant = tenant;
    }

    /** @return the tenant whose route must be read */
    public String tenant() {
        return tenant;
    }
}
