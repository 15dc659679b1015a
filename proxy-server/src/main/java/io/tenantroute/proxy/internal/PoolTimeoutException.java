package io.tenantroute.proxy.internal;

/**
 * No server connection of a target came free within the pool wait. The protocols answer it as SQLState
 * {@code 53300} ({@code too_many_connections}, the class PostgreSQL uses when connection slots run out; MySQL: error
 * 1040), naming the target, so the app can retry.
 */
public final class PoolTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String target;

    /**
     * @param target the target's name
     * @param waitMs how long the session waited, in milliseconds
     * @param size the pool's connections (all in use)
     */
    public PoolTimeoutException(String target, long waitMs, int size) {
        super("no server connection of target '" + target + "' came free within " + waitMs + " ms (all " + size
                + " in use): raise --pool-size or shorten transactions", null, false, false);
        this.target = target;
    }

    /** @return the target's name */
    public String target() {
        return target;
    }
}
