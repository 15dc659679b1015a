package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Eight writers change the tenant's invoices and lines during an online move. Writers are plain JDBC
 * "routers" (the tenantroute driver is another engineer's work): seven re-read the map before each
 * transaction and wait while the route is frozen; one is stale (it re-reads only after a TR003 rejection, like
 * a router with map-refresh-ms=0). Afterwards every acknowledged write is on the target exactly once.
 */
class ConcurrentMoveTest {
    static final String TENANT = "acme's \"big\" one";
    static final int WRITERS = 8;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void concurrentWritersDuringOnlineMove_everyAcknowledgedWriteLandsOnTargetOnce_staleRouterIsFencedAndRetried(Engine engine)
            throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 400);
            f.seed("globex", 900_000, 50);
            // the model of what the tenant's data must be: invoice id -> total, line id -> qty
            Map<Long, BigDecimal> invoices = new ConcurrentHashMap<>();
            Map<Long, Integer> lines = new ConcurrentHashMap<>();
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("SELECT id, total FROM invoices WHERE tenant_id = ?")) {
                p.setString(1, TENANT);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        invoices.put(r.getLong(1), r.getBigDecimal(2));
                    }
                }
            }
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement(
                    "SELECT l.id, l.qty FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?")) {
                p.setString(1, TENANT);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        lines.put(r.getLong(1), r.getInt(2));
                    }
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger fenced = new AtomicInteger();
            AtomicInteger staleFenced = new AtomicInteger();
            Map<String, AtomicInteger> acksByTarget = new ConcurrentHashMap<>();
            List<Long> insertedOnTarget = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                final int me = w;
                final boolean stale = w == 0;
                Thread t = new Thread(() -> {
                    Random rnd = new Random(me);
                    long nextId = 2_000_000L + me * 100_000L;
                    List<Long> mine = new ArrayList<>();
                    for (Long id : invoices.keySet()) {
                        if (id % WRITERS == me) {
                            mine.add(id);
                        }
                    }
                    Route cached = null;
                    try {
                        cached = f.route(TENANT);
                        while (!stop.get()) {
                            Thread.sleep(3); // a busy app, not a load test: catch-up must converge
                            int op = rnd.nextInt(10);
                            long id = op < 3 || mine.isEmpty() ? nextId++ : mine.get(rnd.nextInt(mine.size()));
                            boolean insert = op < 3 || !invoices.containsKey(id);
                            boolean delete = !insert && op == 9;
                            BigDecimal total = new BigDecimal(rnd.nextInt(100000)).movePointLeft(2);
                            int qty = rnd.nextInt(50);
                            for (int attempt = 0; ; attempt++) {
                                Route r = stale ? cached : f.route(TENANT);
                                if (!stale && r.state() == RouteState.FROZEN) {
                                    Thread.sleep(2);
                                    continue;
                                }
                                try (Connection c = f.connectRoute(r)) {
                                    c.setAutoCommit(false);
                                    if (insert) {
                                        exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", id, TENANT, total);
                                        exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", id * 10, id, qty);
                                    } else if (delete) {
                                        exec(c, "DELETE FROM invoice_lines WHERE invoice_id = ?", id);
                                        exec(c, "DELETE FROM invoices WHERE id = ?", id);
                                    } else {
                                        exec(c, "UPDATE invoices SET total = ? WHERE id = ?", total, id);
                                        exec(c, "UPDATE invoice_lines SET qty = ? WHERE invoice_id = ?", qty, id);
                                    }
                                    c.commit();
                                } catch (SQLException ex) {
                                    if (TenantRouteSqlState.TENANT_FENCED.matches(ex)) {
                                        fenced.incrementAndGet();
                                        if (stale) {
                                            staleFenced.incrementAndGet();
                                        }
                                        cached = f.route(TENANT); // refresh the map only now
                                        if (cached.state() == RouteState.FROZEN) {
                                            Thread.sleep(2);
                                        }
                                        continue;
                                    }
                                    String st = ex.getSQLState();
                                    if (attempt < 50 && st != null && (st.startsWith("40") || ex.getErrorCode() == 1205)) {
                                        continue; // deadlock / serialization failure: rolled back, retry
                                    }
                                    throw ex;
                                }
                                // acknowledged: record it in the model
                                acksByTarget.computeIfAbsent(r.target(), k -> new AtomicInteger()).incrementAndGet();
                                if (insert) {
                                    invoices.put(id, total);
                                    mine.add(id);
                                    if (r.target().equals("dedicated")) {
                                        insertedOnTarget.add(id);
                                    }
                                    lines.put(id * 10, qty);
                                } else if (delete) {
                                    invoices.remove(id);
                                    mine.remove(id);
                                    lines.keySet().removeIf(l -> l / 10 == id);
                                } else {
                                    invoices.put(id, total);
                                    for (Long l : new ArrayList<>(lines.keySet())) {
                                        if (l / 10 == id) {
                                            lines.put(l, qty);
                                        }
                                    }
                                }
                                break;
                            }
                        }
                    } catch (Throwable ex) {
                        failure.compareAndSet(null, ex);
                    }
                }, "writer-" + w);
                threads.add(t);
                t.start();
            }
            Thread.sleep(300);
            MoveResult result;
            try {
                result = f.mover().move(MoveRequest.of(TENANT, "dedicated").withParallel(2), MoveListener.NONE);
            } finally {
                Thread.sleep(500);
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            assertTrue(result.verification().matches(), result.verification().toString());
            assertEquals("dedicated", f.route(TENANT).target());
            assertTrue(acksByTarget.getOrDefault("shared", new AtomicInteger()).get() > 0, "writes before the flip");
            assertTrue(acksByTarget.getOrDefault("dedicated", new AtomicInteger()).get() > 0, "writes after the flip");
            assertTrue(staleFenced.get() > 0, "the stale router met the fence at least once");
            // every acknowledged write is on the target, exactly once (keys are unique), nothing else
            assertEquals(new HashMap<>(invoices), readMoney(f, "SELECT id, total FROM invoices WHERE tenant_id = ?"));
            Map<Long, Integer> targetLines = new HashMap<>();
            try (Connection c = f.dst.connect(); PreparedStatement p = c.prepareStatement(
                    "SELECT l.id, l.qty FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?")) {
                p.setString(1, TENANT);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        targetLines.put(r.getLong(1), r.getInt(2));
                    }
                }
            }
            assertEquals(new HashMap<>(lines), targetLines);
            // no write reached the source after the flip
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM invoices WHERE id = ?")) {
                for (Long id : new ArrayList<>(insertedOnTarget)) {
                    p.setLong(1, id);
                    try (ResultSet r = p.executeQuery()) {
                        r.next();
                        assertEquals(0, r.getLong(1), "invoice " + id + " acknowledged on the target also reached the source");
                    }
                }
            }
            // the other tenant was never touched
            assertEquals(50, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "globex"));
        }
    }

    private static Map<Long, BigDecimal> readMoney(Fixture f, String sql) throws SQLException {
        Map<Long, BigDecimal> m = new HashMap<>();
        try (Connection c = f.dst.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, TENANT);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    m.put(r.getLong(1), r.getBigDecimal(2));
                }
            }
        }
        return m;
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
