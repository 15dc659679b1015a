package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
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
 * Rollback of a completed move: eight writers of the tenant (one of them a stale router that re-reads the map
 * only after a TR003 rejection) and one writer of another tenant on the shared database run through the move,
 * the time on the new target, and the rollback. Afterwards every acknowledged write is on the old source
 * exactly once. Refusals change nothing.
 */
class RollbackTest {
    static final String TENANT = "acme's \"big\" one";
    static final int WRITERS = 8;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moveThenRollback_underConcurrentWriters_everyAcknowledgedWriteIsBackOnTheOldSourceOnce(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 300);
            f.seed("globex", 900_000, 50);
            Map<Long, BigDecimal> invoices = new ConcurrentHashMap<>();
            Map<Long, Integer> lines = new ConcurrentHashMap<>();
            Map<Long, String> customers = new ConcurrentHashMap<>();
            Map<Long, String> globexCustomers = new ConcurrentHashMap<>();
            read(f.src, "SELECT id, total FROM invoices WHERE tenant_id = ?", TENANT, r -> invoices.put(r.getLong(1), r.getBigDecimal(2)));
            read(f.src, "SELECT l.id, l.qty FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?", TENANT,
                    r -> lines.put(r.getLong(1), r.getInt(2)));
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", TENANT, r -> customers.put(r.getLong(1), r.getString(2)));
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", "globex", r -> globexCustomers.put(r.getLong(1), r.getString(2)));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger staleFenced = new AtomicInteger();
            Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
            List<Long> customersOnDedicated = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                final int me = w;
                final boolean stale = w == 0;
                threads.add(new Thread(() -> {
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
                            long id = op < 3 || mine.isEmpty() ? nextId++ : mine.get(rnd.nextInt(mine.size()));
                            boolean insert = op < 3 || !invoices.containsKey(id);
                            boolean delete = !insert && op == 9;
                            BigDecimal total = new BigDecimal(rnd.nextInt(100000)).movePointLeft(2);
                            int qty = rnd.nextInt(50);
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
                                        try (PreparedStatement p = c.prepareStatement("INSERT INTO customers (tenant_id, name) VALUES (?, ?)",
                                                new String[] {"id"})) {
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
                                        if (stale) {
                                            staleFenced.incrementAndGet();
                                        }
                                        cached = f.route(TENANT);
                                        if (cached.state() == RouteState.FROZEN) {
                                            Thread.sleep(2);
                                        }
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
                                    if (r.target().equals("dedicated")) {
                                        customersOnDedicated.add(customerId);
                                    }
                                } else if (insert) {
                                    invoices.put(id, total);
                                    mine.add(id);
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
                }, "writer-" + w));
            }
            // another tenant keeps inserting on the shared database the whole time (its identity counter moves on)
            threads.add(new Thread(() -> {
                try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement(
                        "INSERT INTO customers (tenant_id, name) VALUES (?, ?)", new String[] {"id"})) {
                    int i = 0;
                    while (!stop.get()) {
                        Thread.sleep(5);
                        p.setString(1, "globex");
                        p.setString(2, "g" + i++);
                        p.executeUpdate();
                        try (ResultSet k = p.getGeneratedKeys()) {
                            k.next();
                            globexCustomers.put(k.getLong(1), "g" + (i - 1));
                        }
                    }
                } catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "globex-writer"));
            threads.forEach(Thread::start);
            MoveResult moved;
            MoveResult back;
            long dedicatedAcksAtRollback;
            try {
                Thread.sleep(300);
                moved = f.mover().move(MoveRequest.of(TENANT, "dedicated").withParallel(2), MoveListener.NONE);
                while (acks.getOrDefault("dedicated", new AtomicInteger()).get() < 40 && failure.get() == null) {
                    Thread.sleep(20); // writes on the new target after the cutover
                }
                dedicatedAcksAtRollback = acks.getOrDefault("dedicated", new AtomicInteger()).get();
                back = rollback(f).rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
                int sharedAfter = acks.getOrDefault("shared", new AtomicInteger()).get();
                while (acks.get("shared").get() < sharedAfter + 20 && failure.get() == null) {
                    Thread.sleep(20); // writes on the old source after the rollback
                }
            } finally {
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            assertTrue(moved.verification().matches(), moved.verification().toString());
            assertTrue(back.verification().matches(), back.verification().toString());
            Route r = f.route(TENANT);
            assertEquals("shared", r.target());
            assertNull(r.schema());
            assertEquals(RouteState.ACTIVE, r.state());
            assertTrue(acks.get("dedicated").get() > dedicatedAcksAtRollback || dedicatedAcksAtRollback >= 40, "writes on the new target");
            assertTrue(staleFenced.get() > 0, "the stale router met a fence");
            assertTrue(!customersOnDedicated.isEmpty(), "identity inserts on the new target");

            // every acknowledged write is on the old source, exactly once (keys are unique), nothing else
            Map<Long, BigDecimal> srcInvoices = new HashMap<>();
            read(f.src, "SELECT id, total FROM invoices WHERE tenant_id = ?", TENANT, x -> srcInvoices.put(x.getLong(1), x.getBigDecimal(2)));
            assertEquals(new HashMap<>(invoices), srcInvoices);
            Map<Long, Integer> srcLines = new HashMap<>();
            read(f.src, "SELECT l.id, l.qty FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.tenant_id = ?", TENANT,
                    x -> srcLines.put(x.getLong(1), x.getInt(2)));
            assertEquals(new HashMap<>(lines), srcLines);
            Map<Long, String> srcCustomers = new HashMap<>();
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", TENANT, x -> srcCustomers.put(x.getLong(1), x.getString(2)));
            assertEquals(new HashMap<>(customers), srcCustomers);
            Map<Long, String> srcGlobex = new HashMap<>();
            read(f.src, "SELECT id, name FROM customers WHERE tenant_id = ?", "globex", x -> srcGlobex.put(x.getLong(1), x.getString(2)));
            assertEquals(new HashMap<>(globexCustomers), srcGlobex, "the other tenant's rows are untouched");
            assertEquals(50, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "globex"));

