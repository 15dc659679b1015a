package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Dialect;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.SourceCapture;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Blue-green, back and forth (seed 003: keep the old database ready, switch back at once, forward again once
 * fixed): one tenant is moved, rolled back, moved again into the same former destination (which still holds its
 * stale, fenced rows: they are replaced), rolled back and moved once more, under 8 writers of the tenant — one of
 * them a stale router that re-reads the map only after a {@code TR003} rejection — and a writer of another
 * tenant. At the end every acknowledged write is where the tenant lives, exactly once; the other tenant's rows
 * are untouched. And a cleanup after a rollback cleans the former destination.
 */
class BlueGreenTest {
    static final String TENANT = "acme";
    static final int WRITERS = 8;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moveRollbackMoveRollbackMove_underWriters_everyAcknowledgedWriteOnceWhereTheTenantLives(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 100);
            f.seed("globex", 900_000, 20);
            Map<Long, Integer> invoices = new ConcurrentHashMap<>();
            Map<Long, String> customers = new ConcurrentHashMap<>();
            Map<Long, String> globex = new ConcurrentHashMap<>();
            read(f.src, "SELECT id, total FROM invoices WHERE tenant_id = ?", TENANT, r -> invoices.put(r.getLong(1), r.getBigDecimal(2).intValue()));
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", TENANT, r -> customers.put(r.getLong(1), r.getString(2)));
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", "globex", r -> globex.put(r.getLong(1), r.getString(2)));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger staleFenced = new AtomicInteger();
            Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int me = w;
                threads.add(new Thread(() -> write(f, me, me == 0, invoices, customers, acks, staleFenced, stop, failure), "writer-" + w));
            }
            threads.add(new Thread(() -> {
                try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement("INSERT INTO customers (tenant_id, name) VALUES (?, ?)",
                        new String[] {"id"})) {
                    for (int i = 0; !stop.get(); i++) {
                        Thread.sleep(5);
                        p.setString(1, "globex");
                        p.setString(2, "g" + i);
                        p.executeUpdate();
                        try (ResultSet k = p.getGeneratedKeys()) {
                            k.next();
                            globex.put(k.getLong(1), "g" + i);
                        }
                    }
                } catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "globex-writer"));
            threads.forEach(Thread::start);
            TenantRollback rollback = new TenantRollback(f.store, f.journal, TargetConnector.direct(), null);
            try {
                awaitAcks(acks, "shared", 30, failure);
                for (int cycle = 0; cycle < 2; cycle++) {
                    f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
                    awaitAcks(acks, "dedicated", 30, failure);
                    rollback.rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
                    awaitAcks(acks, "shared", 30, failure);
                }
                MoveResult last = f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
                assertTrue(last.verification().matches());
                awaitAcks(acks, "dedicated", 30, failure);
            } finally {
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            Route r = f.route(TENANT);
            assertEquals("dedicated", r.target());
            assertEquals(RouteState.ACTIVE, r.state());
            // every acknowledged write where the tenant lives, exactly once (a write acknowledged on a fenced side after
            // its flip would be missing here)
            Map<Long, Integer> dstInvoices = new HashMap<>();
            read(f.dst, "SELECT id, total FROM invoices WHERE tenant_id = ?", TENANT, x -> dstInvoices.put(x.getLong(1), x.getBigDecimal(2).intValue()));
            assertEquals(new HashMap<>(invoices), dstInvoices);
            Map<Long, String> dstCustomers = new HashMap<>();
            read(f.dst, "SELECT id, name FROM customers WHERE tenant_id = ?", TENANT, x -> dstCustomers.put(x.getLong(1), x.getString(2)));
            assertEquals(new HashMap<>(customers), dstCustomers);
            assertEquals(invoices.size() * 2L, f.count(f.dst, null,
                    "SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?", TENANT));
            Map<Long, String> srcGlobex = new HashMap<>();
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", "globex", x -> srcGlobex.put(x.getLong(1), x.getString(2)));
            assertEquals(new HashMap<>(globex), srcGlobex, "the other tenant's rows are untouched");
            assertTrue(acks.get("dedicated").get() > 0 && acks.get("shared").get() > 0);
            assertTrue(staleFenced.get() > 0, "the stale router was turned away by a fence at least once");
            // journal: three moves (two of them into the former destination) and two rollbacks, all done
            List<String> kinds = new ArrayList<>();
            for (MigrationJournal.Migration m : f.journal.history(TENANT, 10)) {
                assertEquals("done", m.status(), m.toString());
                kinds.add(0, m.kind());
            }
            assertEquals(List.of("move", "rollback", "move", "rollback", "move"), kinds);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cleanupAfterRollback_cleansTheFormerDestination_thenAMoveThereIsAnOrdinaryOne(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 30);
            f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            new TenantRollback(f.store, f.journal, TargetConnector.direct(), null).rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
            Path dir = Files.createTempDirectory("bluegreen").resolve("archive");
            TenantCleanup.CleanupResult c = new TenantCleanup(f.store, f.journal, TargetConnector.direct(), null)
                    .cleanup(TenantCleanup.CleanupRequest.of(TENANT).withArchive(dir), MoveListener.NONE);
            assertEquals("dedicated", c.source(), "the former destination is cleaned");
            assertEquals(30, c.deleted().get("invoices"));
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TENANT));
            assertEquals(30, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TENANT), "the live rows stay");
            Dialect d = engine == Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
            try (Connection x = f.dst.connect()) {
                assertNull(new SourceCapture(d, engine == Engine.POSTGRESQL ? "public" : f.dst.name()).state(x, TENANT), "unfenced there");
            }
            // the former destination is empty of the tenant now: the next move there is an ordinary one
            MoveResult again = f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            assertTrue(again.verification().matches());
            assertEquals(30, f.count(f.dst, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TENANT));
        }
    }

    private static void awaitAcks(Map<String, AtomicInteger> acks, String target, int more, AtomicReference<Throwable> failure)
            throws InterruptedException {
        int start = acks.computeIfAbsent(target, k -> new AtomicInteger()).get();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (acks.get(target).get() < start + more && failure.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void write(Fixture f, int me, boolean stale, Map<Long, Integer> invoices, Map<Long, String> customers,
            Map<String, AtomicInteger> acks, AtomicInteger staleFenced, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        Random rnd = new Random(me);
        long nextId = 2_000_000L + me * 100_000L;
        List<Long> mine = new ArrayList<>();
        for (Long id : invoices.keySet()) {
            if (id % WRITERS == me) {
                mine.add(id);
            }
        }
        try {
            Route cached = f.route(TENANT);
            while (!stop.get()) {
                Thread.sleep(3);
                int op = rnd.nextInt(10);
                boolean customer = op == 3;
                boolean insert = op < 3 || mine.isEmpty();
                long id = insert ? nextId++ : mine.get(rnd.nextInt(mine.size()));
                boolean delete = !insert && !customer && op == 9;
                int total = rnd.nextInt(100_000);
                String name = "c" + me + "-" + rnd.nextInt(1_000_000);
                for (int attempt = 0; ; attempt++) {
                    Route r = stale ? cached : f.route(TENANT);
                    if (!stale && r.state() == RouteState.FROZEN) {
                        Thread.sleep(2);
                        continue;
                    }
                    long customerId = -1;
                    try (Connection c = f.connectRoute(r)) {
                        c.setAutoCommit(false);
                        if (customer) {
                            try (PreparedStatement p = c.prepareStatement("INSERT INTO customers (tenant_id, name) VALUES (?, ?)", new String[] {"id"})) {
                                p.setString(1, TENANT);
                                p.setString(2, name);
                                p.executeUpdate();
                                try (ResultSet k = p.getGeneratedKeys()) {
                                    k.next();
                                    customerId = k.getLong(1);
                                }
                            }
                        } else if (insert) {
                            exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", id, TENANT, total);
                            exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", id * 10, id, 1);
                            exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", id * 10 + 1, id, 2);
                        } else if (delete) {
                            exec(c, "DELETE FROM line_notes WHERE line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ?)", id);
                            exec(c, "DELETE FROM invoice_lines WHERE invoice_id = ?", id);
                            exec(c, "DELETE FROM invoices WHERE id = ?", id);
                        } else {
                            exec(c, "UPDATE invoices SET total = ? WHERE id = ?", total, id);
                        }
                        c.commit();
                    } catch (SQLException ex) {
                        if (TenantRouteSqlState.TENANT_FENCED.matches(ex)) {
                            if (stale) {
                                staleFenced.incrementAndGet();
                            }
                            cached = f.route(TENANT);
                            Thread.sleep(2);
                            continue;
                        }
                        String st = ex.getSQLState();
                        if (attempt < 50 && st != null && (st.startsWith("40") || ex.getErrorCode() == 1205)) {
                            continue;
                        }
                        throw ex;
                    }
                    acks.computeIfAbsent(r.target(), k -> new AtomicInteger()).incrementAndGet();
                    if (customer) {
                        customers.put(customerId, name);
                    } else if (insert) {
                        invoices.put(id, total);
                        mine.add(id);
                    } else if (delete) {
                        invoices.remove(id);
                        mine.remove(id);
                    } else {
                        invoices.put(id, total);
                    }
                    break;
                }
            }
        } catch (Throwable ex) {
            failure.compareAndSet(null, ex);
        }
    }

    private static void read(TestDatabase db, String sql, String tenant, RollbackTest.RowReader row) throws SQLException {
        RollbackTest.read(db, sql, tenant, row);
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        RollbackTest.exec(c, sql, params);
    }
}
