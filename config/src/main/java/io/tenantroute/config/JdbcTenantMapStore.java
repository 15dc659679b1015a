package io.tenantroute.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tenantroute.config.internal.PgNotifyWatcher;
import io.tenantroute.config.internal.PollingWatcher;
import io.tenantroute.config.internal.SqlErrors;
import io.tenantroute.config.internal.Watches;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant map in control tables ({@code map_version}, {@code targets}, {@code routes}) of a PostgreSQL
 * schema or a MySQL/MariaDB database, created by {@link ControlSchema#init(Connection)}. Open it with
 * {@link TenantMapStores#open(String, java.util.Properties)}.
 *
 * <p><b>Versions.</b> Every change runs in one transaction that first locks the single {@code map_version}
 * row ({@code SELECT … FOR UPDATE}), so changes from any number of threads and processes are serialized;
 * it sets {@code map_version} to the previous value + 1, stores that version on the changed row, and commits.
 * Versions are therefore consecutive, monotonic and never reused, and {@link #routesChangedSince(long)}
 * finds exactly the routes changed after a version. On PostgreSQL the transaction also sends
 * {@code pg_notify('tenantroute_map', version)}, delivered to listeners when it commits.
 *
 * <p><b>Tenant ids</b> are always bound as parameters; any characters are stored as given and compared
 * exactly (binary collation on MySQL, {@code COLLATE "C"} on PostgreSQL).
 *
 * <p><b>Connections.</b> A small HikariCP pool (at most 4 connections, 5 s connect timeout) that connects on
 * first use; on PostgreSQL {@link #watch} adds one dedicated connection per watch.
 *
 * <p>Thread-safe. Every method blocks on the control database. Errors: {@link TenantRouteSqlState#MAP_UNAVAILABLE}
 * (TR010, transient) when the control tables are missing or the database cannot be reached; other database
 * errors keep their SQLState with our context added. Messages never hold a password.
 */
public final class JdbcTenantMapStore implements TenantMapStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTenantMapStore.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String url;
    private final Properties props;
    private final Dialect vendor;
    private final String schema;
    private final HikariDataSource pool;
    private final String description;
    private final Watches watches;
    private final boolean emptyUntilInit;
    private final AtomicBoolean warnedUninitialized = new AtomicBoolean();

    JdbcTenantMapStore(String url, Properties props, Dialect vendor, String schema, boolean emptyUntilInit) {
        this.emptyUntilInit = emptyUntilInit;
        this.url = url;
        this.props = props;
        this.vendor = vendor;
        this.schema = schema;
        this.description = vendor.location() + ":" + schema;
        this.watches = new Watches(description);
        if (vendor == Dialect.POSTGRESQL && !props.containsKey("ApplicationName")) {
            props.setProperty("ApplicationName", "tenantroute-control");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("tenantroute-control-" + POOLS.incrementAndGet());
        cfg.setJdbcUrl(url);
        cfg.setDataSourceProperties(props);
        cfg.setMaximumPoolSize(4);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(5000);
        cfg.setValidationTimeout(2000);
        // Connect lazily: an unreachable control database is reported by each call (TR010), not by open().
        cfg.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(cfg);
    }

    /** @return the control schema (PostgreSQL schema / MySQL database) this store reads */
    public String controlSchema() {
        return schema;
    }

    /** @return true when the control database is PostgreSQL (changes are pushed with NOTIFY) */
    public boolean isPostgreSql() {
        return vendor == Dialect.POSTGRESQL;
    }

    /**
     * With {@link TenantMapStores#EMPTY_UNTIL_INIT}: true when {@code e} says the control tables do not exist
     * yet, so that a read answers "empty map". Logs that once (and again after the tables appeared and vanished).
     */
    private boolean readsAsEmpty(SQLException e) {
        if (!emptyUntilInit || !SqlErrors.isMissingTable(e)) {
            return false;
        }
        if (warnedUninitialized.compareAndSet(false, true)) {
            LOG.warn("tenant map {}: no control tables yet; every tenant routes to shared until `tenantroute init`", description);
        }
        return true;
    }

    private String table(String name) {
        return schema + "." + name;
    }

    private static final String TARGET_COLUMNS = "name, jdbc_url, username, password_ref, version";
    private static final String ROUTE_COLUMNS = "tenant_id, target, schema_name, state, version, next_target";
    /** The route columns of control tables not yet migrated to V2 (no {@code next_target}). */
    private static final String ROUTE_COLUMNS_V1 = "tenant_id, target, schema_name, state, version";
    /** How long reads use {@link #ROUTE_COLUMNS_V1} after finding no {@code next_target} before they look again. */
    private static final long PRE_V2_RECHECK_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * {@link System#nanoTime()} when a read last found the control tables without {@code routes.next_target}
     * (created by an older TenantRoute, {@code tenantroute init} not yet run since); 0 while they have it.
     */
    private volatile long preV2Since;
    private final AtomicBoolean warnedPreV2 = new AtomicBoolean();

    /**
     * @return the route columns reads select: all of them, unless the control tables were found to predate V2
     *     within the last {@link #PRE_V2_RECHECK_NANOS} — a newer driver keeps routing against older control
     *     tables (without next targets) until {@code tenantroute init} upgrades them
     */
    private String routeColumns() {
        long since = preV2Since;
        return since != 0 && System.nanoTime() - since < PRE_V2_RECHECK_NANOS ? ROUTE_COLUMNS_V1 : ROUTE_COLUMNS;
    }

    /** Remembers that the routes table has no next_target column (after a read failed on it); warns once. */
    private void foundPreV2() {
        long now = System.nanoTime();
        preV2Since = now == 0 ? 1 : now;
        if (warnedPreV2.compareAndSet(false, true)) {
            LOG.warn("tenant map {}: the control tables predate this TenantRoute (no routes.next_target); routing works, but "
                    + "changes are refused and drivers cannot warm a move's destination until `tenantroute init` upgrades them",
                    description);
        }
    }

    // ---------------------------------------------------------------- reads

    /**
     * {@inheritDoc}
     *
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the control tables are missing or
     *     unreachable
     */
    @Override
    public long version() throws SQLException {
        try (Connection c = connection()) {
            long v = readVersion(c, false);
            warnedUninitialized.set(false);
            return v;
        } catch (SQLException e) {
            if (readsAsEmpty(e)) {
                return 0L;
            }
            throw SqlErrors.translate(e, schema, "reading the map version");
        }
    }

    /** {@inheritDoc} Ordered by name. @throws SQLException as {@link #version()} */
    @Override
    public List<Target> targets() throws SQLException {
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + TARGET_COLUMNS + " FROM " + table("targets") + " ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<Target> out = new ArrayList<>();
            while (rs.next()) {
                out.add(target(rs));
            }
            return List.copyOf(out);
        } catch (SQLException e) {
            if (readsAsEmpty(e)) {
                return List.of();
            }
            throw SqlErrors.translate(e, schema, "reading the targets");
        }
    }

    /** {@inheritDoc} @throws SQLException as {@link #version()} */
    @Override
    public Optional<Target> target(String name) throws SQLException {
        try (Connection c = connection()) {
            return Optional.ofNullable(readTarget(c, name));
        } catch (SQLException e) {
            if (readsAsEmpty(e)) {
                return Optional.empty();
            }
            throw SqlErrors.translate(e, schema, "reading target '" + name + "'");
        }
    }

    /** {@inheritDoc} Ordered by tenant id (binary order). @throws SQLException as {@link #version()} */
    @Override
    public List<Route> routes() throws SQLException {
        return queryRoutes(cols -> "SELECT " + cols + " FROM " + table("routes") + " ORDER BY tenant_id", null, "reading the routes");
    }

    /**
     * {@inheritDoc}
     *
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT} for an invalid id; else as {@link #version()}
     */
    @Override
    public Optional<Route> route(String tenant) throws SQLException {
        TenantIds.requireValid(tenant);
        try (Connection c = connection()) {
            String cols = routeColumns();
            try {
                return Optional.ofNullable(readRoute(c, tenant, cols, false));
            } catch (SQLException e) {
                if (cols != ROUTE_COLUMNS || !SqlErrors.isMissingColumn(e)) {
                    throw e;
                }
                foundPreV2(); // autocommit: the failed statement left nothing to roll back
                return Optional.ofNullable(readRoute(c, tenant, ROUTE_COLUMNS_V1, false));
            }
        } catch (SQLException e) {
            if (readsAsEmpty(e)) {
                return Optional.empty();
            }
            throw SqlErrors.translate(e, schema, "reading the route of tenant '" + tenant + "'");
        }
    }

    /** {@inheritDoc} @throws SQLException as {@link #version()} */
    @Override
    public List<Route> routesChangedSince(long version) throws SQLException {
        return queryRoutes(cols -> "SELECT " + cols + " FROM " + table("routes") + " WHERE version > ? ORDER BY version",
                version, "reading routes changed since version " + version);
    }

    private List<Route> queryRoutes(java.util.function.UnaryOperator<String> sqlWithColumns, Long param, String what)
            throws SQLException {
        try (Connection c = connection()) {
            String cols = routeColumns();
            try {
                return queryRoutes(c, sqlWithColumns.apply(cols), cols, param);
            } catch (SQLException e) {
                if (cols != ROUTE_COLUMNS || !SqlErrors.isMissingColumn(e)) {
                    throw e;
                }
                foundPreV2();
                return queryRoutes(c, sqlWithColumns.apply(ROUTE_COLUMNS_V1), ROUTE_COLUMNS_V1, param);
            }
        } catch (SQLException e) {
            if (readsAsEmpty(e)) {
                return List.of();
            }
            throw SqlErrors.translate(e, schema, what);
        }
    }

    private static List<Route> queryRoutes(Connection c, String sql, String cols, Long param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setLong(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Route> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(route(rs, cols));
                }
                return List.copyOf(out);
            }
        }
    }

    // ---------------------------------------------------------------- changes

    /**
     * {@inheritDoc} A URL that carries a password is accepted (a warning is logged, without it); prefer a
     * {@link PasswordRef}.
     *
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} when the URL is not a {@code jdbc:} URL;
     *     else as {@link #version()}
     */
    @Override
    public long putTarget(Target target) throws SQLException {
        if (!target.jdbcUrl().startsWith("jdbc:")) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("target '" + target.name() + "': the URL must be a JDBC URL (jdbc:…), was "
                    + target.safeUrl());
        }
        if (!Target.maskUrl(target.jdbcUrl()).equals(target.jdbcUrl())) {
            LOG.warn("target '{}': its URL holds a password, which the control tables store in clear; prefer a password "
                    + "reference (env:NAME or file:/path)", target.name());
        }
        return change("adding target '" + target.name() + "'", (c, v) -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table("targets")
                    + " SET jdbc_url = ?, username = ?, password_ref = ?, version = ?, updated_at = CURRENT_TIMESTAMP WHERE name = ?")) {
                bindTarget(ps, target, v);
                ps.setString(5, target.name());
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table("targets")
                        + " (jdbc_url, username, password_ref, version, name) VALUES (?, ?, ?, ?, ?)")) {
                    bindTarget(ps, target, v);
                    ps.setString(5, target.name());
                    ps.executeUpdate();
                }
            }
        });
    }

    private static void bindTarget(PreparedStatement ps, Target t, long version) throws SQLException {
        ps.setString(1, t.jdbcUrl());
        ps.setString(2, t.user());
        ps.setString(3, t.passwordRef().isNone() ? null : t.passwordRef().toString());
        ps.setLong(4, version);
    }

    /**
     * {@inheritDoc}
     *
     * @throws SQLException {@link TenantRouteSqlState#MAP_REJECTED} (TR009) while routes use the target, as
     *     their target or as the destination of a move in progress ({@code next_target}; the message says how many
     *     tenants), or when it is not defined; else as {@link #version()}
     */
    @Override
    public long removeTarget(String name) throws SQLException {
        return change("removing target '" + name + "'", (c, v) -> {
            long users;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table("routes") + " WHERE target = ? OR next_target = ?")) {
                ps.setString(1, name);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    users = rs.getLong(1);
                }
            }
            if (users > 0) {
                List<String> some = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM " + table("routes")
                        + " WHERE target = ? OR next_target = ? ORDER BY tenant_id")) {
                    ps.setMaxRows(3);
                    ps.setString(1, name);
                    ps.setString(2, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            some.add("'" + rs.getString(1) + "'");
                        }
                    }
                }
                throw TenantRouteSqlState.MAP_REJECTED.exception("target '" + name + "' is still used by " + users
                        + (users == 1 ? " tenant" : " tenants") + " (" + String.join(", ", some) + (users > some.size() ? ", …" : "")
                        + "): move them first (tenantroute tenant set <id> --target …)");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table("targets") + " WHERE name = ?")) {
                ps.setString(1, name);
                if (ps.executeUpdate() == 0) {
                    throw TenantRouteSqlState.MAP_REJECTED.exception("target '" + name + "' is not defined");
                }
            }
        });
    }

    /**
     * {@inheritDoc} Clears the route's next target.
     *
     * @throws SQLException {@link TenantRouteSqlState#UNKNOWN_TARGET} (TR005) when the target is not defined
     *     and is not {@code shared}; {@link TenantRouteSqlState#INVALID_TENANT}; else as {@link #version()}
     */
    @Override
    public long setRoute(String tenant, String target, String schemaName) throws SQLException {
        TenantIds.requireValid(tenant);
        return change("routing tenant '" + tenant + "' to '" + target + "'", (c, v) -> {
            requireTarget(c, tenant, target);
            Route old = readRoute(c, tenant, true);
            writeRoute(c, old != null, tenant, target, schemaName, old == null ? RouteState.ACTIVE : old.state(), null, v);
        });
    }

    /**
     * {@inheritDoc} Keeps the route's next target.
     *
     * @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT}; else as {@link #version()}
     */
    @Override
    public long setState(String tenant, RouteState state) throws SQLException {
        TenantIds.requireValid(tenant);
        java.util.Objects.requireNonNull(state, "state");
        return change("setting tenant '" + tenant + "' " + state.label(), (c, v) -> {
            Route old = readRoute(c, tenant, true);
            if (old == null) {
                writeRoute(c, false, tenant, Target.SHARED, null, state, null, v);
            } else {
                writeRoute(c, true, tenant, old.target(), old.schema(), state, old.nextTarget(), v);
            }
        });
    }

    /**
     * {@inheritDoc} Clears the route's next target (as {@link #compareAndSetRoute(String, long, String, String,
     * RouteState, String)} with null).
     *
     * @throws SQLException {@link TenantRouteSqlState#MAP_CONFLICT} (TR008, transient) when the route's version
     *     is no longer {@code expectedRouteVersion}; {@link TenantRouteSqlState#UNKNOWN_TARGET} (TR005);
     *     {@link TenantRouteSqlState#INVALID_TENANT}; else as {@link #version()}
     */
    @Override
    public long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schemaName, RouteState state)
            throws SQLException {
        return compareAndSetRoute(tenant, expectedRouteVersion, target, schemaName, state, null);
    }

    /**
     * {@inheritDoc} Stored in {@code routes.next_target} (control tables migrated to V2 by {@code tenantroute init}).
     *
     * @throws SQLException {@link TenantRouteSqlState#MAP_CONFLICT} (TR008, transient) when the route's version
     *     is no longer {@code expectedRouteVersion}; {@link TenantRouteSqlState#UNKNOWN_TARGET} (TR005) when
     *     {@code target} or {@code nextTarget} is neither defined nor {@code shared};
     *     {@link TenantRouteSqlState#INVALID_TENANT}; else as {@link #version()}
     */
    @Override
    public long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schemaName, RouteState state,
            String nextTarget) throws SQLException {
        TenantIds.requireValid(tenant);
        java.util.Objects.requireNonNull(state, "state");
        return change("changing the route of tenant '" + tenant + "'", (c, v) -> {
            Route old = readRoute(c, tenant, true);
            long actual = old == null ? 0L : old.version();
            if (actual != expectedRouteVersion) {
                throw TenantRouteSqlState.MAP_CONFLICT.exception("the route of tenant '" + tenant + "' changed meanwhile: expected version "
                        + expectedRouteVersion + ", found " + actual + (old == null ? " (no route)" : " (target '" + old.target()
                        + "', " + old.state().label() + ")") + "; re-read and retry");
            }
            // a target the route names already exists (removeTarget refuses a target a route names, both under
            // the map_version lock): skipping its read keeps the freeze and the flip of a move short
            if (!namedBy(old, target)) {
                requireTarget(c, tenant, target);
            }
            String next = nextTarget == null || nextTarget.isEmpty() ? null : nextTarget;
            if (next != null && !namedBy(old, next)) {
                requireTarget(c, tenant, next);
            }
            writeRoute(c, old != null, tenant, target, schemaName, state, next, v);
        });
    }

    private static boolean namedBy(Route route, String target) {
        return route != null && (target.equals(route.target()) || target.equals(route.nextTarget()));
    }

    private void requireTarget(Connection c, String tenant, String target) throws SQLException {
        java.util.Objects.requireNonNull(target, "target");
        if (!target.equals(Target.SHARED) && readTarget(c, target) == null) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("target '" + target + "' is not defined (route of tenant '" + tenant
                    + "'): add it first (tenantroute target add " + target + " --url …)");
        }
    }

    private void writeRoute(Connection c, boolean exists, String tenant, String target, String schemaName, RouteState state,
            String nextTarget, long v) throws SQLException {
        String sql = exists
                ? "UPDATE " + table("routes") + " SET target = ?, schema_name = ?, state = ?, next_target = ?, version = ?,"
                        + " updated_at = CURRENT_TIMESTAMP WHERE tenant_id = ?"
                : "INSERT INTO " + table("routes") + " (target, schema_name, state, next_target, version, tenant_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, target);
            ps.setString(2, schemaName == null || schemaName.isEmpty() ? null : schemaName);
            ps.setString(3, state.label());
            ps.setString(4, nextTarget);
            ps.setLong(5, v);
            ps.setString(6, tenant);
            ps.executeUpdate();
        }
    }

    /** One change of the map, run inside the version-bumping transaction. */
    @FunctionalInterface
    private interface Change {
        void apply(Connection c, long newVersion) throws SQLException;
    }

    private long change(String what, Change change) throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                // The lock on the single map_version row serializes every change (across processes too): the
                // reads below see every earlier change, and no two changes get the same version.
                long next = readVersion(c, true) + 1;
                change.apply(c, next);
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table("map_version")
                        + " SET version = ?, updated_at = CURRENT_TIMESTAMP WHERE id = 1")) {
                    ps.setLong(1, next);
                    ps.executeUpdate();
                }
                if (vendor == Dialect.POSTGRESQL) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                        ps.setString(1, PgNotifyWatcher.CHANNEL);
                        ps.setString(2, Long.toString(next));
                        ps.execute();
                    }
                }
                c.commit();
                LOG.debug("tenant map {}: {} (version {})", description, what, next);
                return next;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException re) {
                    e.addSuppressed(re);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, schema, what);
        }
    }

    private long readVersion(Connection c, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + table("map_version") + " WHERE id = 1"
                + (lock ? " FOR UPDATE" : ""));
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("the tenant map's map_version row is missing (schema '" + schema
                        + "'): run `tenantroute init`");
            }
            return rs.getLong(1);
        }
    }

    private Target readTarget(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TARGET_COLUMNS + " FROM " + table("targets") + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? target(rs) : null;
            }
        }
    }

    /** Inside a change: all columns (a change needs control tables at V2 anyway). */
    private Route readRoute(Connection c, String tenant, boolean lock) throws SQLException {
        return readRoute(c, tenant, ROUTE_COLUMNS, lock);
    }

    private Route readRoute(Connection c, String tenant, String cols, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + table("routes") + " WHERE tenant_id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? route(rs, cols) : null;
            }
        }
    }

    private static Target target(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        PasswordRef ref;
        try {
            ref = PasswordRef.parse(rs.getString(4));
        } catch (IllegalArgumentException e) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("target '" + name + "' has an invalid password reference in the "
                    + "control tables: " + e.getMessage());
        }
        return new Target(name, rs.getString(2), rs.getString(3), ref, rs.getLong(5));
    }

    /** A route from a row of {@code cols} ({@link #ROUTE_COLUMNS} or {@link #ROUTE_COLUMNS_V1}). */
    private static Route route(ResultSet rs, String cols) throws SQLException {
        String state = rs.getString(4);
        RouteState s;
        try {
            s = RouteState.fromLabel(state);
        } catch (IllegalArgumentException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("the route of tenant '" + rs.getString(1) + "' has state '" + state
                    + "', which this TenantRoute does not know: upgrade it", e);
        }
        return new Route(rs.getString(1), rs.getString(2), rs.getString(3), s, rs.getLong(5),
                cols == ROUTE_COLUMNS ? rs.getString(6) : null);
    }

    private Connection connection() throws SQLException {
        if (watches.isClosed()) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("the tenant map store " + description + " is closed");
        }
        return pool.getConnection();
    }

    // ---------------------------------------------------------------- watch / close

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: {@code LISTEN tenantroute_map} on a dedicated connection (a change arrives as soon as
     * it commits), reading {@code map_version} after each notification and at least every
     * {@code pollIntervalMs}; reconnects after a failure. MySQL/MariaDB: reads {@code map_version} every
     * {@code pollIntervalMs}. Either way {@code onChange} gets the version whenever it differs from the last
     * one reported (the first read is always reported), on a daemon thread; failures are logged and retried,
     * never thrown.
     *
     * @throws IllegalArgumentException when {@code pollIntervalMs} is below 50
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store is closed
     */
    @Override
    public AutoCloseable watch(LongConsumer onChange, long pollIntervalMs) throws SQLException {
        java.util.Objects.requireNonNull(onChange, "onChange");
        if (pollIntervalMs < 50) {
            throw new IllegalArgumentException("pollIntervalMs must be ≥ 50 ms, was " + pollIntervalMs);
        }
        return watches.add(() -> {
            if (vendor == Dialect.POSTGRESQL) {
                Properties p = new Properties();
                p.putAll(props);
                p.setProperty("ApplicationName", "tenantroute-listen");
                return new PgNotifyWatcher(url, p, schema, onChange, pollIntervalMs, description);
            }
            return new PollingWatcher(description, this::version, onChange, pollIntervalMs);
        });
    }

    /** Stops every watch and closes the pool. Idempotent. */
    @Override
    public void close() {
        watches.closeAll();
        pool.close();
    }

    /** @return the vendor, control schema and pool, never a URL or credentials */
    @Override
    public String toString() {
        return "JdbcTenantMapStore[" + description + "]";
    }
}
