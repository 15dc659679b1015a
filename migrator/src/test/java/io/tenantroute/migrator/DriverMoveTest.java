package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.CachedTenantMap;
import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.driver.TenantRouteDriver;
import io.tenantroute.driver.internal.TenantMaps;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real thing: 8 app threads write through {@code jdbc:tenantroute:} (the driver) during an online move,
 * with the real JDBC tenant map store. Two of them use a map that never watches the store
 * ({@code map-refresh-ms=0}, a stale router): the source's fence rejects their writes with TR003 and the driver
 * (or the app, on the transient exception) retries on the new route.
 */
class DriverMoveTest {
    static final String TENANT = "drv'acme";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void writesThroughDriverDuringOnlineMove_noneLost_noneOnSourceAfterFlip(Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        try (TestDatabase src = server.createDatabase("mig_dsrc"); TestDatabase dst = server.createDatabase("mig_ddst");
             TestDatabase ctl = server.createDatabase("mig_dctl")) {
            String schema = engine == Engine.POSTGRESQL ? "tenantroute" : ctl.name();
            try (Connection c = ctl.connect()) {
                ControlSchema.init(c, schema);
            }
            Properties sp = new Properties();
            sp.setProperty(TenantMapStores.CONTROL_SCHEMA, schema);
            try (TenantMapStore store = TenantMapStores.open(ctl.url(), sp);
                 CachedTenantMap fresh = CachedTenantMap.open(store, 100, 1000);
                 CachedTenantMap stale = CachedTenantMap.open(store, 0, 1000)) {
                store.putTarget(new Target(Target.SHARED, src.url(), null, PasswordRef.NONE, 0));
                store.putTarget(new Target("dedicated", dst.url(), null, PasswordRef.NONE, 0));
                TenantMaps.install(src.url(), 100, fresh);
                TenantMaps.install(src.url(), 0, stale);
                src.execute("CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id varchar(100) NOT NULL, total int NOT NULL)",
                        "CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id), qty int NOT NULL)");
                Map<Long, Integer> model = new ConcurrentHashMap<>();
                try (Connection c = src.connect(); PreparedStatement p = c.prepareStatement("INSERT INTO invoices VALUES (?, ?, ?)");
                     PreparedStatement l = c.prepareStatement("INSERT INTO invoice_lines VALUES (?, ?, ?)")) {
                    for (long i = 1; i <= 300; i++) {
                        p.setLong(1, i);
                        p.setString(2, i % 3 == 0 ? "other" : TENANT);
                        p.setInt(3, (int) i);
                        p.executeUpdate();
                        l.setLong(1, i * 10);
                        l.setLong(2, i);
                        l.setInt(3, 1);
                        l.executeUpdate();
                        if (i % 3 != 0) {
                            model.put(i, (int) i);
                        }
                    }
                }
                AtomicBoolean stop = new AtomicBoolean();
                AtomicBoolean flipped = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicInteger retries = new AtomicInteger();
                List<Long> insertedAfterFlip = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    final int me = w;
                    Thread t = new Thread(() -> {
                        Properties p = new Properties();
                        p.setProperty("tenantroute.tenant", TENANT);
                        p.setProperty("tenantroute.pool-size", "2");
                        p.setProperty("tenantroute.map-refresh-ms", me < 2 ? "0" : "100");
                        Random rnd = new Random(me);
                        long next = 1_000_000L + me * 100_000L;
                        List<Long> mine = new ArrayList<>();
                        for (Long id : model.keySet()) {
                            if (id % 8 == me) {
                                mine.add(id);
                            }
                        }
                        try (Connection c = DriverManager.getConnection(src.tenantRouteUrl(), p)) {
                            c.setAutoCommit(false);
                            while (!stop.get()) {
                                Thread.sleep(3);
                                int op = rnd.nextInt(10);
                                boolean insert = op < 4 || mine.isEmpty();
                                long id = insert ? next++ : mine.get(rnd.nextInt(mine.size()));
                                boolean delete = !insert && op == 9;
                                int total = rnd.nextInt(1_000_000);
                                boolean after = flipped.get();
                                for (int attempt = 0; ; attempt++) {
                                    try {
                                        if (insert) {
                                            exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", id, TENANT, total);
                                            exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", id * 10, id, 1);
                                        } else if (delete) {
                                            exec(c, "DELETE FROM invoice_lines WHERE invoice_id = ?", id);
                                            exec(c, "DELETE FROM invoices WHERE id = ?", id);
                                        } else {
                                            exec(c, "UPDATE invoices SET total = ? WHERE id = ?", total, id);
                                        }
                                        c.commit();
                                        break;
                                    } catch (SQLException ex) {
                                        try {
                                            c.rollback();
                                        } catch (SQLException ignored) {
                                            // the driver already rolled back
                                        }
                                        boolean retryable = ex instanceof SQLTransientException
                                                || (ex.getSQLState() != null && ex.getSQLState().startsWith("40"));
                                        if (!retryable || attempt > 100) {
                                            throw ex;
                                        }
                                        retries.incrementAndGet();
                                    }
                                }
                                if (insert) {
                                    model.put(id, total);
                                    mine.add(id);
                                    if (after) {
                                        insertedAfterFlip.add(id);
                                    }
                                } else if (delete) {
                                    model.remove(id);
                                    mine.remove(id);
                                } else {
                                    model.put(id, total);
                                }
                            }
                        } catch (Throwable ex) {
                            failure.compareAndSet(null, ex);
                        }
                    }, "driver-writer-" + w);
                    threads.add(t);
                    t.start();
                }
                Thread.sleep(400);
                MoveResult r;
                try {
                    MigrationJournal journal = new MigrationJournal(ctl::connect, schema);
                    r = new TenantMover(store, journal, TargetConnector.direct(), null)
                            .move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
                    flipped.set(true);
                    Thread.sleep(600);
                } finally {
                    stop.set(true);
                    for (Thread t : threads) {
                        t.join(30_000);
                    }
                }
                if (failure.get() != null) {
                    throw new AssertionError("a writer failed", failure.get());
                }
                assertTrue(r.verification().matches());
                Map<Long, Integer> onTarget = new HashMap<>();
                try (Connection c = dst.connect(); PreparedStatement p = c.prepareStatement("SELECT id, total FROM invoices WHERE tenant_id = ?")) {
                    p.setString(1, TENANT);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            onTarget.put(rs.getLong(1), rs.getInt(2));
                        }
                    }
                }
                assertEquals(new HashMap<>(model), onTarget, "every acknowledged write on the target, exactly once");
                assertTrue(!insertedAfterFlip.isEmpty(), "writers kept writing after the flip");
                try (Connection c = src.connect(); PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM invoices WHERE id = ?")) {
                    for (Long id : new ArrayList<>(insertedAfterFlip)) {
                        p.setLong(1, id);
                        try (ResultSet rs = p.executeQuery()) {
                            rs.next();
                            assertEquals(0, rs.getLong(1), "invoice " + id + " written after the flip reached the source");
                        }
                    }
                }
                // the captured changes are cleared after the flip: those the final replay read once by id included
                String changes = engine == Engine.POSTGRESQL ? "tenantroute.mig_changes" : "tenantroute_changes";
                try (Connection c = src.connect(); PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM " + changes);
                     ResultSet rs = p.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), "change rows left on the source after the move");
                }
            } finally {
                TenantRouteDriver.shutdown();
            }
        }
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setObject(i + 1, params[i]);
            }
            p.executeUpdate();
        }
    }
}
