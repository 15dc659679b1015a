package io.tenantroute.routing.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Infers the tenant of a statement from its SQL text and bound values, with Apache Calcite's Babel parser. Each
 * distinct SQL text is parsed once into an immutable routing shape, kept in a bounded Caffeine cache; a cache hit
 * costs a hash lookup plus reading the bound values that name the tenant (see the {@code bench} module).
 *
 * <p>What names a tenant: an equality between the tenant column and a literal or a parameter in a conjunct of a
 * {@code WHERE} / {@code JOIN … ON} / {@code HAVING} AND chain (any alias, unqualified too; also in subqueries,
 * CTEs, {@code INSERT … SELECT}, UPDATE and DELETE), each value of {@code tenant_id IN (…)}, and the tenant
 * column's value in every row of an INSERT. Nothing under {@code OR}/{@code NOT}/{@code CASE} does. When all of
 * them agree, that is the tenant; when they disagree the statement fails with {@code TR012}. A statement that
 * names none may carry a comment hint {@code /* tenant=acme *}{@code /} anywhere (also in a statement Calcite
 * cannot parse).
 *
 * <p>Dialect clauses Calcite 1.42 cannot parse ({@code ON CONFLICT}, {@code ON DUPLICATE KEY UPDATE},
 * {@code RETURNING}, {@code FOR UPDATE}, {@code REPLACE INTO}, …) are cut or rewritten before parsing. A statement
 * that still does not parse never fails here: its decision says {@code parsed() == false}, and it is logged once
 * per SQL text (while its shape stays cached).
 *
 * <p>Free of JDBC wrapper code, so the wire proxy reuses it. Thread-safe; never blocks except for the first parse
 * of a text (which loads Calcite once, ~0.5 s, then ~50–100 µs per new text).
 */
public final class SqlTenantInference implements TenantInference {
    /** Default bound of the shape cache, in distinct SQL texts. */
    public static final int DEFAULT_MAX_CACHED_SHAPES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(SqlTenantInference.class);

    private final SqlDialect dialect;
    private final TenantColumns columns;
    private final Cache<String, RoutingShape> shapes;
    /** Words one of which a statement naming a tenant must contain: the tenant columns and "tenant" (hints). */
    private final List<String> needles;

    /**
     * @param dialect how to read statements (see {@link SqlDialect#forJdbcUrl(String)})
     * @param columns the tenant column per table
     * @param maxCachedShapes the most distinct SQL texts whose shapes are kept (≥ 1); the least recently used go
     * @throws IllegalArgumentException when {@code maxCachedShapes < 1}
     */
    public SqlTenantInference(SqlDialect dialect, TenantColumns columns, int maxCachedShapes) {
        if (maxCachedShapes < 1) {
            throw new IllegalArgumentException("maxCachedShapes must be ≥ 1, was " + maxCachedShapes);
        }
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.columns = Objects.requireNonNull(columns, "columns");
        this.shapes = Caffeine.newBuilder().maximumSize(maxCachedShapes).build();
        java.util.Set<String> n = new java.util.LinkedHashSet<>();
        n.add("tenant");
        n.addAll(columns.allColumns());
        this.needles = List.copyOf(n);
    }

    /**
     * With {@link TenantColumns#defaults()} and {@link #DEFAULT_MAX_CACHED_SHAPES}.
     *
     * @param dialect how to read statements
     */
    public SqlTenantInference(SqlDialect dialect) {
        this(dialect, TenantColumns.defaults(), DEFAULT_MAX_CACHED_SHAPES);
    }

    /**
     * Decides the routing of one execution.
     *
     * @param sql the statement text exactly as the app sent it
     * @param parameters the bound value of each parameter by 0-based index ({@code ?} counted in text order, or
     *     PostgreSQL {@code $n} as index {@code n-1}), read at execute time; null for a plain statement (then
     *     parameters name no tenant). Only called for the indexes that name a tenant.
     * @return the decision; never null
     * @throws SQLException {@code TR012} ({@code MULTIPLE_TENANTS}) when the statement names several tenants, e.g.
     *     a multi-row INSERT of two tenants or two disagreeing hints
     */
    @Override
    public RoutingDecision decide(String sql, IntFunction<Object> parameters) throws SQLException {
        return shapeOf(sql).decide(parameters);
    }

    /**
     * {@inheritDoc}
     *
     * @return the tenant named by the statement, else by its comment hint, else null
     * @throws SQLException {@code TR012} ({@code MULTIPLE_TENANTS}) when the statement names several tenants
     */
    @Override
    public String tenantOf(String sql, IntFunction<Object> parameters) throws SQLException {
        return decide(sql, parameters).tenant();
    }

    /**
     * {@inheritDoc}
     *
     * <p>True when the text mentions a tenant column or the word {@code tenant} (hints), in any case; a scan of the
     * text, no parse.
     */
    @Override
    public boolean mayNameTenant(String sql) {
        for (String needle : needles) {
            if (containsIgnoreCase(sql, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String needle) {
        int n = needle.length();
        for (int i = 0, end = text.length() - n; i <= end; i++) {
            if (text.regionMatches(true, i, needle, 0, n)) {
                return true;
            }
        }
        return false;
    }

    /** @return the dialect statements are read in */
    public SqlDialect dialect() {
        return dialect;
    }

    /** @return the tenant column configuration */
    public TenantColumns columns() {
        return columns;
    }

    /** @return the number of SQL texts whose shape is cached now (approximate) */
    public long cachedShapes() {
        return shapes.estimatedSize();
    }

    /** Runs the cache's pending evictions now (tests). */
    void cleanUpCache() {
        shapes.cleanUp();
    }

    RoutingShape shapeOf(String sql) {
        Objects.requireNonNull(sql, "sql");
        RoutingShape shape = shapes.getIfPresent(sql);
        if (shape != null) {
            return shape;
        }
        return shapes.get(sql, this::parse);
    }

    private RoutingShape parse(String sql) {
        RoutingShape shape = ShapeExtractor.extract(sql, dialect, columns);
        if (!shape.parsed) {
            LOG.info("Tenant inference cannot parse a statement ({}); it routes by its hint or the routing policy."
                    + " Statement: {}", shape.failure, abbreviate(sql));
        }
        return shape;
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…";
    }
}