            // identity values handed out on the new target came from a range apart from the source's
            long start = -1;
            for (MigrationJournal.IdentityRange range : f.journal.identityRanges(moved.migrationId())) {
                if ("customers".equals(range.table())) {
                    start = range.start();
                }
            }
            assertTrue(start >= (1L << 28), "customers.id on the new target starts at " + start);
            for (Long id : customersOnDedicated) {
                assertTrue(id >= start, "customer " + id + " inserted on the new target below its range start " + start);
            }
            // a fresh insert on the old source lands above everything copied back
            try (Connection c = f.src.connect(); PreparedStatement p = c.prepareStatement(
                    "INSERT INTO customers (tenant_id, name) VALUES ('globex', 'after')", new String[] {"id"})) {
                p.executeUpdate();
                try (ResultSet k = p.getGeneratedKeys()) {
                    k.next();
                    assertTrue(k.getLong(1) > java.util.Collections.max(customersOnDedicated));
                }
            }

            // journal, fences: the new target is fenced for the tenant, the old source is not
            MigrationJournal.Migration last = f.journal.history(TENANT, 1).get(0);
            assertEquals(MigrationJournal.ROLLBACK, last.kind());
            assertEquals("done", last.status());
            assertEquals(back.migrationId(), last.id());
            assertEquals("fenced", fenceState(f, f.dst, TENANT));
            assertNull(fenceState(f, f.src, TENANT));
            assertEquals(0, f.count(f.src, null, "SELECT COUNT(*) FROM " + (engine == Engine.POSTGRESQL ? "tenantroute.mig_bypass" : "tenantroute_bypass")
                    + " WHERE tenant = ?", TENANT), "bypass rows removed");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void refusals_noMove_afterCleanup_keyCollision_changeNothing(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 20);
            f.seed("globex", 900_000, 10);
            TenantRollback rb = rollback(f);

