package io.tenantroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.sql.DriverManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcTenantMapStoreTest {

    private static Target target(String name, TestDatabase db) {
        return new Target(name, db.url(), null, PasswordRef.NONE, 0);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void init_isIdempotent_andLeavesTheConnectionWhereItWas(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfginit"); Connection c = db.connect()) {
            String schema = TestControlMaps.controlSchema(db);
            String before = currentSchema(c, engine);
            assertTrue(ControlSchema.init(c, schema) > 0, "first init applies the migrations");
            assertEquals(0, ControlSchema.init(c, schema), "second init has nothing to do");
            assertEquals(before, currentSchema(c, engine), "init must not leave the connection in another schema");
            for (String table : List.of("map_version", "targets", "routes")) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
                    rs.next();
                    assertEquals(table.equals("map_version") ? 1 : 0, rs.getInt(1), table);
                }
            }
            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                assertEquals(0, store.version());
                assertEquals(List.of(), store.routes());
                assertEquals(List.of(), store.targets());
            }
        }
    }

    private static String currentSchema(Connection c, Engine engine) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(engine == Engine.POSTGRESQL ? "SHOW search_path" : "SELECT DATABASE()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyChange_bumpsTheMapVersionByExactlyOne_andStampsTheChangedRow(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgver"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            assertEquals(1, store.putTarget(target("eu1", db)));
            assertEquals(2, store.putTarget(target("eu2", db)));
            assertEquals(3, store.setRoute("acme", "eu1", "acme_schema"));
            assertEquals(4, store.setState("globex", RouteState.SUSPENDED));
            assertEquals(5, store.setRoute("acme", "eu2", null));
            assertEquals(6, store.setState("acme", RouteState.FROZEN));
            assertEquals(7, store.compareAndSetRoute("acme", 6, "eu1", "a2", RouteState.ACTIVE));
            assertEquals(8, store.removeTarget("eu2"));
            assertEquals(8, store.version());

            assertEquals(new Route("acme", "eu1", "a2", RouteState.ACTIVE, 7), store.route("acme").orElseThrow());
            assertEquals(new Route("globex", Target.SHARED, null, RouteState.SUSPENDED, 4), store.route("globex").orElseThrow());
            assertEquals(1, store.target("eu1").orElseThrow().version());
            assertTrue(store.target("eu2").isEmpty());
            assertTrue(store.route("initech").isEmpty(), "a tenant never set has no route");

            assertEquals(List.of("globex", "acme"), store.routesChangedSince(3).stream().map(Route::tenant).collect(Collectors.toList()));
            assertEquals(List.of("acme"), store.routesChangedSince(4).stream().map(Route::tenant).collect(Collectors.toList()));
            assertEquals(List.of(), store.routesChangedSince(7));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void concurrentWriters_getConsecutiveVersionsWithNoDuplicates(Engine engine) throws Exception {
        int threads = 4;
        int perThread = 25;
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgconc"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<Long>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        List<Long> mine = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            // Half the threads fight over one tenant, half write their own.
                            String tenant = thread % 2 == 0 ? "hot" : "t" + thread + "_" + i;
                            mine.add(i % 2 == 0 ? store.setRoute(tenant, Target.SHARED, "s" + i)
                                    : store.setState(tenant, i % 3 == 0 ? RouteState.FROZEN : RouteState.ACTIVE));
                        }
                        return mine;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> f : futures) {
                    List<Long> mine = f.get();
                    List<Long> sorted = new ArrayList<>(mine);
                    Collections.sort(sorted);
                    assertEquals(sorted, mine, "one thread's versions must grow");
                    all.addAll(mine);
                }
                Collections.sort(all);
                assertEquals(LongStream.rangeClosed(1, threads * perThread).boxed().collect(Collectors.toList()), all);
                assertEquals(threads * perThread, store.version());
                assertEquals(new HashSet<>(all).size(), all.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void compareAndSet_refusesWhenTheRouteChangedMeanwhile(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgcas"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            long created = store.compareAndSetRoute("acme", 0, "eu1", null, RouteState.ACTIVE);
            SQLException noLongerNew = assertThrows(SQLException.class,
                    () -> store.compareAndSetRoute("acme", 0, Target.SHARED, null, RouteState.ACTIVE));
            assertTrue(TenantRouteSqlState.MAP_CONFLICT.matches(noLongerNew), noLongerNew.toString());
            assertInstanceOf(SQLTransientException.class, noLongerNew);

            long operator = store.setState("acme", RouteState.SUSPENDED); // a concurrent operator change
            SQLException lost = assertThrows(SQLException.class,
                    () -> store.compareAndSetRoute("acme", created, Target.SHARED, null, RouteState.ACTIVE));
            assertEquals("TR008", lost.getSQLState());
            assertTrue(lost.getMessage().contains("acme"), lost.getMessage());
            assertEquals(new Route("acme", "eu1", null, RouteState.SUSPENDED, operator), store.route("acme").orElseThrow(),
                    "the operator's change must survive the lost CAS");
            assertEquals(operator, store.version(), "a refused change must not bump the version");

            assertEquals(operator + 1, store.compareAndSetRoute("acme", operator, Target.SHARED, null, RouteState.ACTIVE));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void throttledAndNextTarget_roundTrip_andAFlipClearsTheNextTarget(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgnext"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            store.putTarget(target("eu2", db));
            long routed = store.setRoute("acme", "eu1", "acme_s");
            assertNull(store.route("acme").orElseThrow().nextTarget());

            // A move about to flip: throttled, next target eu2 (CAS with a next target).
            long throttled = store.compareAndSetRoute("acme", routed, "eu1", "acme_s", RouteState.THROTTLED, "eu2");
            assertEquals(routed + 1, throttled, "one version, like any other change");
            Route expected = new Route("acme", "eu1", "acme_s", RouteState.THROTTLED, throttled, "eu2");
            assertEquals(expected, store.route("acme").orElseThrow());
            assertEquals(List.of(expected), store.routes());
            assertEquals(List.of(expected), store.routesChangedSince(routed), "drivers read the hint with the change");

            // setState keeps the next target (a freeze made by state alone).
            long frozen = store.setState("acme", RouteState.FROZEN);
            assertEquals(new Route("acme", "eu1", "acme_s", RouteState.FROZEN, frozen, "eu2"), store.route("acme").orElseThrow());

            // An undefined next target is refused like an undefined target; nothing is written.
            SQLException unknown = assertThrows(SQLException.class,
                    () -> store.compareAndSetRoute("acme", frozen, "eu1", "acme_s", RouteState.FROZEN, "eu9"));
            assertEquals("TR005", unknown.getSQLState());
            assertTrue(unknown.getMessage().contains("eu9"), unknown.getMessage());
            assertEquals(frozen, store.version());
            // A stale version is refused before anything else, also with a next target.
            assertEquals("TR008", assertThrows(SQLException.class,
                    () -> store.compareAndSetRoute("acme", routed, "eu1", null, RouteState.FROZEN, "eu2")).getSQLState());

            // The flip (five-argument CAS) clears the hint.
            long flipped = store.compareAndSetRoute("acme", frozen, "eu2", "acme_s", RouteState.ACTIVE);
            assertEquals(new Route("acme", "eu2", "acme_s", RouteState.ACTIVE, flipped, null), store.route("acme").orElseThrow());

            // So do setRoute and the six-argument form with null; "shared" needs no definition as a next target.
            long toShared = store.compareAndSetRoute("acme", flipped, "eu2", "acme_s", RouteState.THROTTLED, Target.SHARED);
            assertEquals(Target.SHARED, store.route("acme").orElseThrow().nextTarget());
            store.setRoute("acme", Target.SHARED, null);
            assertNull(store.route("acme").orElseThrow().nextTarget(), "setRoute is a flip");
            long again = store.compareAndSetRoute("acme", store.route("acme").orElseThrow().version(), Target.SHARED, null,
                    RouteState.THROTTLED, "eu1");
            assertEquals("eu1", store.route("acme").orElseThrow().nextTarget());
            store.compareAndSetRoute("acme", again, Target.SHARED, null, RouteState.ACTIVE, null);
            assertNull(store.route("acme").orElseThrow().nextTarget());
            assertTrue(toShared < again);

            // A new route can be created throttled with a next target; the interface's overload reaches this store.
            TenantMapStore asInterface = store;
            long created = asInterface.compareAndSetRoute("globex", 0, "eu1", null, RouteState.THROTTLED, "eu2");
            assertEquals(new Route("globex", "eu1", null, RouteState.THROTTLED, created, "eu2"), store.route("globex").orElseThrow());

            // The cached map of a driver carries the hint too.
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 100)) {
                assertEquals("eu2", map.route("globex").nextTarget());
                store.compareAndSetRoute("globex", created, "eu2", null, RouteState.ACTIVE);
                map.refresh();
                assertEquals(new Route("globex", "eu2", null, RouteState.ACTIVE, store.version(), null), map.route("globex"));
            }

            // The CHECK constraint takes 'throttled' and still refuses unknown states.
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                String routes = TestControlMaps.controlSchema(db) + ".routes";
                st.executeUpdate("UPDATE " + routes + " SET state = 'throttled' WHERE tenant_id = 'globex'");
                assertThrows(SQLException.class, () -> st.executeUpdate("UPDATE " + routes + " SET state = 'paused' WHERE tenant_id = 'globex'"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void removeTarget_isRefusedWhileRoutesUseIt(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgrm"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            store.setRoute("acme", "eu1", null);
            store.setRoute("globex", "eu1", null);
            long before = store.version();
            SQLException e = assertThrows(SQLException.class, () -> store.removeTarget("eu1"));
            assertEquals("TR009", e.getSQLState());
            assertTrue(e.getMessage().contains("eu1") && e.getMessage().contains("2 tenants"), e.getMessage());
            assertTrue(e.getMessage().contains("'acme'") && e.getMessage().contains("'globex'"), "names them: " + e.getMessage());
            assertEquals(before, store.version());
            assertTrue(store.target("eu1").isPresent());

            SQLException missing = assertThrows(SQLException.class, () -> store.removeTarget("nowhere"));
            assertEquals("TR009", missing.getSQLState());

            store.setRoute("acme", Target.SHARED, null);
            store.setRoute("globex", Target.SHARED, null);
            // a move of acme to eu1 in progress names it as the destination: refused too
            long hinted = store.compareAndSetRoute("acme", store.route("acme").orElseThrow().version(), Target.SHARED, null,
                    RouteState.ACTIVE, "eu1");
            SQLException moving = assertThrows(SQLException.class, () -> store.removeTarget("eu1"));
            assertEquals("TR009", moving.getSQLState());
            assertTrue(moving.getMessage().contains("1 tenant") && moving.getMessage().contains("'acme'"), moving.getMessage());
            // the route may then name it again without its definition being read (it cannot have gone)
            long frozen = store.compareAndSetRoute("acme", hinted, Target.SHARED, null, RouteState.FROZEN, "eu1");
            long flipped = store.compareAndSetRoute("acme", frozen, "eu1", null, RouteState.ACTIVE);
            assertEquals(new Route("acme", "eu1", null, RouteState.ACTIVE, flipped), store.route("acme").orElseThrow());
            store.setRoute("acme", Target.SHARED, null);
            assertEquals(store.version() + 1, store.removeTarget("eu1"));
            assertTrue(store.target("eu1").isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void routeToAnUndefinedTarget_isRefused_butSharedNeedsNoDefinition(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgundef"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            SQLException e = assertThrows(SQLException.class, () -> store.setRoute("acme", "eu9", null));
            assertEquals("TR005", e.getSQLState());
            assertTrue(e.getMessage().contains("eu9") && e.getMessage().contains("acme"), e.getMessage());
            SQLException cas = assertThrows(SQLException.class, () -> store.compareAndSetRoute("acme", 0, "eu9", null, RouteState.ACTIVE));
            assertEquals("TR005", cas.getSQLState());
            assertEquals(0, store.version());
            assertTrue(store.route("acme").isEmpty());

            assertEquals(1, store.setRoute("acme", Target.SHARED, "acme"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void missingControlTables_sayToRunInit(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgnoinit"); JdbcTenantMapStore store = TestControlMaps.open(db)) {
            for (SqlCall call : List.<SqlCall>of(store::version, store::routes, () -> store.route("acme"),
                    () -> store.setRoute("acme", Target.SHARED, null))) {
                SQLException e = assertThrows(SQLException.class, call::run);
                assertEquals("TR010", e.getSQLState(), e.toString());
                assertTrue(e.getMessage().contains("tenantroute init"), e.getMessage());
            }
        }
    }

    @FunctionalInterface
    interface SqlCall {
        void run() throws Exception;
    }

    static final List<String> HOSTILE_IDS = List.of(
            "O'Reilly", "a\"b", "semi;colon", "'; DROP TABLE routes; --", "'; DROP TABLE x; --", "back\\slash",
            "Acme", "acme", "ACME", "acmé", "acme ", "école-日本-🚀", "tab\tand\nnewline", "%_like_%", "x".repeat(255));

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tenantIds_withQuotesSemicolonsAndUnicode_areStoredExactly_andCaseDistinctIdsStayDistinct(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgids"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            for (int i = 0; i < HOSTILE_IDS.size(); i++) {
                store.setRoute(HOSTILE_IDS.get(i), i % 2 == 0 ? "eu1" : Target.SHARED, "schema_" + i);
            }
            for (int i = 0; i < HOSTILE_IDS.size(); i++) {
                Route r = store.route(HOSTILE_IDS.get(i)).orElseThrow(() -> new AssertionError("lost a tenant"));
                assertEquals(HOSTILE_IDS.get(i), r.tenant());
                assertEquals("schema_" + i, r.schema(), "tenant " + HOSTILE_IDS.get(i) + " got another tenant's route");
            }
            Set<String> stored = store.routes().stream().map(Route::tenant).collect(Collectors.toSet());
            assertEquals(new HashSet<>(HOSTILE_IDS), stored);
            assertTrue(store.route("acmè").isEmpty(), "accents are significant");
            assertTrue(store.route("Acme ").isEmpty());
            assertEquals(HOSTILE_IDS.size() + 1, store.version(), "the control tables survived the hostile ids");

            SQLException tooLong = assertThrows(SQLException.class, () -> store.setRoute("x".repeat(256), Target.SHARED, null));
            assertEquals("TR006", tooLong.getSQLState());
            assertEquals("TR006", assertThrows(SQLException.class, () -> store.route("")).getSQLState());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void watch_reportsANewVersion(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfgwatch"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db);
             JdbcTenantMapStore writer = TestControlMaps.open(db)) {
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
            try (AutoCloseable w = store.watch(seen::set, 100)) {
                Converge.until(() -> seen.get() == 0, "first report of version 0");
                writer.setRoute("acme", Target.SHARED, "a");
                Converge.until(() -> seen.get() == 1, "watch reports version 1");
            }
        }
    }

    @Test
    void postgresWatch_isPushedByNotify_notByPolling() throws Exception {
        try (TestDatabase db = TestDatabases.server(Engine.POSTGRESQL).createDatabase("cfgnotify");
             JdbcTenantMapStore store = TestControlMaps.initAndOpen(db); JdbcTenantMapStore writer = TestControlMaps.open(db)) {
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
            // A poll interval far beyond the convergence bound: only NOTIFY can deliver the change in time.
            try (AutoCloseable w = store.watch(seen::set, 600_000)) {
                Converge.until(() -> seen.get() == 0, "first report of version 0");
                writer.setRoute("acme", Target.SHARED, "a");
                Converge.until(() -> seen.get() == 1, "NOTIFY delivers version 1");

                // Kill the listening session: the watch must reconnect and catch up with a change made meanwhile.
                try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
                    Converge.until(() -> {
                        try (ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                + "WHERE application_name = 'tenantroute-listen' AND datname = current_database()")) {
                            rs.next();
                            return rs.getInt(1) > 0;
                        }
                    }, "the listener session exists");
                }
                writer.setRoute("acme", Target.SHARED, "b");
                Converge.until(() -> seen.get() == 2, "the watch reconnects and reports version 2");
                writer.setRoute("acme", Target.SHARED, "c");
                Converge.until(() -> seen.get() == 3, "NOTIFY works again after the reconnect");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void init_fromTwoThreadsAtOnce_createsTheTablesOnce(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cfginit2")) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                List<Future<Integer>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    runs.add(pool.submit(() -> {
                        try (Connection c = db.connect()) {
                            start.await();
                            return ControlSchema.init(c, TestControlMaps.controlSchema(db));
                        }
                    }));
                }
                int applied = runs.get(0).get() + runs.get(1).get();
                assertEquals(2, applied, "each of the two migrations (V1, V2) runs exactly once");
            } finally {
                pool.shutdownNow();
            }
            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                assertEquals(1, store.setRoute("acme", Target.SHARED, null));
            }
        }
    }

    @Test
    void init_onAMysqlConnectionWithoutACurrentDatabase_works() throws Exception {
        TestServer server = TestDatabases.server(Engine.MYSQL);
        try (TestDatabase db = server.createDatabase("cfgnodb"); Connection c = DriverManager.getConnection(server.urlFor(""))) {
            assertNull(currentSchema(c, Engine.MYSQL));
            assertTrue(ControlSchema.init(c, db.name()) > 0);
            assertNull(currentSchema(c, Engine.MYSQL), "still no current database");
            try (JdbcTenantMapStore store = TestControlMaps.open(db)) {
                assertEquals(0, store.version());
            }
        }
    }
}
