package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A move and a rollback must not make the app's own transactions fail: writers of four tenants of one shared
 * database (two each, multi-statement transactions over invoices, invoice lines and customers) run while one of
 * the tenants is moved to a dedicated database and rolled back. Every transaction the writers start either
 * commits or meets the documented answers of a cutover ({@code TR003} from the fence, which a router answers by
 * re-reading the map): none gets a deadlock or serialization failure ({@code 40001}) or a lock wait timeout, on
 * the moved tenant or on the others.
 *
 * <p>MariaDB used to give such errors during moves and rollbacks (issue 15): creating the capture triggers (and
 * an {@code ALTER TABLE … AUTO_INCREMENT} on a table in use) waits for the table's metadata lock while holding a
 * weaker one, and an application transaction that already holds a lock on the table from an earlier statement
 * and asks for a stronger one closes a cycle that the metadata-lock deadlock detector breaks by failing the
 * application's transaction — nothing in InnoDB's deadlock monitor (see {@code LiveDdl}).
 */
class WriterDeadlockTest {
    static final String[] TENANTS = {"t1", "t2", "t3", "t4"};
    static final int WRITERS_PER_TENANT = 2;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moveAndRollback_underWritersOfEveryTenant_noTransactionGetsADeadlock(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            for (int i = 0; i < TENANTS.length; i++) {
                f.seed(TENANTS[i], 10_000 * (i + 1), 200);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Map<String, AtomicInteger> commits = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> deadlocks = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < TENANTS.length; t++) {
                for (int w = 0; w < WRITERS_PER_TENANT; w++) {
                    String tenant = TENANTS[t];
                    int me = t * WRITERS_PER_TENANT + w;
                    threads.add(new Thread(() -> write(f, tenant, me, stop, commits, deadlocks, failure), "writer-" + tenant + "-" + w));
                }
            }
            threads.forEach(Thread::start);
            try {
                awaitCommits(commits, failure, 50);
                f.mover().move(MoveRequest.of("t1", "dedicated").withParallel(2), MoveListener.NONE);
                awaitCommits(commits, failure, 50);
                new TenantRollback(f.store, f.journal, TargetConnector.direct(), null).rollback("t1", MoveMode.ONLINE, "tenant_id",
                        MoveListener.NONE);
                awaitCommits(commits, failure, 50);
            } finally {
                stop.set(true);
                for (Thread th : threads) {
                    th.join(30_000);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            assertTrue(commits.values().stream().mapToInt(AtomicInteger::get).sum() > 0);
            assertEquals(List.of(), new ArrayList<>(deadlocks), "transactions that failed with a deadlock, serialization failure or lock wait timeout");
            assertEquals("shared", f.route("t1").target());
        }
    }

    /** Waits until every writer's tenant has committed {@code n} more transactions. */
    private static void awaitCommits(Map<String, AtomicInteger> commits, AtomicReference<Throwable> failure, int n) throws InterruptedException {
        Map<String, Integer> start = new java.util.HashMap<>();
        for (String t : TENANTS) {
            start.put(t, commits.computeIfAbsent(t, k -> new AtomicInteger()).get());
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String t : TENANTS) {
            while (commits.get(t).get() < start.get(t) + n && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    private static void write(Fixture f, String tenant, int me, AtomicBoolean stop, Map<String, AtomicInteger> commits,
            ConcurrentLinkedQueue<String> deadlocks, AtomicReference<Throwable> failure) {
        Random rnd = new Random(me);
        long nextId = 5_000_000L + me * 100_000L;
        List<Long> mine = new ArrayList<>();
        try {
            while (!stop.get()) {
                Thread.sleep(2);
                int op = rnd.nextInt(10);
                long id = op < 4 || mine.isEmpty() ? nextId++ : mine.get(rnd.nextInt(mine.size()));
                boolean insert = op < 4 || !mine.contains(id);
                boolean delete = !insert && op == 9;
                for (int attempt = 0; ; attempt++) {
                    Route r = f.route(tenant);
                    if (r.state() == RouteState.FROZEN) {
                        Thread.sleep(2);
                        continue;
                    }
                    try (Connection c = f.connectRoute(r)) {
                        c.setAutoCommit(false);
                        if (insert) {
                            exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", id, tenant, rnd.nextInt(1000));
                            exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", id * 10, id, 1);
                            exec(c, "INSERT INTO customers (tenant_id, name) VALUES (?, ?)", tenant, "c" + id);
                        } else if (delete) {
                            exec(c, "DELETE FROM invoice_lines WHERE invoice_id = ?", id);
                            exec(c, "DELETE FROM invoices WHERE id = ?", id);
                        } else {
                            exec(c, "UPDATE invoices SET total = ? WHERE id = ?", rnd.nextInt(1000), id);
                            exec(c, "UPDATE invoice_lines SET qty = ? WHERE invoice_id = ?", rnd.nextInt(50), id);
                        }
                        c.commit();
                    } catch (SQLException ex) {
                        if (TenantRouteSqlState.TENANT_FENCED.matches(ex) && attempt < 1000) {
                            Thread.sleep(2);
                            continue; // the cutover's documented answer: re-read the map, retry
                        }
                        String st = ex.getSQLState();
                        if (st != null && (st.startsWith("40") || ex.getErrorCode() == 1205 || ex.getErrorCode() == 1213)) {
                            deadlocks.add(tenant + ": " + st + " " + ex.getMessage());
                            if (attempt < 50) {
                                continue;
                            }
                        }
                        throw ex;
                    }
                    commits.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
                    if (insert) {
                        mine.add(id);
                    } else if (delete) {
                        mine.remove(id);
                    }
                    break;
                }
            }
        } catch (Throwable ex) {
            failure.compareAndSet(null, ex);
        }
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        RollbackTest.exec(c, sql, params);
    }
}