            String before = snapshot(f);
            SQLException none = assertThrows(SQLException.class, () -> rb.rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE));
            assertEquals("TR011", none.getSQLState());
            assertTrue(none.getMessage().contains("no completed move"), none.getMessage());
            assertEquals(before, snapshot(f));

            f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            // a key the application chose itself on the new target, held on the old source by another tenant
            try (Connection c = f.dst.connect()) {
                exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", 777_777L, TENANT, new BigDecimal("1.00"));
                exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", 7_777_770L, 777_777L, 3);
            }
            try (Connection c = f.src.connect()) {
                exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", 777_777L, "globex", new BigDecimal("2.00"));
            }
            before = snapshot(f);
            MovePlan plan = rb.plan(TENANT, MoveMode.ONLINE, "tenant_id");
            assertTrue(!plan.ready(), plan.render());
            assertTrue(plan.render().contains("invoices (777777)"), plan.render());
            SQLException collision = assertThrows(SQLException.class, () -> rb.rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE));
            assertEquals("TR011", collision.getSQLState());
            assertTrue(collision.getMessage().contains("invoices (777777)"), collision.getMessage());
            assertEquals(before, snapshot(f));

            // the collision resolved, but the old rows were cleaned up: refused too
            try (Connection c = f.src.connect()) {
                exec(c, "DELETE FROM invoices WHERE id = ?", 777_777L);
            }
            assertTrue(rb.plan(TENANT, MoveMode.ONLINE, "tenant_id").ready(), rb.plan(TENANT, MoveMode.ONLINE, "tenant_id").render());
            long cleanup = f.journal.begin(MigrationJournal.CLEANUP, TENANT, "shared", null, "shared", null, "archive", "test");
            f.journal.finish(cleanup, "done", null);
            before = snapshot(f);
            SQLException cleaned = assertThrows(SQLException.class, () -> rb.rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE));
            assertEquals("TR011", cleaned.getSQLState());
            assertTrue(cleaned.getMessage().contains("cleaned up"), cleaned.getMessage());
            assertEquals(before, snapshot(f));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void offlineRollback_bringsBackWritesMadeAfterTheCutover(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            f.seed(TENANT, 1000, 30);
            f.seed("globex", 900_000, 10);
            f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            try (Connection c = f.dst.connect()) {
                exec(c, "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", 5_000_000L, TENANT, new BigDecimal("5.00"));
                exec(c, "INSERT INTO invoice_lines (id, invoice_id, qty) VALUES (?, ?, ?)", 50_000_000L, 5_000_000L, 5);
                exec(c, "DELETE FROM invoice_lines WHERE invoice_id = ?", 1001L);
                exec(c, "DELETE FROM invoices WHERE id = ?", 1001L);
                exec(c, "UPDATE invoices SET total = ? WHERE id = ?", new BigDecimal("9.99"), 1002L);
                exec(c, "INSERT INTO customers (tenant_id, name) VALUES (?, ?)", TENANT, "after cutover");
            }
            MoveResult back = rollback(f).rollback(TENANT, MoveMode.OFFLINE, "tenant_id", MoveListener.NONE);
            assertTrue(back.verification().matches(), back.verification().toString());
            assertEquals("shared", f.route(TENANT).target());
            assertEquals(RouteState.ACTIVE, f.route(TENANT).state());
            assertEquals(30, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", TENANT));
            assertEquals(0, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE id = 1001 AND tenant_id = ?", TENANT));
            assertEquals(1, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE id = 5000000 AND tenant_id = ?", TENANT));
            assertEquals(1, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE id = 1002 AND total = 9.99 AND tenant_id = ?", TENANT));
            assertEquals(1, f.count(f.src, null, "SELECT COUNT(*) FROM customers WHERE name = 'after cutover' AND tenant_id = ?", TENANT));
            assertEquals(10, f.count(f.src, null, "SELECT COUNT(*) FROM invoices WHERE tenant_id = ?", "globex"));
            assertEquals("fenced", fenceState(f, f.dst, TENANT));
            assertNull(fenceState(f, f.src, TENANT));
        }
    }

    static TenantRollback rollback(Fixture f) {
        return new TenantRollback(f.store, f.journal, TargetConnector.direct(), null);
    }

    /** Everything a refused rollback must leave alone: both databases' rows, fences, the route, the journal. */
    private static String snapshot(Fixture f) throws SQLException {
        StringBuilder b = new StringBuilder();
        for (TestDatabase db : new TestDatabase[] {f.src, f.dst}) {
            for (String t : new String[] {"customers", "invoices", "invoice_lines", "line_notes", "categories"}) {
                b.append(db.name()).append('.').append(t).append(':');
                try (Connection c = db.connect(); var s = c.createStatement()) {
                    if (!tableExists(c, t)) {
                        b.append("absent\n");
                        continue;
                    }
                    try (ResultSet r = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1")) {
                        ResultSetMetaData md = r.getMetaData();
                        while (r.next()) {
                            for (int i = 1; i <= md.getColumnCount(); i++) {
                                b.append(r.getString(i)).append('|');
                            }
                            b.append(';');
                        }
                    }
                }
                b.append('\n');
            }
            b.append("fence ").append(fenceState(f, db, TENANT)).append('\n');
        }
        Route r = f.route(TENANT);
        b.append("route ").append(r.target()).append(' ').append(r.schema()).append(' ').append(r.state()).append(' ').append(r.version()).append('\n');
        b.append("journal ").append(f.journal.history(TENANT, 100).size());
        return b.toString();
    }

    private static boolean tableExists(Connection c, String t) throws SQLException {
        try (ResultSet r = c.getMetaData().getTables(c.getCatalog(), null, t, null)) {
            return r.next();
        }
    }

    private static String fenceState(Fixture f, TestDatabase db, String tenant) throws SQLException {
        try (Connection c = db.connect()) {
            boolean pg = f.engine == Engine.POSTGRESQL;
            try (ResultSet r = c.getMetaData().getTables(pg ? null : c.getCatalog(), pg ? "tenantroute" : null,
                    pg ? "mig_fence" : "tenantroute_fence", null)) {
                if (!r.next()) {
                    return null;
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT state FROM " + (pg ? "tenantroute.mig_fence" : "tenantroute_fence")
                    + " WHERE tenant = ?")) {
                p.setString(1, tenant);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        }
    }

    interface RowReader {
        void row(ResultSet r) throws SQLException;
    }

    static void read(TestDatabase db, String sql, String tenant, RowReader reader) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    reader.row(r);
                }
            }
        }
    }

    static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                p.setObject(i + 1, params[i]);
            }
            p.executeUpdate();
        }
    }
}
