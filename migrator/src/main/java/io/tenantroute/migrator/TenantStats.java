package io.tenantroute.migrator;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Ownership;
import io.tenantroute.migrator.internal.Planner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tenant size report ({@code tenantroute tenant stats}): rows and bytes per tenant across its owned tables,
 * where it lives, and whether it should move to a database of its own by configurable thresholds.
 *
 * <p>Scans every <em>location</em> tenants can live in: the {@code shared} target's default schema and each
 * distinct (target, schema) a route points at. Per location, the owned tables are found as a move finds them
 * ({@link Catalog}, {@link Planner}: tables with the tenant column, and child tables through foreign-key chains);
 * then one {@code SELECT tenant, COUNT(*) … GROUP BY tenant} per owned table (an index starting with the tenant
 * column can serve it, though the planner may prefer a scan; child tables are joined along their ownership path), all in one read-only REPEATABLE READ
 * transaction per location, so the counts of one location are one snapshot.
 *
 * <p>With {@code estimateChildren}, child tables are not joined: a tenant's rows of a child table are estimated as
 * its rows of the direct parent × (the child's rows ÷ the parent's rows), the child's rows from the catalog
 * statistics ({@code reltuples} / {@code table_rows}) — one cheap lookup instead of a join over the whole
 * child table, assuming children spread evenly over parents. Those tables are listed in
 * {@link Location#estimatedTables()} and {@link TenantLine#estimatedTables()}.
 *
 * <p>Row counts are otherwise <b>exact</b>. Bytes are <b>estimates</b>: a tenant's rows of a table × the table's average
 * row size, i.e. its on-disk size from the catalog (PostgreSQL {@code pg_total_relation_size}: heap, TOAST and
 * indexes; MySQL {@code data_length + index_length}) divided by its rows counted here (root tables) or the
 * larger of that and the catalog's row estimate (child tables, whose orphans the join does not count).
 *
 * <p>A tenant's figures are those of the location its route points at. Rows of the tenant found elsewhere
 * (the source of a completed move keeps them until cleanup) are reported apart as {@code leftoverRows}.
 *
 * <p>Thread-safe (no mutable state); {@link #collect} blocks on every database it reads.
 */
public final class TenantStats {
    /** What the estimated figures are, for the report's readers (text and JSON). */
    public static final String ESTIMATE_NOTE = "rows are exact (COUNT per owned table, child tables joined through their FK chain)"
            + " except for tables listed in estimatedTables; estimatedBytes = rows x each table's average row size"
            + " (catalog size incl. indexes / rows), an estimate";

    private final TenantMapStore store;
    private final TargetConnector connector;
    private final Target sharedTarget;

    /**
     * @param store the tenant map
     * @param connector opens connections to targets
     * @param sharedTarget the {@code shared} database when the map does not define a target of that name; may be null
     */
    public TenantStats(TenantMapStore store, TargetConnector connector, Target sharedTarget) {
        this.store = store;
        this.connector = connector;
        this.sharedTarget = sharedTarget;
    }

    /**
     * When a tenant should move: more rows in total than {@code totalRows}, or more rows in one table than its
     * per-table threshold (seed 001: {@code rows=100000}; seed 002: {@code musicians=300}, {@code projects=50}).
     * Each threshold is exceeded by a strictly greater count. Immutable.
     *
     * @param totalRows threshold on the tenant's rows across all owned tables, or null for none
     * @param tableRows per-table row thresholds (table → rows)
     */
    public record Thresholds(Long totalRows, Map<String, Long> tableRows) {
        /** No thresholds: nothing is flagged. */
        public static final Thresholds NONE = new Thresholds(null, Map.of());

        public Thresholds {
            tableRows = Map.copyOf(tableRows);
            if (totalRows != null && totalRows < 0) {
                throw new IllegalArgumentException("the total rows threshold must be ≥ 0, was " + totalRows);
            }
        }

        /**
         * Parses {@code key=rows} specs: {@code rows=N} is the total threshold, any other key a table name
         * ({@code table:rows=N} names a table called {@code rows}). Underscores and commas in N are ignored
         * ({@code 100_000}).
         *
         * @throws IllegalArgumentException for a malformed spec or a negative number
         */
        public static Thresholds parse(List<String> specs) {
            Long total = null;
            Map<String, Long> tables = new LinkedHashMap<>();
            for (String s : specs) {
                int eq = s.lastIndexOf('=');
                if (eq <= 0 || eq == s.length() - 1) {
                    throw new IllegalArgumentException("threshold must be rows=N or <table>=N, was '" + s + "'");
                }
                String key = s.substring(0, eq).trim();
                long n;
                try {
                    n = Long.parseLong(s.substring(eq + 1).trim().replace("_", "").replace(",", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("threshold '" + s + "': '" + s.substring(eq + 1) + "' is not a number");
                }
                if (n < 0) {
                    throw new IllegalArgumentException("threshold '" + s + "' must be ≥ 0");
                }
                if (key.equals("rows")) {
                    total = n;
                } else {
                    tables.put(key.startsWith("table:") ? key.substring("table:".length()) : key, n);
                }
            }
            return new Thresholds(total, tables);
        }
    }

    /**
     * One tenant's line of the report.
     *
     * @param tenant the tenant id
     * @param target the target its route points at ({@code shared} when the map does not name it)
     * @param schema the schema on that target, null for the target's default
     * @param state the route state ({@code active}, {@code frozen}, {@code suspended})
     * @param rows its rows across all owned tables at its current location (exact)
     * @param estimatedBytes its share of those tables' on-disk size, in bytes (estimate, see {@link #ESTIMATE_NOTE})
     * @param tableRows rows per owned table at its current location (exact), tables with no rows left out
     * @param leftoverRows its rows found at other locations (e.g. the source of a completed move, until cleanup)
     * @param sharedWith how many other tenants live at the same location (0: alone there)
     * @param shouldMove over a threshold and sharing its location with other tenants
     * @param reasons why (thresholds exceeded, e.g. {@code musicians 350 > 300}), or why not despite them
     * @param estimatedTables tables whose counts in {@code tableRows} (and so {@code rows}) are estimates, not
     *     counts (child tables with {@code estimateChildren}); empty when every count is exact
     */
    public record TenantLine(String tenant, String target, String schema, String state, long rows, long estimatedBytes,
            Map<String, Long> tableRows, long leftoverRows, int sharedWith, boolean shouldMove, List<String> reasons,
            List<String> estimatedTables) {
        /** @return true when {@code rows} is an exact count */
        public boolean rowsExact() {
            return estimatedTables.isEmpty();
        }
    }

    /**
     * One scanned location.
     *
     * @param target the target name
     * @param schema the schema / database scanned (the target's default resolved)
     * @param ownedTables owned tables found (with the tenant column)
     * @param childTables child tables found (owned through a FK chain)
     * @param tenants tenants with rows there
     * @param elapsedMs time spent on this location (catalog + counts), in ms
     * @param error why the location could not be read, or null
     * @param estimatedTables tables whose per-tenant rows were estimated, not counted
     */
    public record Location(String target, String schema, int ownedTables, int childTables, int tenants, long elapsedMs, String error,
            List<String> estimatedTables) {
    }

    /**
     * The report.
     *
     * @param tenants tenants by rows descending (ties by id), at most {@code top}
     * @param totalTenants tenants known (routed by the map or with rows somewhere)
     * @param shouldMove how many tenants of all known (not only those shown) should move
     * @param locations the locations scanned
     * @param warnings things the reader should know (a table without an index on the tenant column, a
     *     threshold naming no owned table, an unreadable location)
     * @param estimates what is exact and what is estimated
     */
    public record Report(List<TenantLine> tenants, int totalTenants, int shouldMove, List<Location> locations, List<String> warnings,
            String estimates) {
        /** @return true when every location could be read */
        public boolean complete() {
            return locations.stream().allMatch(l -> l.error() == null);
        }
    }

    /** Counts of one location: tenant → table → rows. */
    private static final class Scan {
        final String target;
        final String schema;
        final Map<String, Map<String, Long>> rows = new HashMap<>();
        final Map<String, Map<String, Long>> bytes = new HashMap<>();
        final List<String> estimated = new ArrayList<>();

        Scan(String target, String schema) {
            this.target = target;
            this.schema = schema;
        }

        long rowsOf(String tenant) {
            Map<String, Long> m = rows.get(tenant);
            return m == null ? 0 : m.values().stream().mapToLong(Long::longValue).sum();
        }

        long bytesOf(String tenant) {
            Map<String, Long> m = bytes.get(tenant);
            return m == null ? 0 : m.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Builds the report.
     *
     * @param thresholds when a tenant should move
     * @param tenantColumn the tenant column (normally {@code tenant_id})
     * @param tenantColumns per-table overrides (table → column)
     * @param top at most this many tenants in {@link Report#tenants()}; ≤ 0 for all
     * @param estimateChildren estimate child tables' rows from their parents instead of joining (see above)
     * @return the report; a location that cannot be read is listed with its error (the others still count)
     * @throws SQLException {@code TR010} when the tenant map cannot be read
     */
    public Report collect(Thresholds thresholds, String tenantColumn, Map<String, String> tenantColumns, int top, boolean estimateChildren)
            throws SQLException {
        List<Route> routes = store.routes();
        Map<String, Route> routeOf = new HashMap<>();
        // (target, schema as routed) → resolved location key; shared's default schema first
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        wanted.put(Target.SHARED, new ArrayList<>());
        wanted.get(Target.SHARED).add(null);
        for (Route r : routes) {
            routeOf.put(r.tenant(), r);
            List<String> schemas = wanted.computeIfAbsent(r.target(), k -> new ArrayList<>());
            if (!schemas.contains(r.schema())) {
                schemas.add(r.schema());
            }
        }
        List<String> warnings = new ArrayList<>();
        List<Location> locations = new ArrayList<>();
        Map<String, Scan> scans = new LinkedHashMap<>();
        Map<String, String> keyOf = new HashMap<>(); // target + NUL + routed schema ("" for default) → scan key
        Set<String> ownedAnywhere = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : wanted.entrySet()) {
            String targetName = e.getKey();
            Target t;
            try {
                t = resolve(targetName);
            } catch (SQLException ex) {
                for (String s : e.getValue()) {
                    locations.add(new Location(targetName, s, 0, 0, 0, 0, TenantMover.oneLine(ex), List.of()));
                }
                warnings.add(targetName + ": " + TenantMover.oneLine(ex));
                continue;
            }
            for (String routedSchema : e.getValue()) {
                long start = System.nanoTime();
                try (Connection c = connector.open(t)) {
                    Dialect engine = Dialect.of(c);
                    String schema = routedSchema != null ? routedSchema : defaultSchema(engine, c);
                    String key = targetName + '\0' + schema;
                    keyOf.put(targetName + '\0' + (routedSchema == null ? "" : routedSchema), key);
                    if (scans.containsKey(key)) {
                        continue;
                    }
                    Scan scan = new Scan(targetName, schema);
                    int[] kinds = scan(engine, c, schema, tenantColumn, tenantColumns, estimateChildren, scan, warnings, ownedAnywhere);
                    scans.put(key, scan);
                    locations.add(new Location(targetName, schema, kinds[0], kinds[1], scan.rows.size(),
                            (System.nanoTime() - start) / 1_000_000L, null, List.copyOf(scan.estimated)));
                } catch (SQLException ex) {
                    String where = targetName + (routedSchema == null ? "" : "/" + routedSchema);
                    locations.add(new Location(targetName, routedSchema, 0, 0, 0, (System.nanoTime() - start) / 1_000_000L,
                            TenantMover.oneLine(ex), List.of()));
                    warnings.add(where + " could not be read: " + TenantMover.oneLine(ex));
                }
            }
        }
        for (String table : thresholds.tableRows().keySet()) {
            if (!ownedAnywhere.contains(table)) {
                warnings.add("threshold " + table + "=" + thresholds.tableRows().get(table) + " names no owned table in any location");
            }
        }
        // every tenant: routed by the map, or with rows somewhere
        Set<String> tenants = new LinkedHashSet<>(routeOf.keySet());
        for (Scan s : scans.values()) {
            tenants.addAll(s.rows.keySet());
        }
        Map<String, String> home = new HashMap<>(); // tenant → scan key of its current location (null: unreadable)
        Map<String, Integer> living = new HashMap<>(); // scan key → tenants living there
        for (String tenant : tenants) {
            Route r = routeOf.getOrDefault(tenant, Route.implicitShared(tenant));
            String key = keyOf.get(r.target() + '\0' + (r.schema() == null ? "" : r.schema()));
            home.put(tenant, key);
            if (key != null) {
                living.merge(key, 1, Integer::sum);
            }
        }
        List<TenantLine> lines = new ArrayList<>();
        for (String tenant : tenants) {
            Route r = routeOf.getOrDefault(tenant, Route.implicitShared(tenant));
            String key = home.get(tenant);
            Scan here = key == null ? null : scans.get(key);
            long rows = here == null ? 0 : here.rowsOf(tenant);
            long bytes = here == null ? 0 : here.bytesOf(tenant);
            Map<String, Long> perTable = here == null ? Map.of() : new TreeMap<>(here.rows.getOrDefault(tenant, Map.of()));
            long leftover = 0;
            for (Map.Entry<String, Scan> s : scans.entrySet()) {
                if (!s.getKey().equals(key)) {
                    leftover += s.getValue().rowsOf(tenant);
                }
            }
            int others = key == null ? 0 : living.getOrDefault(key, 1) - 1;
            List<String> reasons = new ArrayList<>();
            if (thresholds.totalRows() != null && rows > thresholds.totalRows()) {
                reasons.add("rows " + rows + " > " + thresholds.totalRows());
            }
            for (Map.Entry<String, Long> th : thresholds.tableRows().entrySet()) {
                long n = perTable.getOrDefault(th.getKey(), 0L);
                if (n > th.getValue()) {
                    reasons.add(th.getKey() + " " + n + " > " + th.getValue());
                }
            }
            boolean over = !reasons.isEmpty();
            boolean move = over && others > 0;
            if (over && !move) {
                reasons.add(here == null ? "its location could not be read" : "already alone on " + r.target()
                        + (r.schema() == null ? "" : "/" + r.schema()));
            }
            if (here == null) {
                reasons.add("location " + r.target() + (r.schema() == null ? "" : "/" + r.schema()) + " not read");
            }
            List<String> estimatedHere = new ArrayList<>();
            if (here != null) {
                for (String t : here.estimated) {
                    if (perTable.containsKey(t)) {
                        estimatedHere.add(t);
                    }
                }
            }
            lines.add(new TenantLine(tenant, r.target(), r.schema(), r.state().label(), rows, bytes, perTable, leftover, others, move,
                    List.copyOf(reasons), List.copyOf(estimatedHere)));
        }
        lines.sort(Comparator.comparingLong(TenantLine::rows).reversed().thenComparing(TenantLine::tenant));
        int flagged = (int) lines.stream().filter(TenantLine::shouldMove).count();
        List<TenantLine> shown = top > 0 && lines.size() > top ? List.copyOf(lines.subList(0, top)) : List.copyOf(lines);
        return new Report(shown, lines.size(), flagged, List.copyOf(locations), List.copyOf(warnings), ESTIMATE_NOTE);
    }

    /** @return {owned tables, child tables} */
    private static int[] scan(Dialect e, Connection c, String schema, String tenantColumn, Map<String, String> tenantColumns,
            boolean estimateChildren, Scan out, List<String> warnings, Set<String> ownedAnywhere) throws SQLException {
        Map<String, Catalog.Table> tables = Catalog.read(c, e, schema);
        List<Ownership> owned = Planner.owned(tables, tenantColumn, tenantColumns);
        int roots = 0;
        int children = 0;
        Map<String, Map<String, Long>> countsOf = new HashMap<>(); // table → tenant → rows, parents before children
        Map<String, Long> totalOf = new HashMap<>();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try {
            for (Ownership o : owned) {
                Catalog.Table t = tables.get(o.table());
                ownedAnywhere.add(o.table());
                if (o.hops().isEmpty()) {
                    roots++;
                    if (!leadingIndex(e, c, schema, o.table(), o.tenantColumn())) {
                        warnings.add(out.target + "/" + schema + "." + o.table() + ": no index starting with " + o.tenantColumn()
                                + " (counted by a full scan)");
                    }
                } else {
                    children++;
                }
                Map<String, Long> counts = new HashMap<>();
                long total = 0;
                String parent = o.hops().isEmpty() ? null : o.hops().get(0).refTable();
                if (estimateChildren && parent != null && countsOf.containsKey(parent)) {
                    long childRows = t.estimatedRows() > 0 ? t.estimatedRows() : exactCount(e, c, schema, o.table());
                    long parentRows = totalOf.get(parent);
                    double perParentRow = parentRows > 0 ? (double) childRows / parentRows : 0;
                    for (Map.Entry<String, Long> pc : countsOf.get(parent).entrySet()) {
                        long n = Math.round(pc.getValue() * perParentRow);
                        if (n > 0) {
                            counts.put(pc.getKey(), n);
                        }
                    }
                    total = childRows;
                    out.estimated.add(o.table());
                } else {
                    String tenantCol = o.rootAlias() + "." + e.q(o.tenantColumn());
                    String sql = "SELECT " + tenantCol + ", COUNT(*)" + fromJoins(e, schema, o) + " GROUP BY " + tenantCol;
                    try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            String tenant = r.getString(1);
                            long n = r.getLong(2);
                            total += n;
                            if (tenant != null) {
                                counts.put(tenant, n);
                            }
                        }
                    }
                }
                countsOf.put(o.table(), counts);
                totalOf.put(o.table(), total);
                long denominator = o.hops().isEmpty() ? total : Math.max(total, t.estimatedRows());
                double avg = denominator > 0 ? (double) t.sizeBytes() / denominator : 0;
                for (Map.Entry<String, Long> en : counts.entrySet()) {
                    out.rows.computeIfAbsent(en.getKey(), k -> new HashMap<>()).put(o.table(), en.getValue());
                    out.bytes.computeIfAbsent(en.getKey(), k -> new HashMap<>()).put(o.table(), Math.round(avg * en.getValue()));
                }
            }
            c.commit();
        } finally {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // read-only; nothing to undo
            }
            c.setReadOnly(false);
            c.setAutoCommit(auto);
        }
        return new int[] {roots, children};
    }

    private static long exactCount(Dialect e, Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM " + e.q(schema, table)); ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** {@code FROM schema.table t0 JOIN … ON …} along the ownership chain, without a tenant filter. */
    private static String fromJoins(Dialect e, String schema, Ownership o) {
        StringBuilder b = new StringBuilder(" FROM ").append(e.q(schema, o.table())).append(" t0");
        for (int i = 0; i < o.hops().size(); i++) {
            Catalog.ForeignKey fk = o.hops().get(i);
            b.append(" JOIN ").append(e.q(schema, fk.refTable())).append(" t").append(i + 1).append(" ON ");
            for (int k = 0; k < fk.columns().size(); k++) {
                b.append(k > 0 ? " AND " : "").append('t').append(i).append('.').append(e.q(fk.columns().get(k))).append(" = t")
                        .append(i + 1).append('.').append(e.q(fk.refColumns().get(k)));
            }
        }
        return b.toString();
    }

    /** @return whether an index of the table starts with the column (so the GROUP BY can read the index) */
    private static boolean leadingIndex(Dialect e, Connection c, String schema, String table, String column) throws SQLException {
        String sql = e == Dialect.POSTGRESQL
                ? "SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]"
                        + " WHERE n.nspname = ? AND t.relname = ? AND a.attname = ?"
                : "SELECT 1 FROM information_schema.statistics WHERE table_schema = ? AND table_name = ? AND column_name = ? AND seq_in_index = 1";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            p.setString(2, table);
            p.setString(3, column);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    private Target resolve(String name) throws SQLException {
        return Archiving.resolve(store, sharedTarget, name);
    }

    private static String defaultSchema(Dialect e, Connection c) throws SQLException {
        if (e == Dialect.MYSQL) {
            String db = c.getCatalog();
            if (db == null || db.isEmpty()) {
                throw TenantRouteSqlState.UNKNOWN_TARGET.exception("the target's URL names no database");
            }
            return db;
        }
        try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            return r.getString(1);
        }
    }
}
