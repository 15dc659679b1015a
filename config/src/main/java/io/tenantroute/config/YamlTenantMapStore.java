package io.tenantroute.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tenantroute.config.internal.PollingWatcher;
import io.tenantroute.config.internal.Watches;
import io.tenantroute.config.internal.YamlMapFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only tenant map in a YAML file, for static setups. Open it with {@link TenantMapStores#openYaml(Path)}.
 *
 * <h2>Format</h2>
 * <pre>{@code
 * targets:                    # optional; "shared" (the driver URL's database) needs no entry
 *   - name: eu1               # 1-63 characters
 *     url: "jdbc:postgresql://db-eu1:5432/app"
 *     user: app               # optional
 *     password: "env:EU1_PASSWORD"   # optional; a reference env:NAME or file:/path, never the password
 * routes:                     # optional; tenants without a route live on "shared"
 *   - tenant: acme            # any text, taken as written (007 stays "007", yes stays "yes")
 *     target: eu1             # a target above, or shared
 *     schema: acme            # optional: schema (PostgreSQL) / database (MySQL) on the target
 *     state: active           # optional: active (default), suspended or frozen
 * }</pre>
 * Unknown keys, duplicate target names or tenants, routes to undefined targets and literal passwords are
 * errors: a file with an error is refused as a whole.
 *
 * <h2>Versions and changes</h2>
 * The map version is derived from the file: at each load of new content (compared by SHA-256) it becomes
 * {@code max(previous version + 1, file modification time in ms)}, so it only grows in this JVM and usually
 * across restarts. Routes and targets keep the version of the load in which they last changed. A route that
 * disappears from the file is reported by {@link #routesChangedSince(long)} as a route to {@code shared},
 * active, with the version of that load (so caches move the tenant back to {@code shared}).
 *
 * <p>The file is re-read when {@link #version()} is called and by {@link #watch}, which polls it. A file that
 * became invalid is ignored (the last good content stays in force, a warning is logged once) until fixed.
 *
 * <p>Every change method throws {@link TenantRouteSqlState#MAP_REJECTED} (TR009): edit the file instead.
 * Thread-safe; reads of the current content never block on I/O except {@link #version()}.
 */
public final class YamlTenantMapStore implements TenantMapStore {
    private static final Logger LOG = LoggerFactory.getLogger(YamlTenantMapStore.class);

    private static final ObjectMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            // Parse errors must not quote the file (a careless file may hold a secret).
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final Path path;
    private final Watches watches;
    private final Object reloadLock = new Object();
    private volatile Snapshot snapshot;
    private byte[] lastBadHash;

    /** The content of one load; immutable. */
    private record Snapshot(long version, byte[] hash, Map<String, Target> targets, Map<String, Route> routes,
                            Map<String, Long> removedRoutes) {
    }

    YamlTenantMapStore(Path path) throws SQLException {
        this.path = Objects.requireNonNull(path, "path");
        this.watches = new Watches("for " + path);
        synchronized (reloadLock) {
            byte[] content = read();
            this.snapshot = load(null, content, hash(content));
        }
    }

    /** @return the file this store reads */
    public Path path() {
        return path;
    }

    // ---------------------------------------------------------------- reads

    /**
     * Re-reads the file if its content changed, then returns the version.
     *
     * @return the map version of the content in force
     */
    @Override
    public long version() {
        reloadQuietly();
        return snapshot.version();
    }

    /** {@inheritDoc} Ordered by name. */
    @Override
    public List<Target> targets() {
        return List.copyOf(snapshot.targets().values());
    }

    @Override
    public Optional<Target> target(String name) {
        return Optional.ofNullable(snapshot.targets().get(name));
    }

    /** {@inheritDoc} Ordered by tenant id. */
    @Override
    public List<Route> routes() {
        return List.copyOf(snapshot.routes().values());
    }

    /** @throws SQLException {@link TenantRouteSqlState#INVALID_TENANT} for an invalid id */
    @Override
    public Optional<Route> route(String tenant) throws SQLException {
        TenantIds.requireValid(tenant);
        return Optional.ofNullable(snapshot.routes().get(tenant));
    }

    /** {@inheritDoc} Includes routes removed from the file, as routes to {@code shared} (see the class comment). */
    @Override
    public List<Route> routesChangedSince(long version) {
        Snapshot s = snapshot;
        List<Route> out = new ArrayList<>();
        for (Route r : s.routes().values()) {
            if (r.version() > version) {
                out.add(r);
            }
        }
        for (Map.Entry<String, Long> e : s.removedRoutes().entrySet()) {
            if (e.getValue() > version) {
                out.add(new Route(e.getKey(), Target.SHARED, null, RouteState.ACTIVE, e.getValue()));
            }
        }
        out.sort(Comparator.comparingLong(Route::version));
        return out;
    }

    // ---------------------------------------------------------------- changes: refused

    private SQLException readOnly() {
        return TenantRouteSqlState.MAP_REJECTED.exception("the tenant map file " + path
                + " is read-only: edit the file (running maps pick the change up), or use control tables (tenantroute init)");
    }

    /** @throws SQLException always {@link TenantRouteSqlState#MAP_REJECTED} */
    @Override
    public long putTarget(Target target) throws SQLException {
        throw readOnly();
    }

    /** @throws SQLException always {@link TenantRouteSqlState#MAP_REJECTED} */
    @Override
    public long removeTarget(String name) throws SQLException {
        throw readOnly();
    }

    /** @throws SQLException always {@link TenantRouteSqlState#MAP_REJECTED} */
    @Override
    public long setRoute(String tenant, String target, String schema) throws SQLException {
        throw readOnly();
    }

    /** @throws SQLException always {@link TenantRouteSqlState#MAP_REJECTED} */
    @Override
    public long setState(String tenant, RouteState state) throws SQLException {
        throw readOnly();
    }

    /** @throws SQLException always {@link TenantRouteSqlState#MAP_REJECTED} */
    @Override
    public long compareAndSetRoute(String tenant, long expectedRouteVersion, String target, String schema, RouteState state)
            throws SQLException {
        throw readOnly();
    }

    /** @return true */
    @Override
    public boolean isReadOnly() {
        return true;
    }

    // ---------------------------------------------------------------- watch / close

    /**
     * {@inheritDoc} Polls the file every {@code pollIntervalMs} on a daemon thread and reports a new version
     * after each change of content (the first poll always reports).
     *
     * @throws IllegalArgumentException when {@code pollIntervalMs} is below 50
     * @throws SQLException {@link TenantRouteSqlState#MAP_UNAVAILABLE} when the store is closed
     */
    @Override
    public AutoCloseable watch(LongConsumer onChange, long pollIntervalMs) throws SQLException {
        Objects.requireNonNull(onChange, "onChange");
        if (pollIntervalMs < 50) {
            throw new IllegalArgumentException("pollIntervalMs must be ≥ 50 ms, was " + pollIntervalMs);
        }
        return watches.add(() -> new PollingWatcher("yaml:" + path.getFileName(), this::version, onChange, pollIntervalMs));
    }

    /** Stops every watch. Idempotent. */
    @Override
    public void close() {
        watches.closeAll();
    }

    @Override
    public String toString() {
        return "YamlTenantMapStore[" + path + " version " + snapshot.version() + "]";
    }

    // ---------------------------------------------------------------- loading

    private void reloadQuietly() {
        synchronized (reloadLock) {
            byte[] content;
            try {
                content = read();
            } catch (SQLException e) {
                LOG.debug("tenant map file {} not readable now, keeping version {}", path, snapshot.version(), e);
                return;
            }
            byte[] h = hash(content);
            if (Arrays.equals(h, snapshot.hash()) || Arrays.equals(h, lastBadHash)) {
                return;
            }
            try {
                Snapshot s = load(snapshot, content, h);
                snapshot = s;
                lastBadHash = null;
                LOG.info("tenant map file {} reloaded: version {}, {} targets, {} routes", path, s.version(), s.targets().size(),
                        s.routes().size());
            } catch (SQLException e) {
                lastBadHash = h;
                LOG.warn("tenant map file {} changed but is invalid, keeping version {}: {}", path, snapshot.version(), e.getMessage());
            }
        }
    }

    private byte[] read() throws SQLException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot read the tenant map file " + path + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private long modifiedMillis() {
        try {
            return Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return 0L;
        }
    }

    private static byte[] hash(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private Snapshot load(Snapshot old, byte[] content, byte[] hash) throws SQLException {
        YamlMapFile file;
        try {
            file = content.length == 0 ? null : MAPPER.readValue(content, YamlMapFile.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("invalid tenant map file " + path + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw TenantRouteSqlState.MAP_UNAVAILABLE.exception("cannot read the tenant map file " + path + ": " + e.getClass().getSimpleName(), e);
        }
        long version = Math.max(old == null ? 1L : old.version() + 1, modifiedMillis());

        Map<String, Target> targets = new TreeMap<>();
        List<YamlMapFile.TargetEntry> targetEntries = file == null || file.targets() == null ? List.of() : file.targets();
        for (int i = 0; i < targetEntries.size(); i++) {
            Target t = target(targetEntries.get(i), i, version);
            Target previous = old == null ? null : old.targets().get(t.name());
            if (previous != null && sameTarget(previous, t)) {
                t = previous;
            }
            if (targets.put(t.name(), t) != null) {
                throw invalid("target '" + t.name() + "' is defined twice");
            }
        }

        Map<String, Route> routes = new TreeMap<>();
        List<YamlMapFile.RouteEntry> routeEntries = file == null || file.routes() == null ? List.of() : file.routes();
        for (int i = 0; i < routeEntries.size(); i++) {
            YamlMapFile.RouteEntry e = routeEntries.get(i);
            if (e == null) {
                throw invalid("routes[" + i + "] is empty");
            }
            String problem = TenantIds.problem(e.tenant());
            if (problem != null) {
                throw invalid("routes[" + i + "]: " + problem);
            }
            if (e.target() == null || e.target().isEmpty()) {
                throw invalid("route of tenant '" + e.tenant() + "' has no target");
            }
            if (!e.target().equals(Target.SHARED) && !targets.containsKey(e.target())) {
                throw TenantRouteSqlState.UNKNOWN_TARGET.exception("tenant map file " + path + ": the route of tenant '" + e.tenant()
                        + "' names target '" + e.target() + "', which the file does not define");
            }
            RouteState state;
            try {
                state = e.state() == null ? RouteState.ACTIVE : RouteState.fromLabel(e.state());
            } catch (IllegalArgumentException ex) {
                throw invalid("route of tenant '" + e.tenant() + "': " + ex.getMessage());
            }
            Route r = new Route(e.tenant(), e.target(), e.schema(), state, version);
            Route previous = old == null ? null : old.routes().get(r.tenant());
            if (previous != null && previous.equals(new Route(r.tenant(), r.target(), r.schema(), r.state(), previous.version()))) {
                r = previous;
            }
            if (routes.put(r.tenant(), r) != null) {
                throw invalid("tenant '" + r.tenant() + "' has two routes");
            }
        }

        Map<String, Long> removed = new HashMap<>();
        if (old != null) {
            old.removedRoutes().forEach((tenant, v) -> {
                if (!routes.containsKey(tenant)) {
                    removed.put(tenant, v);
                }
            });
            for (String tenant : old.routes().keySet()) {
                if (!routes.containsKey(tenant)) {
                    removed.put(tenant, version);
                }
            }
        }
        return new Snapshot(version, hash, java.util.Collections.unmodifiableMap(targets),
                java.util.Collections.unmodifiableMap(routes), Map.copyOf(removed));
    }

    private Target target(YamlMapFile.TargetEntry e, int index, long version) throws SQLException {
        if (e == null) {
            throw invalid("targets[" + index + "] is empty");
        }
        if (e.name() == null || e.name().isEmpty() || e.name().length() > 63) {
            throw invalid("targets[" + index + "]: name must be 1 to 63 characters");
        }
        if (e.url() == null || !e.url().startsWith("jdbc:")) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("tenant map file " + path + ": target '" + e.name()
                    + "' needs a url: jdbc:…");
        }
        PasswordRef ref;
        try {
            ref = PasswordRef.parse(e.password());
        } catch (IllegalArgumentException ex) {
            throw TenantRouteSqlState.UNKNOWN_TARGET.exception("tenant map file " + path + ": target '" + e.name() + "': "
                    + ex.getMessage());
        }
        return new Target(e.name(), e.url(), e.user(), ref, version);
    }

    private static boolean sameTarget(Target a, Target b) {
        return a.name().equals(b.name()) && a.jdbcUrl().equals(b.jdbcUrl()) && Objects.equals(a.user(), b.user())
                && a.passwordRef().equals(b.passwordRef());
    }

    private SQLException invalid(String problem) {
        return TenantRouteSqlState.MAP_UNAVAILABLE.exception("invalid tenant map file " + path + ": " + problem);
    }
}
