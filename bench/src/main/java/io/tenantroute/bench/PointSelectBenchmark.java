package io.tenantroute.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.driver.TenantContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Point-select throughput of an app that uses HikariCP in front of {@code jdbc:tenantroute:} against the same
 * app with HikariCP in front of pgjdbc directly (issue 2's ≤ 2 % goal). Both go to the same database: the
 * tenant {@code acme} is routed to target {@code dedicated}, and the direct pool connects to it.
 *
 * <p>Each operation is what a request of a multi-tenant app does: set the tenant ({@link TenantContext}),
 * borrow a connection, run {@code SELECT … WHERE id = ?} on a random one of 10,000 rows, read it, close.
 *
 * <p>Server: {@code TENANTROUTE_BENCH_PG_URL} (an admin URL, default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}); it creates and drops two databases.
 * Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(1)
@Threads(8)
public class PointSelectBenchmark {
    private static final int ROWS = 10_000;

    @Param({"direct", "tenantroute"})
    public String mode;

    private String adminUrl;
    private String base;
    private String query;
    private String shared;
    private String dedicated;
    private HikariDataSource app;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        adminUrl = System.getenv().getOrDefault("TENANTROUTE_BENCH_PG_URL",
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int q = adminUrl.indexOf('?');
        base = adminUrl.substring(0, slash + 1);
        query = q < 0 ? "" : adminUrl.substring(q);
        String suffix = Long.toString(System.nanoTime() & 0xffffffL, 36);
        shared = "tr_bench_shared_" + suffix;
        dedicated = "tr_bench_ded_" + suffix;
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + shared);
            s.execute("CREATE DATABASE " + dedicated);
        }
        try (Connection c = DriverManager.getConnection(url(dedicated)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL)");
            s.execute("INSERT INTO items SELECT g, 'acme', 'item ' || g FROM generate_series(1, " + ROWS + ") g");
            s.execute("ANALYZE items");
        }
        try (Connection c = DriverManager.getConnection(url(shared))) {
            ControlSchema.init(c);
        }
        try (TenantMapStore store = TenantMapStores.open(url(shared), new Properties())) {
            store.putTarget(new io.tenantroute.config.Target("dedicated", url(dedicated), null, null, 0));
            store.setRoute("acme", "dedicated", null);
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setMaximumPoolSize(8);
        cfg.setMinimumIdle(8);
        cfg.setPoolName("app-" + mode);
        cfg.setJdbcUrl("direct".equals(mode) ? url(dedicated) : "jdbc:tenantroute:" + url(shared).substring(5));
        app = new HikariDataSource(cfg);
    }

    private String url(String db) {
        return base + db + query;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        app.close();
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + shared + " WITH (FORCE)");
            s.execute("DROP DATABASE IF EXISTS " + dedicated + " WITH (FORCE)");
        }
    }

    @Benchmark
    public String pointSelect() throws Exception {
        try (AutoCloseable t = TenantContext.use("acme");
             Connection c = app.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            ps.setInt(1, 1 + ThreadLocalRandom.current().nextInt(ROWS));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
