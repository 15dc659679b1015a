package io.tenantroute.routing.sql;

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
 * Owned tables are read from the shared database's catalog ({@link TenantOwnedTables}) once, and again (at most
 * every 10 s) when a statement names a table the last read did not list; tables absent from the catalog (other
 * schemas, temporary tables) count as global. Free of JDBC wrapper code. Thread-safe.
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

    /** Reads the catalog: until it succeeds once, then again when a statement names a table it did not list. */
    @FunctionalInterface
    public interface OwnedTablesLoader {
        /**
         * @return the catalog snapshot
         * @throws SQLException when the catalog cannot be read
         */
        TenantOwnedTables load() throws SQLException;
    }

    /** A statement naming a table the catalog did not list re-reads it at most this often, in nanoseconds. */
    static final long RELOAD_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(RoutingPolicy.class);

    private final Mode mode;
    private final OwnedTablesLoader loader;
    private final FallbackAudit audit;
    private final long reloadIntervalNanos;
    /** Null: re-read on the calling thread; else re-reads run here, one at a time. */
    private final java.util.concurrent.Executor reloadExecutor;
    private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile TenantOwnedTables catalog;
    private volatile long loadedAtNanos;
    private long failedAtNanos;

    /**
     * @param mode the policy
     * @param loader reads the owned tables (from the shared database), at most until the first success
     * @param audit records fallbacks
     */
    public RoutingPolicy(Mode mode, OwnedTablesLoader loader, FallbackAudit audit) {
        this(mode, loader, audit, RELOAD_INTERVAL_NANOS);
    }

    /**
     * A policy whose re-reads of the catalog (a statement names a table the last read did not list) run on
     * {@code reloadExecutor} while statements go on with the last read — for callers that must not block (the wire
     * proxy's event loops). The first read must be made with {@link #loadOwnedTables()} before statements arrive;
     * until it succeeds every table counts as tenant-owned.
     *
     * @param mode the policy
     * @param loader reads the owned tables (from the shared database)
     * @param audit records fallbacks
     * @param reloadExecutor runs the re-reads
     */
    public RoutingPolicy(Mode mode, OwnedTablesLoader loader, FallbackAudit audit, java.util.concurrent.Executor reloadExecutor) {
        this(mode, loader, audit, RELOAD_INTERVAL_NANOS, Objects.requireNonNull(reloadExecutor, "reloadExecutor"));
    }

    RoutingPolicy(Mode mode, OwnedTablesLoader loader, FallbackAudit audit, long reloadIntervalNanos) {
        this(mode, loader, audit, reloadIntervalNanos, null);
    }

    private RoutingPolicy(Mode mode, OwnedTablesLoader loader, FallbackAudit audit, long reloadIntervalNanos,
            java.util.concurrent.Executor reloadExecutor) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.reloadIntervalNanos = reloadIntervalNanos;
        this.reloadExecutor = reloadExecutor;
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

    /**
     * A cheap test, made before parsing a statement that {@link TenantInference#mayNameTenant cannot name a tenant}:
     * whether its text mentions a tenant-owned table (a scan of its words against the catalog, no parse). When it
     * does not, {@link #tenantFor} would answer the pinned tenant or the shared target without auditing anything, so
     * the caller may skip the parse — statements with literals that differ at every execution (simple-protocol apps)
     * would otherwise be parsed each time. Never blocks: an unknown catalog answers true.
     *
     * @param sql the statement text
     * @return false when the statement certainly touches no tenant-owned table
     */
    public boolean mayTouchOwned(String sql) {
        TenantOwnedTables c = catalog;
        if (c == null) {
            return true;
        }
        Set<String> owned = c.owned();
        if (owned.isEmpty()) {
            return false;
        }
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isLetter(ch) || ch == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                if (owned.contains(sql.substring(start, i).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    /** @return the policy mode */
    public Mode mode() {
        return mode;
    }

    /** @return the audit recording fallbacks */
    public FallbackAudit audit() {
        return audit;
    }

    /**
     * Reads the catalog now unless it is known already (e.g. when the first connection opens, so that a later
     * statement rarely waits for a catalog connection while its transaction holds one). Blocks for the read.
     *
     * @return true when the owned tables are known; false when the read failed (logged; retried at next need)
     */
    public boolean loadOwnedTables() {
        return catalog != null || reload();
    }

    private void reloadLater() {
        if (reloading.compareAndSet(false, true)) {
            try {
                reloadExecutor.execute(() -> {
                    try {
                        reload();
                    } finally {
                        reloading.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reloading.set(false);
            }
        }
    }

    private synchronized boolean reload() {
        if (catalog == null && failedAtNanos != 0 && System.nanoTime() - failedAtNanos < reloadIntervalNanos) {
            return false; // failed a moment ago: do not hammer the database (nor the log) per statement
        }
        try {
            TenantOwnedTables c = loader.load();
            loadedAtNanos = System.nanoTime();
            catalog = c;
            LOG.debug("Tenant-owned tables read from the catalog: {}", c);
            return true;
        } catch (SQLException | RuntimeException e) {
            failedAtNanos = System.nanoTime();
            LOG.warn("Cannot read the tenant-owned tables from the shared database's catalog ({}); treating"
                    + " every table as tenant-owned until it can be read", e.toString());
            return false;
        }
    }

    private Set<String> ownedAmong(Set<String> tables) {
        if (catalog == null && reloadExecutor != null) {
            reloadLater();
            return Collections.unmodifiableSet(new TreeSet<>(tables));
        }
        if (!loadOwnedTables()) {
            return Collections.unmodifiableSet(new TreeSet<>(tables));
        }
        TenantOwnedTables c = catalog;
        if (!c.tables().containsAll(tables) && System.nanoTime() - loadedAtNanos >= reloadIntervalNanos) {
            if (reloadExecutor != null) {
                reloadLater();
            } else {
                reload(); // a table created since the last read (e.g. by the app's migrations after it started)
            }
            c = catalog;
        }
        Set<String> touched = new TreeSet<>();
        for (String t : tables) {
            if (c.owned().contains(t)) {
                touched.add(t);
            }
        }
        return touched;
    }
}
