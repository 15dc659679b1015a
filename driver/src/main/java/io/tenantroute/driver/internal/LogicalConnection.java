package io.tenantroute.driver.internal;

import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMap;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.driver.TenantContext;
import io.tenantroute.driver.TenantRouteConnection;
import io.tenantroute.driver.TenantRouteProperty;
import io.tenantroute.routing.Admission;
import io.tenantroute.routing.FenceRule;
import io.tenantroute.routing.Router;
import io.tenantroute.routing.TenantResolver;
import io.tenantroute.routing.TenantSources;
import io.tenantroute.routing.Throttle;
import io.tenantroute.routing.sql.RoutingPolicy;
import io.tenantroute.routing.sql.TenantInference;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code jdbc:tenantroute:} connection: JDBC plumbing around the routing core ({@code io.tenantroute.routing}: the
 * tenant sources, {@link TenantResolver}, {@link Router}, {@link FenceRule}), which the wire proxy calls too. It holds no physical connection while idle: the first statement of a
 * transaction borrows one from the pool of the tenant's current target (applying the app's session settings and
 * the route's schema) and keeps it until commit/rollback; in autocommit it goes back after the statement, or
 * when the statement's result sets close. So a route change takes effect at the next transaction.
 *
 * <p>A {@code throttled} tenant's transaction first takes a turn ({@link Throttle}) and holds it exactly as long as
 * the physical connection: every path that gives the connection back (commit, rollback, close, abort, a failed
 * statement in autocommit, a fence) gives the turn back with it.
 *
 * <p>Not thread-safe, like any JDBC connection: one thread at a time.
 */
