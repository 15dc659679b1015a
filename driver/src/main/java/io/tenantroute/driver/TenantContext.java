package io.tenantroute.driver;

import io.tenantroute.config.TenantIds;
import java.util.concurrent.Callable;

/**
 * The tenant of the current thread: the highest-precedence tenant source of every {@code jdbc:tenantroute:}
 * connection used on this thread, above {@code setClientInfo("tenantroute.tenant", …)}, the SQL
 * {@code SET tenantroute.tenant = …} and the {@code tenantroute.tenant} property.
 *
 * <pre>{@code
 * TenantContext.run("acme", () -> invoiceService.bill());
 * try (TenantContext.Scope s = TenantContext.use("acme")) {
 *     jdbcTemplate.update(...);
 * }
 * }</pre>
 *
 * <p>Scopes nest: closing one restores the tenant that was current before it. The value is read at the first
 * statement of each transaction (and at each autocommit statement); changing it inside a transaction is
 * checked against that transaction's target. Thread-local: it does not follow work handed to other threads.
 */
public final class TenantContext {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private TenantContext() {
    }

    /** A tenant scope; {@link #close()} restores the previous tenant of the thread. Not thread-safe: close it on the thread that opened it. */
    public static final class Scope implements AutoCloseable {
        private final String previous;
        private boolean closed;

        private Scope(String previous) {
            this.previous = previous;
        }

        /** Restores the tenant that was current before this scope; idempotent. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                set(previous);
            }
        }
    }

    /**
     * Makes {@code tenant} the thread's tenant until the returned scope closes.
     *
     * @param tenant a tenant id (any characters; see {@link TenantIds})
     * @return the scope to close
     * @throws IllegalArgumentException when the id is invalid (null, empty, longer than 255, contains NUL)
     */
    public static Scope use(String tenant) {
        String problem = TenantIds.problem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(tenant);
        return s;
    }

    /**
     * Runs {@code work} with {@code tenant} as the thread's tenant, then restores the previous one.
     *
     * @throws IllegalArgumentException when the id is invalid
     */
    public static void run(String tenant, Runnable work) {
        try (Scope s = use(tenant)) {
            work.run();
        }
    }

    /**
     * Calls {@code work} with {@code tenant} as the thread's tenant, then restores the previous one.
     *
     * @return what {@code work} returns
     * @throws Exception whatever {@code work} throws
     * @throws IllegalArgumentException when the id is invalid
     */
    public static <T> T call(String tenant, Callable<T> work) throws Exception {
        try (Scope s = use(tenant)) {
            return work.call();
        }
    }

    /** @return the thread's tenant, or null when none is set */
    public static String current() {
        return CURRENT.get();
    }

    private static void set(String tenant) {
        if (tenant == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(tenant);
        }
    }
}
