package io.tenantroute.bench;

import io.tenantroute.routing.sql.RoutingDecision;
import io.tenantroute.routing.sql.SqlDialect;
import io.tenantroute.routing.sql.SqlTenantInference;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-statement cost of SQL tenant inference on the cache-hit path (the shape of the text is already cached,
 * as for every statement an app repeats): a Caffeine lookup by SQL text plus reading the bound tenant value.
 * Goal: ≤ 1 µs per statement. {@link #parseMiss} shows what a first sight of a text costs, for contrast.
 *
 * <p>Run: {@code java -cp <bench classpath> org.openjdk.jmh.Main TenantInferenceBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TenantInferenceBench {
    /** Typical legacy statements: parameter, join with alias, multi-row upsert, a child table naming none. */
    private static final String[] POSTGRESQL_SQL = {
        "SELECT id, total, note FROM invoices WHERE tenant_id = ? AND id = ?",
        "SELECT l.* FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id AND i.tenant_id = ? WHERE l.qty > ?",
        "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                + " SET total = EXCLUDED.total RETURNING id",
        "SELECT * FROM invoice_lines WHERE invoice_id = ?",
    };
    private static final Object[] VALUES = {"acme", "acme", "acme", "acme", "acme", "acme"};

    @Param({"POSTGRESQL", "MYSQL"})
    public SqlDialect dialect;

    private SqlTenantInference inference;
    private String[] sql;
    private IntFunction<Object> values;
    private int next;
    private long missCounter;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        inference = new SqlTenantInference(dialect);
        sql = POSTGRESQL_SQL.clone();
        if (dialect == SqlDialect.MYSQL) {
            sql[2] = "INSERT INTO `invoices` (id, tenant_id, total) VALUES (?, ?, ?), (?, ?, ?)"
                    + " ON DUPLICATE KEY UPDATE total = VALUES(total)";
        }
        values = i -> VALUES[i % VALUES.length];
        for (String s : sql) {
            inference.decide(s, values); // fill the cache (and load Calcite) before measuring
        }
    }

    /** One statement, cache hit: lookup + bound value. */
    @Benchmark
    public String cacheHitParameter() throws SQLException {
        return inference.tenantOf(sql[0], values);
    }

    /** Rotates over four cached statements (join, upsert, none), each a cache hit. */
    @Benchmark
    public RoutingDecision cacheHitMixed() throws SQLException {
        int i = next++ & 3;
        return inference.decide(sql[i], values);
    }

    /**
     * Cache hit for an app that builds its SQL string anew for each execution: the lookup must hash and compare
     * the whole text (a constant string caches its hash).
     */
    @Benchmark
    public String cacheHitFreshString() throws SQLException {
        return inference.tenantOf(new String(sql[1]), values);
    }

    /** A new SQL text every time: Babel parse + extraction (the cost paid once per distinct text). */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public String parseMiss() throws SQLException {
        return inference.tenantOf("SELECT * FROM invoices WHERE tenant_id = ? AND id = " + (missCounter++), values);
    }
}
