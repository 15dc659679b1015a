package io.tenantroute.config;

import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientException;

/**
 * Every SQLState TenantRoute itself raises. Errors of the vendor driver or the database pass through with
 * their own SQLState; these are the ones we add.
 *
 * <p>The codes use class {@code TR}: ISO/IEC 9075 (SQL:2016, 24.1 "SQLSTATE") reserves classes that start
 * with {@code I}–{@code Z} for implementation-defined conditions, so they never collide with a standard or
 * vendor state. PostgreSQL ({@code RAISE … USING ERRCODE}) and MySQL/MariaDB ({@code SIGNAL SQLSTATE}) both
 * accept such a five-character code, which is how the fence raises {@link #TENANT_FENCED} from the
 * database itself.
 *
 * <p>{@link #isTransient()} tells whether a retry can succeed; {@link #exception(String)} builds the
 * matching {@link SQLTransientException} or {@link SQLNonTransientException}.
 */
public enum TenantRouteSqlState {
    /** {@code TR001}: the tenant's route is {@code suspended}; statements are refused until it is resumed. Non-transient. */
    TENANT_SUSPENDED("TR001", false),
    /** {@code TR002}: the tenant's route stayed {@code frozen} longer than the wait limit (a move is cutting over). Transient: retry. */
    TENANT_FROZEN_TIMEOUT("TR002", true),
    /**
     * {@code TR003}: raised by the source database itself when a write for a tenant that has been moved away
     * (or is cutting over) reaches it. The driver answers it by refreshing the tenant map and retrying on the
     * new route; an app that sees it may retry. Transient.
     */
    TENANT_FENCED("TR003", true),
    /** {@code TR004}: a transaction pinned to one tenant's target named a tenant on another target (no distributed transactions). Non-transient. */
    CROSS_TARGET_TRANSACTION("TR004", false),
    /** {@code TR005}: a route names a target the map does not define, or a target is misconfigured (bad URL, unreadable password reference). Non-transient. */
    UNKNOWN_TARGET("TR005", false),
    /** {@code TR006}: an invalid tenant id (null, empty, longer than 255 characters, or containing NUL). Non-transient. */
    INVALID_TENANT("TR006", false),
    /** {@code TR007}: the {@code strict} routing policy found no tenant for a statement on a tenant-owned table. Non-transient. */
    TENANT_REQUIRED("TR007", false),
    /** {@code TR008}: a compare-and-set on the tenant map lost against a concurrent change (the map version moved). Transient: re-read and retry. */
    MAP_CONFLICT("TR008", true),
    /** {@code TR009}: the tenant map cannot be changed here (read-only YAML store, a target still in use, a missing route). Non-transient. */
    MAP_REJECTED("TR009", false),
    /** {@code TR010}: the tenant map could not be read (control tables missing or unreachable). Transient. */
    MAP_UNAVAILABLE("TR010", true),
    /** {@code TR011}: a tenant move (migration) failed or was refused; the message says which step and why. Non-transient. */
    MIGRATION_FAILED("TR011", false),
    /**
     * {@code TR012}: one statement names several tenants at once (a multi-row INSERT of rows of different tenants,
     * {@code tenant_id IN ('a', 'b')}, two tenant predicates that disagree): it cannot run on one tenant's database.
     * Non-transient.
     */
    MULTIPLE_TENANTS("TR012", false);

    private final String state;
    private final boolean transientState;

    TenantRouteSqlState(String state, boolean transientState) {
        this.state = state;
        this.transientState = transientState;
    }

    /** @return the five-character SQLState, e.g. {@code "TR001"} */
    public String state() {
        return state;
    }

    /** @return true when a retry of the same work can succeed (the exception is a {@link SQLTransientException}) */
    public boolean isTransient() {
        return transientState;
    }

    /**
     * Builds the exception for this state.
     *
     * @param message the message; names the tenant and target, never a password or a URL with credentials
     * @return a {@link SQLTransientException} or a {@link SQLNonTransientException} carrying {@link #state()}
     */
    public SQLException exception(String message) {
        return exception(message, null);
    }

    /**
     * Builds the exception for this state with a cause.
     *
     * @param message the message; names the tenant and target, never a password or a URL with credentials
     * @param cause the underlying failure, may be null
     * @return a {@link SQLTransientException} or a {@link SQLNonTransientException} carrying {@link #state()}
     */
    public SQLException exception(String message, Throwable cause) {
        return transientState
                ? new SQLTransientException(message, state, cause)
                : new SQLNonTransientException(message, state, cause);
    }

    /**
     * @param e any exception, may be null
     * @return true when {@code e} or one of its {@link SQLException#getNextException() next exceptions} or
     *     causes carries this state
     */
    public boolean matches(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                for (SQLException s = (SQLException) t; s != null; s = s.getNextException()) {
                    if (state.equals(s.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
