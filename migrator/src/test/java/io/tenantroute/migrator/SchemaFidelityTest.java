package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.math.BigDecimal;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Table definitions the move must reproduce on the destination, not just the rows: generated columns (both engines)
 * and, on PostgreSQL, enum, domain and composite types of the source schema. A table {@code orders} with a stored
 * generated {@code total = qty * price} (MySQL/MariaDB also a virtual one and an ENUM column; PostgreSQL a domain
 * {@code qty_t}, an enum {@code mood}, a {@code mood[]} and a composite {@code money_pair}) is moved online while
 * writers change it, then rolled back online while they go on; every acknowledged write is where the tenant lives,
 * the generated values are the destination's own, and both checksums agree.
 */
class SchemaFidelityTest {
    static final String TENANT = "acme";
    static final int WRITERS = 3;
    /** PostgreSQL: a schema-per-tenant destination, so the types' schema differs from the source's ({@code public}). */
    static final String PG_SCHEMA = "tenant_acme";

    @TempDir
    Path tmp;

    /** The writers' view of one order: what they last wrote and had acknowledged. */
    record Order(int qty, BigDecimal price, String mood) {
        BigDecimal total() {
            return price.multiply(BigDecimal.valueOf(qty)).setScale(2);
        }
    }

    static void createOrders(Fixture f) throws SQLException {
        if (f.engine == Engine.POSTGRESQL) {
            f.src.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                    "CREATE DOMAIN qty_t AS integer NOT NULL DEFAULT 1 CONSTRAINT qty_nonneg CHECK (VALUE >= 0)",
                    "CREATE TYPE money_pair AS (amount numeric(10,2), currency char(3))",
                    "CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, qty qty_t, price numeric(10,2) NOT NULL,"
                            + " total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED, mood mood NOT NULL DEFAULT 'ok',"
                            + " moods mood[], pair money_pair)");
        } else {
            f.src.execute("CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id varchar(255) NOT NULL, qty int NOT NULL,"
                    + " price decimal(10,2) NOT NULL, total decimal(12,2) AS (qty * price) STORED, doubled int AS (qty * 2) VIRTUAL,"
                    + " mood enum('sad','ok','happy') NOT NULL DEFAULT 'ok') ENGINE=InnoDB");
        }
    }

    /** Inserts or updates one order on a connection routed to where the tenant lives (types resolve there). */
    static void write(Engine engine, Connection c, long id, String tenant, Order o, boolean insert) throws SQLException {
        String sql;
        if (engine == Engine.POSTGRESQL) {
            sql = insert
                    ? "INSERT INTO orders (qty, price, mood, moods, pair, tenant_id, id) VALUES (?, ?, CAST(? AS mood), ARRAY[CAST(? AS mood), 'sad'],"
                            + " ROW(?, 'EUR')::money_pair, ?, ?)"
                    : "UPDATE orders SET qty = ?, price = ?, mood = CAST(? AS mood), moods = ARRAY[CAST(? AS mood), 'sad'],"
                            + " pair = ROW(?, 'EUR')::money_pair WHERE tenant_id = ? AND id = ?";
        } else {
            sql = insert ? "INSERT INTO orders (qty, price, mood, tenant_id, id) VALUES (?, ?, ?, ?, ?)"
                    : "UPDATE orders SET qty = ?, price = ?, mood = ? WHERE tenant_id = ? AND id = ?";
        }
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            p.setInt(i++, o.qty());
            p.setBigDecimal(i++, o.price());
            p.setString(i++, o.mood());
            if (engine == Engine.POSTGRESQL) {
                p.setString(i++, o.mood());
                p.setBigDecimal(i++, o.price());
            }
            p.setString(i++, tenant);
            p.setLong(i, id);
            if (p.executeUpdate() != 1) {
                throw new IllegalStateException("order " + id + " not written");
            }
        }
    }

    static void seedOrders(Fixture f, String tenant, long base, int n, Map<Long, Order> expected) throws SQLException {
        try (Connection c = f.src.connect()) {
            for (int i = 0; i < n; i++) {
                Order o = new Order(i % 7, new BigDecimal(i + ".25"), i % 3 == 0 ? "sad" : i % 3 == 1 ? "ok" : "happy");
                write(f.engine, c, base + i, tenant, o, true);
                if (expected != null) {
                    expected.put(base + i, o);
                }
            }
        }
    }

    /** Reads the tenant's orders where {@code db}/{@code schema} holds them, checking each generated value on the way. */
    static Map<Long, Order> readOrders(Fixture f, TestDatabase db, String schema, String tenant) throws SQLException {
        Map<Long, Order> out = new HashMap<>();
        boolean pg = f.engine == Engine.POSTGRESQL;
        String sql = "SELECT id, qty, price, total, " + (pg ? "mood::text, moods::text, (pair).amount, (pair).currency" : "mood, doubled")
                + " FROM orders WHERE tenant_id = ?";
        try (Connection c = f.connect(db, schema)) {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, tenant);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        Order o = new Order(r.getInt(2), r.getBigDecimal(3), r.getString(5));
                        assertEquals(o.total(), r.getBigDecimal(4).setScale(2), "generated total of order " + r.getLong(1));
                        if (pg) {
                            assertEquals("{" + o.mood() + ",sad}", r.getString(6), "mood[] of order " + r.getLong(1));
                            assertEquals(0, o.price().compareTo(r.getBigDecimal(7)), "composite of order " + r.getLong(1));
                            assertEquals("EUR", r.getString(8));
                        } else {
                            assertEquals(o.qty() * 2, r.getInt(6), "virtual column of order " + r.getLong(1));
                        }
                        out.put(r.getLong(1), o);
                    }
                }
            }
        }
        return out;
    }

    /** Writers that insert, update and delete the tenant's orders through the route until stopped. */
    static final class Writers {
        final Fixture f;
        final Map<Long, Order> expected;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();

        Writers(Fixture f, Map<Long, Order> expected, long idBase) {
            this.f = f;
            this.expected = expected;
            for (int w = 0; w < WRITERS; w++) {
                final int me = w;
                threads.add(new Thread(() -> run(me, idBase + me * 100_000L), "orders-writer-" + w));
            }
            threads.forEach(Thread::start);
        }

        int acks(String target) {
            return acks.getOrDefault(target, new AtomicInteger()).get();
        }

        private void run(int me, long nextId) {
            Random rnd = new Random(me);
            List<Long> mine = new ArrayList<>();
            for (Long id : expected.keySet()) {
                if (id % WRITERS == me) {
                    mine.add(id);
                }
            }
            String[] moods = {"sad", "ok", "happy"};
            try {
                while (!stop.get()) {
                    Thread.sleep(4);
                    int op = rnd.nextInt(10);
                    boolean insert = op < 2 || mine.isEmpty();
                    boolean delete = !insert && op == 9;
                    long id = insert ? nextId++ : mine.get(rnd.nextInt(mine.size()));
                    Order o = new Order(rnd.nextInt(40), new BigDecimal(rnd.nextInt(100_000)).movePointLeft(2), moods[rnd.nextInt(3)]);
                    for (int attempt = 0; ; attempt++) {
                        Route r = f.route(TENANT);
                        if (r.state() == RouteState.FROZEN) {
                            Thread.sleep(2);
                            continue;
                        }
                        try (Connection c = f.connectRoute(r)) {
                            if (delete) {
                                try (PreparedStatement p = c.prepareStatement("DELETE FROM orders WHERE tenant_id = ? AND id = ?")) {
                                    p.setString(1, TENANT);
                                    p.setLong(2, id);
                                    p.executeUpdate();
                                }
                            } else {
                                write(f.engine, c, id, TENANT, o, insert);
                            }
                        } catch (SQLException ex) {
                            String st = ex.getSQLState();
                            if (TenantRouteSqlState.TENANT_FENCED.matches(ex)
                                    || attempt < 50 && st != null && (st.startsWith("40") || ex.getErrorCode() == 1205)) {
                                continue; // the route moved on, or a serialization failure / lock wait: write again
                            }
                            throw ex;
                        }
                        acks.computeIfAbsent(r.target(), k -> new AtomicInteger()).incrementAndGet();
                        if (delete) {
                            expected.remove(id);
                            mine.remove(id);
                        } else {
                            expected.put(id, o);
                            if (insert) {
                                mine.add(id);
                            }
                        }
                        break;
                    }
                }
            } catch (Throwable ex) {
                failure.compareAndSet(null, ex);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
        }

        /** Waits until {@code n} more writes than now were acknowledged on {@code target}. */
        void awaitMore(String target, int n) throws InterruptedException {
            int goal = acks(target) + n;
            long until = System.nanoTime() + 30_000_000_000L;
            while (acks(target) < goal && failure.get() == null && System.nanoTime() < until) {
                Thread.sleep(10);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void onlineMoveAndRollback_underWriters_generatedColumnsAndTypesComeAlong(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false)) {
            createOrders(f);
            f.seed(TENANT, 1000, 5);
            f.seed("globex", 5000, 3);
            Map<Long, Order> expected = new ConcurrentHashMap<>();
            seedOrders(f, TENANT, 10_000, 60, expected);
            seedOrders(f, "globex", 50_000, 10, null);
            boolean pg = engine == Engine.POSTGRESQL;
            String dstSchema = pg ? PG_SCHEMA : null;
            MoveRequest req = MoveRequest.of(TENANT, "dedicated").withParallel(2);
            if (pg) {
                req = req.withSchema(PG_SCHEMA, true);
                MovePlan plan = f.mover().plan(req);
                assertTrue(plan.ready(), plan.render());
                assertTrue(plan.checks().stream().anyMatch(c -> c.name().equals("custom types") && c.detail().contains("mood")
                        && c.detail().contains("qty_t") && c.detail().contains("money_pair")), plan.render());
            }

            Writers w = new Writers(f, expected, 2_000_000L);
            MoveResult moved;
            try {
                w.awaitMore("shared", 20);
                moved = f.mover().move(req, MoveListener.NONE);
                w.awaitMore("dedicated", 30); // the application keeps writing on the destination, its types and all
            } finally {
                w.stop();
            }
            assertTrue(moved.verification().matches(), moved.verification().toString());
            TableVerification orders = moved.verification().tables().stream().filter(t -> t.table().equals("orders")).findFirst().orElseThrow();
            assertEquals(orders.sourceChecksum(), orders.targetChecksum());
            assertEquals(orders.sourceRows(), orders.targetRows());
            assertEquals("dedicated", f.route(TENANT).target());
            assertEquals(dstSchema, f.route(TENANT).schema());
            assertEquals(new HashMap<>(expected), readOrders(f, f.dst, dstSchema, TENANT), "every acknowledged write, generated values computed there");
            assertEquals(0, f.count(f.dst, dstSchema, "SELECT COUNT(*) FROM orders WHERE tenant_id = 'globex'", null));
            assertGenerated(f, f.dst, pg ? PG_SCHEMA : f.dst.name());
            if (pg) {
                // the types live in the tenant's schema: an app routed there (search_path = that schema) names them
                assertEquals(3, f.count(f.dst, null, "SELECT COUNT(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                        + " WHERE n.nspname = '" + PG_SCHEMA + "' AND t.typname IN ('mood', 'qty_t', 'money_pair')", null));
                assertTrue(f.count(f.dst, PG_SCHEMA, "SELECT COUNT(*) FROM orders WHERE mood = 'ok'::mood OR qty = 0::qty_t", null) > 0);
                List<String> createdTypes = f.journal.steps(moved.migrationId()).stream().filter(s -> "create-type".equals(s.step()))
                        .map(MigrationJournal.Step::table).toList();
                assertEquals(List.of("qty_t", "mood", "money_pair"), createdTypes);
                SQLException bad = assertThrows(SQLException.class, () -> f.dst.execute(
                        "INSERT INTO " + PG_SCHEMA + ".orders (id, tenant_id, qty, price) VALUES (1, 'acme', -1, 1)"));
                assertTrue(bad.getMessage().contains("qty_nonneg"), "the domain's CHECK came along: " + bad.getMessage());
            }

            // roll back online while the writers go on
            w = new Writers(f, expected, 3_000_000L);
            MoveResult back;
            try {
                w.awaitMore("dedicated", 20);
                back = RollbackTest.rollback(f).rollback(TENANT, MoveMode.ONLINE, "tenant_id", MoveListener.NONE);
                w.awaitMore("shared", 20);
            } finally {
                w.stop();
            }
            assertTrue(back.verification().matches(), back.verification().toString());
            assertEquals("shared", f.route(TENANT).target());
            assertNull(f.route(TENANT).schema());
            assertEquals(RouteState.ACTIVE, f.route(TENANT).state());
            assertEquals(new HashMap<>(expected), readOrders(f, f.src, null, TENANT), "every acknowledged write is back on the source");
            assertEquals(10, f.count(f.src, null, "SELECT COUNT(*) FROM orders WHERE tenant_id = 'globex'", null), "other tenants untouched");
        }
    }

    private static void assertGenerated(Fixture f, TestDatabase db, String schema) throws SQLException {
        if (f.engine == Engine.POSTGRESQL) {
            assertEquals(1, f.count(db, null, "SELECT COUNT(*) FROM pg_attribute WHERE attrelid = '" + schema + ".orders'::regclass"
                    + " AND attname = 'total' AND attgenerated = 's'", null), "total is generated on the destination");
        } else {
            assertEquals(1, f.count(db, null, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + schema
                    + "' AND table_name = 'orders' AND column_name = 'total' AND extra LIKE '%STORED GENERATED%'", null));
            assertEquals(1, f.count(db, null, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + schema
                    + "' AND table_name = 'orders' AND column_name = 'doubled' AND extra LIKE '%VIRTUAL GENERATED%'", null));
        }
    }

    @Test
    void postgres_typesAlreadyOnTheDestination_sameDefinitionKept_differentRefusedByName_failedMoveDropsOnlyItsOwn() throws Exception {
        try (Fixture f = new Fixture(Engine.POSTGRESQL, false)) {
            createOrders(f);
            f.seed(TENANT, 1000, 3);
            seedOrders(f, TENANT, 10_000, 12, null);
            // the destination has mood as on the source, and a money_pair of its own
            f.dst.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                    "CREATE TYPE money_pair AS (amount numeric(10,2), currency text)");

            MovePlan plan = f.mover().plan(MoveRequest.of(TENANT, "dedicated"));
            assertFalse(plan.ready(), plan.render());
            SQLException refused = assertThrows(SQLException.class, () -> f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE));
            assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(refused), refused.getSQLState());
            assertTrue(refused.getMessage().contains("type public.money_pair exists on the destination with a different definition"),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("currency text") && refused.getMessage().contains("currency character(3)"),
                    refused.getMessage());
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM pg_class WHERE relname = 'orders'", null), "nothing created");
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM pg_type WHERE typname = 'qty_t'", null));
            assertEquals("shared", f.route(TENANT).target());

            // a move that fails after the schema step drops the types it created, and only those
            f.dst.execute("DROP TYPE money_pair");
            MoveListener failAtCopy = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if ("copy".equals(step)) {
                        throw new IllegalStateException("injected failure at copy");
                    }
                }
            };
            assertThrows(Exception.class, () -> f.mover().move(MoveRequest.of(TENANT, "dedicated"), failAtCopy));
            assertEquals("shared", f.route(TENANT).target());
            assertEquals(RouteState.ACTIVE, f.route(TENANT).state());
            assertEquals(0, f.count(f.dst, null, "SELECT COUNT(*) FROM pg_type WHERE typname IN ('qty_t', 'money_pair')", null),
                    "the types the failed move created are gone");
            assertEquals(1, f.count(f.dst, null, "SELECT COUNT(*) FROM pg_type WHERE typname = 'mood'", null), "the destination's own mood stays");

            MoveResult r = f.mover().move(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals(List.of("qty_t", "money_pair"), f.journal.steps(r.migrationId()).stream().filter(s -> "create-type".equals(s.step()))
                    .map(MigrationJournal.Step::table).toList(), "mood was there with the same definition: used, not created");
            assertEquals(12, readOrders(f, f.dst, null, TENANT).size());
        }
    }

    @Test
    void postgres_killedMove_abortDropsTheTypesItCreated_resumeContinuesWithThem() throws Exception {
        try (Fixture f = new Fixture(Engine.POSTGRESQL, false)) {
            createOrders(f);
            f.seed(TENANT, 1000, 3);
            seedOrders(f, TENANT, 10_000, 12, null);
            MoveListener killAtCatchup = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if ("catchup".equals(step)) {
                        throw new TenantMoverTest.Kill();
                    }
                }
            };
            String types = "SELECT COUNT(*) FROM pg_type WHERE typname IN ('mood', 'qty_t', 'money_pair')";
            assertThrows(TenantMoverTest.Kill.class, () -> f.mover().move(MoveRequest.of(TENANT, "dedicated"), killAtCatchup));
            assertEquals(3, f.count(f.dst, null, types, null), "created before the kill");
            assertTrue(f.mover().abort(TENANT) > 0);
            assertEquals(0, f.count(f.dst, null, types, null), "abort drops the types the move created, after its tables");

            assertThrows(TenantMoverTest.Kill.class, () -> f.mover().move(MoveRequest.of(TENANT, "dedicated"), killAtCatchup));
            Long interrupted = f.journal.activeMigration(TENANT);
            MoveResult r = f.mover().resume(MoveRequest.of(TENANT, "dedicated"), MoveListener.NONE);
            assertEquals(interrupted.longValue(), r.migrationId(), "continued from the catch-up with the types it had created");
            assertTrue(r.verification().matches(), r.verification().toString());
            assertEquals(3, f.count(f.dst, null, types, null));
            assertEquals(12, readOrders(f, f.dst, null, TENANT).size());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void exportImport_generatedColumnsAreArchivedButNotWritten_checksumsMatch(Engine engine) throws Exception {
        try (Fixture f = new Fixture(engine, false); TestDatabase restore = TestDatabases.server(engine).createDatabase("arc_gen")) {
            createOrders(f);
            f.seed(TENANT, 1000, 4);
            Map<Long, Order> expected = new HashMap<>();
            seedOrders(f, TENANT, 10_000, 15, expected);
            f.store.putTarget(new Target("restore", restore.url(), null, PasswordRef.NONE, 0));
            if (engine == Engine.POSTGRESQL) {
                // an import does not create types (the archive does not describe them): the restore database has them
                restore.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                        "CREATE DOMAIN qty_t AS integer NOT NULL DEFAULT 1 CONSTRAINT qty_nonneg CHECK (VALUE >= 0)",
                        "CREATE TYPE money_pair AS (amount numeric(10,2), currency char(3))");
            }
            Path dir = tmp.resolve("orders");
            TenantArchives arc = TenantArchivesTest.archives(f);
            TenantArchives.ExportResult ex = arc.export(TENANT, dir, "tenant_id", "test", MoveListener.NONE);
            var total = ex.manifest().table("orders").columns().stream().filter(c -> c.name().equals("total")).findFirst().orElseThrow();
            assertTrue(total.generated() != null && total.generatedStored(), total.toString());
            TenantArchives.ImportResult in = arc.importArchive(new TenantArchives.ImportRequest(dir, "restore", null, false, false, "test"),
                    MoveListener.NONE);
            assertTrue(in.verification().matches(), in.verification().toString());
            assertEquals(expected, readOrders(f, restore, null, TENANT));
            assertGenerated(f, restore, engine == Engine.POSTGRESQL ? "public" : restore.name());
            VerifyReport v = f.mover().verify(TENANT, "restore", null, "tenant_id");
            assertTrue(v.matches(), v.toString());
        }
    }
}
