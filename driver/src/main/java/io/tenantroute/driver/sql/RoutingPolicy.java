package io.tenantroute.driver.sql;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the tenant of a statement when the connection has none from any other source (context, client info,
 * {@code SET}, default): the statement's own tenant, else the transaction's pinned tenant, else its comment hint,
 * else the policy:
 * <ul>
 *   <li>{@link Mode#LENIENT} (default): run on {@code shared}; statements on tenant-owned tables (and unparsed
 *       ones) are recorded in the {@link FallbackAudit};</li>
 *   <li>{@link Mode#STRICT}: a statement on a tenant-owned table fails with {@code TR007}; statements on global
 *       tables only (or none) still run on {@code shared}. Unparsed statements never fail: they fall back as in
 *       lenient mode and are audited.</li>
 * </ul>
 * Owned tables are read once, lazily, from the shared database's catalog ({@link TenantOwnedTables}). Free of
 * JDBC wrapper code. Thread-safe.
 */
public final class RoutingPolicy {
    /** The {@code tenantroute.routing-policy} values. */
    public enum Mode {
        /** Statements naming no tenant run on shared, audited. */
        LENIENT,
        /** Statements on tenant-owned tables naming no tenant fail with TR007. */
        STRICT;

        /**
         * @param value {@code lenient} or {@code strict}, any case; null means lenient
         * @return the mode
         * @throws IllegalArgumentException for any other value
         */
        public static Mode of(String value) {
            if (value == null) {
                return LENIENT;
            }
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "lenient":
                    return LENIENT;
                case "strict":
                    return STRICT;
                default:
                    throw new IllegalArgumentException("tenantroute.routing-policy must be lenient or strict, was '"
                            + value + "'");
            }
        }
    }

    /** Loads the owned tables; called until it succeeds once. */
    @FunctionalInterface
    public interface OwnedTablesLoader {
        /**
         * @return owned table names, lower case
         * @throws SQLException when the catalog cannot be read
         */
        Set<String> load() throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RoutingPolicy.class);

    private final Mode mode;
    private final OwnedTablesLoader loader;
    private final FallbackAudit audit;
    private volatile Set<String> owned;

    /**
     * @param mode the policy
     * @param loader reads the owned tables (from the shared database), at most until the first success
     * @param audit records fallbacks
     */
    public RoutingPolicy(Mode mode, OwnedTablesLoader loader, FallbackAudit audit) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * @param sql the statement text (for the audit)
     * @param decision the inference's decision for this execution
     * @param pinnedTenant the tenant the current transaction is pinned to, or null
     * @return the tenant to route to, or null for {@code shared}
     * @throws SQLException {@code TR007} (non-transient) in strict mode for a statement on a tenant-owned table
     *     that names no tenant; the message names the tables. May block once to read the catalog.
     */
    public String tenantFor(String sql, RoutingDecision decision, String pinnedTenant) throws SQLException {
        if (decision.statementTenant() != null) {
            return decision.statementTenant();
        }
        if (pinnedTenant != null) {
            return pinnedTenant;
        }
        if (decision.hintTenant() != null) {
            return decision.hintTenant();
        }
        if (!decision.parsed()) {
            audit.record(sql, decision, FallbackAudit.Reason.UNPARSED);
            return null;
        }
        if (decision.tables().isEmpty()) {
            return null;
        }
        Set<String> ownedTouched = ownedAmong(decision.tables());
        if (ownedTouched.isEmpty()) {
            return null; // global tables only: shared is their home
        }
        if (mode == Mode.STRICT) {
            throw TenantRouteSqlState.TENANT_REQUIRED.exception("The statement reads or writes tenant-owned table(s) "
                    + ownedTouched + " but names no tenant (routing policy strict): set the connection's tenant,"
                    + " filter on the tenant column, or add a /* tenant=... */ hint");
        }
        audit.record(sql, decision, FallbackAudit.Reason.NO_TENANT);
        return null;
    }

    /** @return the policy mode */
    public Mode mode() {
        return mode;
    }

    /** @return the audit recording fallbacks */
    public FallbackAudit audit() {
        return audit;
    }

    private Set<String> ownedAmong(Set<String> tables) {
        Set<String> o = owned;
        if (o == null) {
            try {
                o = Set.copyOf(loader.load());
                owned = o;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Cannot read the tenant-owned tables from the shared database's catalog ({}); treating"
                        + " every table as tenant-owned until it can be read", e.toString());
                return Collections.unmodifiableSet(new TreeSet<>(tables));
            }
        }
        Set<String> touched = new TreeSet<>();
        for (String t : tables) {
            if (o.contains(t)) {
                touched.add(t);
            }
        }
        return touched;
    }
}