public final class LogicalConnection extends JdbcWrapper implements TenantRouteConnection {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalConnection.class);
    private static volatile Metrics metrics = Metrics.NOOP;
    private static volatile boolean metricsChosen;

    /** Maps whose route changes this class already counts and logs. */
    private static final Set<TenantMap> LISTENED = Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

    private static void listen(TenantMap map) {
        if (LISTENED.add(map)) {
            map.addListener(r -> {
                metrics.routeChange();
                LOG.info("route of tenant '{}' changed: target '{}'{}, {}{} (version {})", r.tenant(), r.target(),
                        r.schema() == null ? "" : " schema '" + r.schema() + "'", r.state().label(),
                        r.nextTarget() == null ? "" : ", next target '" + r.nextTarget() + "'", r.version());
            });
        }
    }

    private final DriverConfig cfg;
    private final Router router;
    private final TenantResolver resolver;
    private final Engine engine;

    // Session settings the app made; applied to every physical connection borrowed.
    private boolean autoCommit = true;
    private Integer isolation;
    private boolean readOnly;
    private String catalog;
    private String schema;
    private Integer networkTimeoutMs;
    private Executor networkExecutor;
    private Integer holdability;
    private Map<String, Class<?>> typeMap;
    private final Properties clientInfo = new Properties();

    /** Tenant sources of this connection: client info, intercepted SET, the URL property (the thread's TenantContext wins). */
    private final TenantSources sources = new TenantSources();

    // The physical connection while one is held.
    private Connection physical;
    /** The throttled tenant's turn, held with {@link #physical} (null: not throttled, or ran without a turn). */
    private Throttle.Permit permit;
    private String physicalTenant;
    /** The first tenant the held transaction resolved (also when it began on shared); null when none yet. */
    private String pinnedTenant;
    private Route physicalRoute;
    private int openResults;
    private long generation;
    private int statementsInTx;
    private boolean keepUntilNext;
    /** What {@link #release()} must undo that HikariCP does not (it resets schema/catalog only to configured values). */
    private boolean resetSearchPath;
    private String restoreCatalog;

    private String lastTarget;
    private Pools.Pool lastPool;
    private Target lastPoolTarget;
    private String lastPoolKey;
    private long lastRouteVersion = -1;
    private final Set<LogicalStatement> statements = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private LogicalConnection(DriverConfig cfg, Router router, TenantResolver resolver) throws SQLException {
        this.cfg = cfg;
        this.router = router;
        this.resolver = resolver;
        this.engine = Engine.of(cfg.vendorUrl);
        sources.set(TenantSources.Source.CONNECTION, cfg.tenant);
    }

    /**
     * Opens a logical connection: opens (once per JVM) the tenant map, borrows nothing yet.
     *
     * @param url a {@code jdbc:tenantroute:} URL
     * @param info connection properties, may be null
     * @return the connection
     * @throws SQLException {@code 08001} for invalid properties; {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the
     *     tenant map cannot be read
     */
    public static LogicalConnection open(String url, Properties info) throws SQLException {
        DriverConfig cfg = DriverConfig.parse(url, info);
        chooseMetrics(cfg.metrics, null);
        TenantMap map = TenantMaps.get(cfg);
        listen(map);
        TenantInference inference = Inference.create(cfg);
        RoutingPolicy policy = inference == TenantInference.NONE ? null : Inference.policy(cfg, metrics);
        Metrics m = metrics;
        Router router = Router.blocking(map, cfg.frozenWaitMs, m, r -> PoolWarmer.request(r, map, cfg, m));
        return new LogicalConnection(cfg, router, new TenantResolver(inference, policy));
    }

    /**
     * Sets where the driver's meters go (first call wins per JVM): a Micrometer {@code MeterRegistry}, or null for
     * {@code Metrics.globalRegistry}. Ignored when Micrometer is absent or {@code enabled} is false.
     */
    public static synchronized void chooseMetrics(boolean enabled, Object registry) {
        if (!metricsChosen) {
            metrics = Metrics.create(enabled, registry);
            metricsChosen = true;
        }
    }

    /** Closes every pool and tenant map of this JVM; see {@code TenantRouteDriver.shutdown()}. */
    public static void shutdownAll() {
        Pools.closeAll();
        PoolWarmer.clear();
        TenantMaps.closeAll();
        Inference.clear();
        LISTENED.clear();
    }

    // ---- tenant ----------------------------------------------------------------------------------------------

    @Override
    public String tenant() {
        return sources.current(TenantContext.current());
    }

    /** Applies an intercepted {@code SET tenantroute.tenant}: null clears. */
    void setSqlTenant(String tenant) throws SQLException {
        checkOpen();
        sources.set(TenantSources.Source.SET, tenant);
    }

    /**
     * The tenant of the next statement ({@link TenantResolver#resolve}): the connection's own sources; else (SQL
     * inference) the tenant the statement names, else the held transaction's pinned tenant, else the statement's hint,
     * else the routing policy. Bound values are read now, at execute time.
     */
    private String effectiveTenant(String sql, IntFunction<Object> params) throws SQLException {
        return resolver.resolve(tenant(), sql, params, pinnedTenant, holdsTransaction(), router);
    }

    /**
     * For a batch, which runs on one physical connection: checks that its rows (or statements) name at most one
     * tenant between them, and picks the row to route the batch by.
     *
     * @param sqls the SQL text of each row or statement
     * @param params the bound values of each row (null entries for plain statements)
     * @return the index of the first row that names a tenant, else 0
     * @throws SQLException {@code TR012} when two rows name different tenants (nothing runs)
     */
    int batchRoutingRow(List<String> sqls, List<IntFunction<Object>> params) throws SQLException {
        return resolver.batchRoutingRow(tenant(), sqls, params);
    }

    /** @return true while statements must stay on the held physical connection (open transaction or results) */
    private boolean holdsTransaction() {
        return physical != null && (!autoCommit || openResults > 0);
    }

    @Override
    public String lastTarget() {
        return lastTarget;
    }

    @Override
    public long lastRouteVersion() {
        return lastRouteVersion;
    }

    @Override
    public String currentTarget() throws SQLException {
        checkOpen();
        return physical == null ? null : physicalRoute.target();
    }

    // ---- physical connection lifecycle -----------------------------------------------------------------------

    /** Work done on the physical connection of a statement. */
    @FunctionalInterface
    interface PhysicalCall<T> {
        T call(Connection physical) throws SQLException;
    }

    /**
     * Runs one statement on the right physical connection, following a fence (TR003) to the new route when the
     * statement is the first of its transaction; otherwise rolls back and throws the transient TR003.
     */
    <T> T run(String sql, IntFunction<Object> params, PhysicalCall<T> call) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            Connection c = acquire(sql, params);
            boolean first = autoCommit || statementsInTx == 0;
            try {
                T r = call.call(c);
                statementsInTx++;
                metrics.statement(physicalRoute.target());
                return r;
            } catch (SQLException e) {
                if (!FenceRule.isFence(e.getSQLState())) {
                    if (autoCommit && openResults == 0 && !keepUntilNext) {
                        try {
                            release();
                        } catch (SQLException re) {
                            e.addSuppressed(re);
                        }
                    }
                    throw e;
                }
                String tenant = physicalTenant;
                String target = physicalRoute.target();
                abandon();
                try {
                    router.map().refresh();
                } catch (SQLException re) {
                    e.addSuppressed(re);
                }
                if (!FenceRule.retry(first, attempt)) {
                    throw FenceRule.gaveUp(tenant, target, e);
                }
                LOG.info("tenant '{}' fenced on target '{}': map refreshed, retrying the statement on the current route", tenant, target);
            }
        }
    }

    /** @return the physical connection for the next statement, borrowing one when none is held */
    Connection acquire(String sql, IntFunction<Object> params) throws SQLException {
        checkOpen();
        String t = effectiveTenant(sql, params);
        if (physical != null) {
            if (!autoCommit || openResults > 0) {
                if (!Objects.equals(t, physicalTenant)) {
                    requireSameTarget(t);
                }
                if (pinnedTenant == null) {
                    pinnedTenant = t;
                }
                return physical;
            }
            release();
        }
        Admission admitted = router.admit(t, cfg.throttleConcurrency, cfg.throttleWaitMs);
        Route r = admitted.route();
        Throttle.Permit turn = admitted.permit();
        Connection c;
        try {
            Target target = router.target(r);
            Pools.Pool pool = lastPool;
            if (pool == null || target != lastPoolTarget || !pool.current(lastPoolKey)) {
                // Target definitions are immutable and replaced on change: the same instance means the same pool.
                pool = Pools.pool(target, cfg, metrics);
                lastPool = pool;
                lastPoolTarget = target;
                lastPoolKey = Pools.callerKey(target == null ? Target.SHARED : target.name(), cfg);
            }
            c = Pools.borrow(pool, r.target());
            try {
                prepare(c, target, r);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException ce) {
                    e.addSuppressed(ce);
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            if (turn != null) {
                turn.release();
            }
            throw e;
        }
        physical = c;
        permit = turn;
        physicalTenant = t;
        pinnedTenant = t;
        physicalRoute = r;
        statementsInTx = 0;
        keepUntilNext = false;
        lastTarget = r.target();
        lastRouteVersion = r.version();
        return c;
    }

    private void requireSameTarget(String tenant) throws SQLException {
        TenantResolver.requireSameTarget(tenant, router.route(tenant), physicalRoute, physicalTenant, autoCommit);
    }

    private void prepare(Connection c, Target target, Route r) throws SQLException {
        Engine e = target == null ? engine : Engine.of(target.jdbcUrl());
        if (!autoCommit) {
            c.setAutoCommit(false);
        }
        if (isolation != null) {
            c.setTransactionIsolation(isolation);
        }
        if (readOnly) {
            c.setReadOnly(true);
        }
        if (holdability != null) {
            c.setHoldability(holdability);
        }
        if (typeMap != null) {
            c.setTypeMap(typeMap);
        }
        resetSearchPath = false;
        restoreCatalog = null;
        String routeSchema = r.schema();
        if ((routeSchema != null && e == Engine.MYSQL) || (routeSchema == null && catalog != null)) {
            restoreCatalog = c.getCatalog();
        }
        if (routeSchema != null) {
            resetSearchPath = e == Engine.POSTGRESQL;
            e.applySchema(c, routeSchema);
        } else {
            if (catalog != null) {
                c.setCatalog(catalog);
            }
            if (schema != null) {
                resetSearchPath = e == Engine.POSTGRESQL;
                c.setSchema(schema);
            }
        }
        if (networkTimeoutMs != null) {
            c.setNetworkTimeout(networkExecutor, networkTimeoutMs);
        }
        if (!clientInfo.isEmpty()) {
            try {
                c.setClientInfo(clientInfo);
            } catch (SQLClientInfoException ignored) {
                // the vendor rejected some names: client info is advisory
            }
        }
    }

    /** Gives the physical connection back to its pool (HikariCP resets autocommit, isolation, read-only, catalog, schema, timeout). */
    private void release() throws SQLException {
        Connection c = physical;
        if (c == null) {
            return;
        }
        physical = null;
        Throttle.Permit turn = permit;
        permit = null;
        physicalTenant = null;
        pinnedTenant = null;
        openResults = 0;
        generation++;
        keepUntilNext = false;
        try {
            if (resetSearchPath) {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET search_path");
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            if (restoreCatalog != null) {
                c.setCatalog(restoreCatalog);
            }
        } catch (SQLException e) {
            LOG.warn("could not reset the schema of a connection to target '{}' before returning it: {}", physicalRoute.target(), e.getMessage());
            c.abort(Runnable::run); // never hand a connection in the wrong schema to the next tenant
        } finally {
            resetSearchPath = false;
            restoreCatalog = null;
            try {
                c.close();
            } finally {
                if (turn != null) {
                    turn.release(); // after the connection is back, so the next turn finds it idle
                }
            }
        }
    }

    /** Rolls back whatever the physical connection has and releases it; never throws. */
    private void abandon() {
        Connection c = physical;
        if (c == null) {
            return;
        }
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection may be broken; closing it below is all that is left
        }
        try {
            release();
        } catch (SQLException ignored) {
            // as above
        }
    }

    /** After a statement: in autocommit, releases the physical connection unless results keep it. */
    void afterStatement(boolean keep) throws SQLException {
        if (keep) {
            keepUntilNext = true;
        }
        if (autoCommit && physical != null && openResults == 0 && !keepUntilNext) {
            release();
        }
    }

    /** @return the generation of the current physical connection, for a result set opened on it */
    long resultOpened() {
        openResults++;
        return generation;
    }

    void resultClosed(long gen) throws SQLException {
        if (gen == generation && openResults > 0) {
            openResults--;
            afterStatement(false);
        }
    }

    void statementClosed(LogicalStatement s) throws SQLException {
        statements.remove(s);
        if (autoCommit && physical != null && openResults == 0) {
            release();
        }
    }

    /** @return the physical connection now held, or null */
    Connection physical() {
        return physical;
    }

    private <S extends LogicalStatement> S track(S s) {
        statements.add(s);
        return s;
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("connection is closed", "08003");
        }
    }

    @Override
    protected Object wrapped() throws SQLException {
        checkOpen();
        if (physical == null) {
            throw new SQLException("no physical connection is held right now: unwrap to a vendor class inside a transaction "
                    + "(after its first statement)");
        }
        return physical;
    }

    // ---- statements ------------------------------------------------------------------------------------------

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return track(new LogicalStatement(this, StatementSettings.plain()));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return track(new LogicalStatement(this, StatementSettings.typed(resultSetType, resultSetConcurrency)));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        return track(new LogicalStatement(this, StatementSettings.typed(resultSetType, resultSetConcurrency, resultSetHoldability)));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepared(sql, StatementSettings.plain());
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepared(sql, StatementSettings.typed(resultSetType, resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return prepared(sql, StatementSettings.typed(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepared(sql, StatementSettings.keys(autoGeneratedKeys));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepared(sql, StatementSettings.keys(columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepared(sql, StatementSettings.keys(columnNames));
    }

    private PreparedStatement prepared(String sql, StatementSettings s) throws SQLException {
        checkOpen();
        Objects.requireNonNull(sql, "sql");
        return track(new LogicalPreparedStatement(this, s, sql, false));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return callable(sql, StatementSettings.plain());
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return callable(sql, StatementSettings.typed(resultSetType, resultSetConcurrency));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        return callable(sql, StatementSettings.typed(resultSetType, resultSetConcurrency, resultSetHoldability));
    }

    private CallableStatement callable(String sql, StatementSettings s) throws SQLException {
        checkOpen();
        Objects.requireNonNull(sql, "sql");
        return track(new LogicalCallableStatement(this, s, sql));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return sql;
    }

    // ---- transactions ----------------------------------------------------------------------------------------

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == autoCommit) {
            return;
        }
        if (physical != null) {
            try {
                if (value && !physical.getAutoCommit()) {
                    physical.commit(); // JDBC: switching autocommit on commits the open transaction
                }
            } finally {
                autoCommit = value;
                release();
            }
        }
        autoCommit = value;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (physical == null) {
            return;
        }
        try {
            if (!physical.getAutoCommit()) {
                physical.commit();
            }
        } finally {
            release();
        }
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (physical == null) {
            return;
        }
        try {
            if (!physical.getAutoCommit()) {
                physical.rollback();
            }
        } finally {
            release();
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return acquire(null, null).setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return acquire(null, null).setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        if (physical == null) {
            throw new SQLException("no transaction is open to roll back to a savepoint", "3B001");
        }
        physical.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        if (physical == null) {
            throw new SQLException("no transaction is open to release a savepoint", "3B001");
        }
        physical.releaseSavepoint(savepoint);
    }

    // ---- session settings ------------------------------------------------------------------------------------

    @Override
    public void setReadOnly(boolean value) throws SQLException {
        checkOpen();
        readOnly = value;
        if (physical != null) {
            physical.setReadOnly(value);
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setCatalog(String value) throws SQLException {
        checkOpen();
        catalog = value;
        if (physical != null && physicalRoute.schema() == null) {
            physical.setCatalog(value);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return physical != null ? physical.getCatalog() : catalog;
    }

    @Override
    public void setSchema(String value) throws SQLException {
        checkOpen();
        schema = value;
        if (physical != null && physicalRoute.schema() == null) {
            physical.setSchema(value);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return physical != null ? physical.getSchema() : schema;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        isolation = level;
        if (physical != null) {
            physical.setTransactionIsolation(level);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation != null ? isolation : engine.defaultIsolation();
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        checkOpen();
        holdability = value;
        if (physical != null) {
            physical.setHoldability(value);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability != null ? holdability : ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return typeMap != null ? typeMap : new java.util.HashMap<>();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        typeMap = map;
        if (physical != null) {
            physical.setTypeMap(map);
        }
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        networkExecutor = executor;
        networkTimeoutMs = milliseconds;
        if (physical != null) {
            physical.setNetworkTimeout(executor, milliseconds);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeoutMs != null ? networkTimeoutMs : 0;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
        }
        if (TenantRouteProperty.TENANT.propertyName().equals(name)) {
            try {
                sources.set(TenantSources.Source.CLIENT_INFO, value);
            } catch (SQLException e) {
                throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), 0, Map.of(), e);
            }
            return;
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
        if (physical != null) {
            physical.setClientInfo(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        for (String name : properties.stringPropertyNames()) {
            setClientInfo(name, properties.getProperty(name));
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        if (TenantRouteProperty.TENANT.propertyName().equals(name)) {
            return sources.get(TenantSources.Source.CLIENT_INFO);
        }
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties p = new Properties();
        p.putAll(clientInfo);
        String clientInfoTenant = sources.get(TenantSources.Source.CLIENT_INFO);
        if (clientInfoTenant != null) {
            p.setProperty(TenantRouteProperty.TENANT.propertyName(), clientInfoTenant);
        }
        return p;
    }

    // ---- the rest --------------------------------------------------------------------------------------------

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new LogicalDatabaseMetaData(this);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return physical != null ? physical.getWarnings() : null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (physical != null) {
            physical.clearWarnings();
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        return acquire(null, null).createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return acquire(null, null).createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return acquire(null, null).createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return acquire(null, null).createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return acquire(null, null).createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return acquire(null, null).createStruct(typeName, attributes);
    }

    /**
     * Valid while open. The physical connections are validated by their own pools when borrowed, so this answers
     * without a round trip (HikariCP in front calls it on every borrow).
     */
    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        if (timeoutSeconds < 0) {
            throw new SQLException("timeout must be ≥ 0, was " + timeoutSeconds);
        }
        if (closed) {
            return false;
        }
        return physical == null || physical.isValid(timeoutSeconds);
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        SQLException first = null;
        for (LogicalStatement s : new ArrayList<>(statements)) {
            try {
                s.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        statements.clear();
        abandon();
        closed = true;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        Connection c = physical;
        physical = null;
        Throttle.Permit turn = permit;
        permit = null;
        closed = true;
        Pools.Pool pool = lastPool; // the pool c came from: acquire() borrows only from lastPool, and only when none is held
        try {
            if (c != null) {
                try {
                    c.abort(executor);
                } finally {
                    if (pool != null) {
                        // HikariCP's proxy passes abort() to the vendor connection but keeps the pool entry in use until
                        // close(), which would roll back on a connection the executor may not have aborted yet: evict it.
                        pool.ds().evictConnection(c);
                    }
                }
            }
        } finally {
            if (turn != null) {
                turn.release();
            }
        }
    }

    List<LogicalStatement> openStatements() {
        return new ArrayList<>(statements);
    }

    @Override
    public String toString() {
        return "TenantRouteConnection[tenant=" + tenant() + ", target=" + (physical == null ? "-" : physicalRoute.target()) + "]";
    }
}
