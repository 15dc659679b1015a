package io.tenantroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CachedTenantMapTest {

    private static Target target(String name, TestDatabase db) {
        return new Target(name, db.url(), null, PasswordRef.NONE, 0);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void absentTenant_livesOnShared_andRoutedTenantOnItsTarget(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmabsent"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            store.setRoute("acme", "eu1", "acme");
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 100)) {
                assertEquals(Route.implicitShared("initech"), map.route("initech"));
                assertTrue(map.route("initech").isImplicit());
                assertEquals(new Route("acme", "eu1", "acme", RouteState.ACTIVE, 2), map.route("acme"));
                assertEquals("eu1", map.target("eu1").name());
                assertNull(map.target("nowhere"));
                assertEquals(2, map.version());
                assertEquals("TR006", assertThrows(SQLException.class, () -> map.route(null)).getSQLState());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void secondMap_inAnotherStore_seesAChangeWithoutRefresh(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmlive");
             JdbcTenantMapStore writerStore = TestControlMaps.initAndOpen(db);
             JdbcTenantMapStore readerStore = TestControlMaps.open(db)) {
            writerStore.putTarget(target("eu1", db));
            // Like a second JVM: its own store, its own map, watching at the driver's default interval.
            try (CachedTenantMap reader = CachedTenantMap.open(readerStore, CachedTenantMap.DEFAULT_POLL_INTERVAL_MS, 1000)) {
                CopyOnWriteArrayList<Route> told = new CopyOnWriteArrayList<>();
                reader.addListener(told::add);
                assertEquals(Target.SHARED, reader.route("acme").target(), "cached as shared before the move");
                assertEquals(Target.SHARED, reader.route("globex").target());

                long v = writerStore.setRoute("acme", "eu1", "acme_s");
                Converge.until(() -> reader.route("acme").target().equals("eu1"), "the reader sees acme on eu1");
                assertEquals(new Route("acme", "eu1", "acme_s", RouteState.ACTIVE, v), reader.route("acme"));
                Converge.until(() -> reader.version() == v, "the reader applies version " + v);
                Converge.until(() -> told.stream().anyMatch(r -> r.tenant().equals("acme") && r.version() == v), "listener told of acme");
                assertEquals(Target.SHARED, reader.route("globex").target(), "an unchanged tenant stays");

                long added = writerStore.putTarget(target("us1", db));
                Converge.until(() -> reader.target("us1") != null, "a new target arrives");
                assertTrue(reader.version() >= added);

                long frozen = writerStore.setState("acme", RouteState.FROZEN);
                Converge.until(() -> reader.route("acme").state() == RouteState.FROZEN, "the reader sees acme frozen");
                assertEquals(frozen, reader.route("acme").version());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void staleMap_withPollingOff_changesOnlyOnRefresh(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmstale"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            store.putTarget(target("eu1", db));
            try (CachedTenantMap stale = CachedTenantMap.open(store, 0, 100); CachedTenantMap live = CachedTenantMap.open(store, 100, 100)) {
                assertEquals(Target.SHARED, stale.route("acme").target());
                assertEquals(Target.SHARED, live.route("acme").target());
                long v = store.setRoute("acme", "eu1", null);
                // The live map converging is the witness that the stale one had every chance to change too.
                Converge.until(() -> live.route("acme").target().equals("eu1"), "the live map moves acme");
                assertEquals(Target.SHARED, stale.route("acme").target(), "a map that never watches must not move by itself");
                assertEquals(1, stale.version());

                assertEquals(v, stale.refresh());
                assertEquals("eu1", stale.route("acme").target());
                assertEquals(v, stale.version());
                assertEquals(v, stale.refresh(), "refresh without a change is a no-op");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void cacheMiss_onARouteToATargetNewerThanTheMap_bringsTheTargetToo(Engine engine) throws SQLException {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmmiss"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 100)) {
                store.putTarget(target("eu1", db));
                store.setRoute("acme", "eu1", null);
                Route r = map.route("acme"); // never cached: read from the store, newer than the map
                assertEquals("eu1", r.target());
                assertEquals("eu1", map.target("eu1").name(), "the target a fresh route names must be known");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void boundedCache_evictsAndRereads_withoutLosingChanges(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmbound"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db)) {
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 2)) {
                for (int i = 0; i < 20; i++) {
                    assertEquals(Target.SHARED, map.route("t" + i).target());
                }
                for (int i = 0; i < 20; i++) {
                    store.setRoute("t" + i, Target.SHARED, "s" + i);
                }
                map.refresh();
                for (int i = 0; i < 20; i++) {
                    assertEquals("s" + i, map.route("t" + i).schema());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unreachableStore_failsWithTr010_butKeepsServingTheCache(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmdown")) {
            JdbcTenantMapStore store = TestControlMaps.initAndOpen(db);
            store.setRoute("acme", Target.SHARED, "a");
            try (CachedTenantMap map = CachedTenantMap.open(store, 0, 100)) {
                Route cached = map.route("acme");
                store.close();
                assertSame(cached, map.route("acme"));
                assertEquals("TR010", assertThrows(SQLException.class, () -> map.route("globex")).getSQLState());
                assertEquals("TR010", assertThrows(SQLException.class, map::refresh).getSQLState());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void readersRacingWithChangesAndEvictions_endOnTheStoresRoutes(Engine engine) throws Exception {
        int tenants = 12;
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmrace"); JdbcTenantMapStore store = TestControlMaps.initAndOpen(db);
             JdbcTenantMapStore readerStore = TestControlMaps.open(db);
             CachedTenantMap map = CachedTenantMap.open(readerStore, 50, 4)) { // far fewer slots than tenants: constant misses
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            List<Thread> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 3; r++) {
                Thread t = new Thread(() -> {
                    java.util.Random rnd = new java.util.Random();
                    while (!stop.get()) {
                        try {
                            map.route("t" + rnd.nextInt(tenants));
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
                t.start();
                readers.add(t);
            }
            try {
                for (int i = 0; i < 60; i++) {
                    store.setRoute("t" + (i % tenants), Target.SHARED, "s" + i);
                }
            } finally {
                stop.set(true);
                for (Thread t : readers) {
                    t.join();
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a reader failed", failure.get());
            }
            Converge.until(() -> map.version() == store.version(), "the map applies the last version");
            for (int i = 0; i < tenants; i++) {
                assertEquals(store.route("t" + i).orElseThrow(), map.route("t" + i), "tenant t" + i + " is stale");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLoadThatReadTheOldRoute_cannotOverwriteAChangeAppliedWhileItRan(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmload"); JdbcTenantMapStore real = TestControlMaps.initAndOpen(db)) {
            real.putTarget(target("eu1", db));
            java.util.concurrent.CountDownLatch readDone = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            TenantMapStore slowReads = new DelegatingStore(real) {
                @Override
                public java.util.Optional<Route> route(String tenant) throws SQLException {
                    java.util.Optional<Route> r = real.route(tenant); // the old route: acme still on shared
                    readDone.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return r;
                }
            };
            try (CachedTenantMap map = CachedTenantMap.open(slowReads, 0, 100)) {
                java.util.concurrent.CompletableFuture<Route> load = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return map.route("acme");
                    } catch (SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                readDone.await();
                long moved = real.setRoute("acme", "eu1", null);
                Thread refresher = new Thread(() -> {
                    try {
                        map.refresh();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                refresher.start();
                // The refresh either waits for the load in flight, or (the bug) skips acme and finishes.
                Converge.until(() -> refresher.getState() == Thread.State.BLOCKED || refresher.getState() == Thread.State.WAITING
                        || !refresher.isAlive(), "the refresh reaches acme");
                release.countDown();
                refresher.join();
                load.get();
                assertEquals(new Route("acme", "eu1", null, RouteState.ACTIVE, moved), map.route("acme"),
                        "the load that read the old route overwrote the change");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRefreshHoldingOlderChanges_doesNotOverwriteANewerRouteReadByAMiss(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmorder"); JdbcTenantMapStore real = TestControlMaps.initAndOpen(db)) {
            real.putTarget(target("eu1", db));
            java.util.concurrent.CountDownLatch changesRead = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            TenantMapStore slowChanges = new DelegatingStore(real) {
                @Override
                public List<Route> routesChangedSince(long version) throws SQLException {
                    List<Route> changes = real.routesChangedSince(version);
                    changesRead.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return changes;
                }
            };
            try (CachedTenantMap map = CachedTenantMap.open(slowChanges, 0, 100)) {
                real.setRoute("acme", "eu1", null);
                java.util.concurrent.CompletableFuture<Long> refresh = refreshAsync(map);
                changesRead.await(); // the refresh holds acme on eu1, active
                long frozen = real.setState("acme", RouteState.FROZEN);
                assertEquals(frozen, map.route("acme").version(), "a miss reads the newest route");
                release.countDown();
                refresh.get();
                assertEquals(RouteState.FROZEN, map.route("acme").state(), "the refresh put back an older route");
                assertEquals(frozen, map.refresh());
                assertEquals(RouteState.FROZEN, map.route("acme").state());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void writersMeetingTheFenceAtOnce_shareStoreReads_andEachSeesTheFreeze(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmshare"); JdbcTenantMapStore real = TestControlMaps.initAndOpen(db)) {
            real.putTarget(target("eu1", db));
            real.setRoute("acme", "eu1", null);
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            TenantMapStore slowVersion = new DelegatingStore(real) {
                @Override
                public long version() throws SQLException {
                    reads.incrementAndGet();
                    try {
                        Thread.sleep(20); // a loaded control database
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return real.version();
                }
            };
            try (CachedTenantMap map = CachedTenantMap.open(slowVersion, 0, 100)) {
                assertEquals(RouteState.ACTIVE, map.route("acme").state());
                long frozen = real.setState("acme", RouteState.FROZEN); // the freeze, then every writer meets the fence
                reads.set(0);
                int writers = 16;
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
                try {
                    List<java.util.concurrent.Future<Route>> seen = new java.util.ArrayList<>();
                    for (int i = 0; i < writers; i++) {
                        seen.add(pool.submit(() -> {
                            start.await();
                            map.refresh();
                            return map.route("acme");
                        }));
                    }
                    for (java.util.concurrent.Future<Route> f : seen) {
                        assertEquals(new Route("acme", "eu1", null, RouteState.FROZEN, frozen), f.get(10, java.util.concurrent.TimeUnit.SECONDS));
                    }
                } finally {
                    pool.shutdownNow();
                }
                // one read for the first caller, one for everyone who asked while it ran (one per thread, 16, before)
                assertTrue(reads.get() <= 3, "store read " + reads.get() + " times for " + writers + " concurrent refreshes");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRefreshAskedWhileAnOlderReadRuns_readsAgain(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("cmagain"); JdbcTenantMapStore real = TestControlMaps.initAndOpen(db)) {
            real.putTarget(target("eu1", db));
            real.setRoute("acme", "eu1", null);
            java.util.concurrent.CountDownLatch firstRead = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
            TenantMapStore held = new DelegatingStore(real) {
                @Override
                public long version() throws SQLException {
                    long v = real.version();
                    if (hold.compareAndSet(true, false)) {
                        firstRead.countDown();
                        try {
                            release.await(); // read the store, then stall before answering
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return v;
                }
            };
            try (CachedTenantMap map = CachedTenantMap.open(held, 0, 100)) {
                assertEquals(RouteState.ACTIVE, map.route("acme").state());
                hold.set(true);
                java.util.concurrent.CompletableFuture<Long> older = refreshAsync(map);
                assertTrue(firstRead.await(10, java.util.concurrent.TimeUnit.SECONDS), "the refresh read the store"); // before the freeze
                long frozen = real.setState("acme", RouteState.FROZEN);
                java.util.concurrent.CompletableFuture<Long> newer = refreshAsync(map);
                Thread.sleep(50); // the newer refresh waits for the older one
                release.countDown();
                older.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(frozen, newer.get(10, java.util.concurrent.TimeUnit.SECONDS), "a refresh that began before the call answered it");
                assertEquals(RouteState.FROZEN, map.route("acme").state());
            }
        }
    }

    /** {@code map.refresh()} on another thread. */
    private static java.util.concurrent.CompletableFuture<Long> refreshAsync(CachedTenantMap map) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return map.refresh();
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** Passes every call to a real store; tests override one method to slow it down. */
    private static class DelegatingStore implements TenantMapStore {
        private final TenantMapStore d;

        DelegatingStore(TenantMapStore d) {
            this.d = d;
        }

        @Override public long version() throws SQLException { return d.version(); }
        @Override public List<Target> targets() throws SQLException { return d.targets(); }
        @Override public java.util.Optional<Target> target(String name) throws SQLException { return d.target(name); }
        @Override public List<Route> routes() throws SQLException { return d.routes(); }
        @Override public java.util.Optional<Route> route(String tenant) throws SQLException { return d.route(tenant); }
        @Override public List<Route> routesChangedSince(long version) throws SQLException { return d.routesChangedSince(version); }
        @Override public long putTarget(Target target) throws SQLException { return d.putTarget(target); }
        @Override public long removeTarget(String name) throws SQLException { return d.removeTarget(name); }
        @Override public long setRoute(String tenant, String target, String schema) throws SQLException { return d.setRoute(tenant, target, schema); }
        @Override public long setState(String tenant, RouteState state) throws SQLException { return d.setState(tenant, state); }
        @Override public long compareAndSetRoute(String t, long e, String target, String s, RouteState st) throws SQLException {
            return d.compareAndSetRoute(t, e, target, s, st);
        }
        @Override public AutoCloseable watch(java.util.function.LongConsumer onChange, long ms) throws SQLException { return d.watch(onChange, ms); }
        @Override public void close() throws SQLException { d.close(); }
    }

    @Test
    void open_rejectsInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> CachedTenantMap.open(new EmptyStore(), 10, 100));
        assertThrows(IllegalArgumentException.class, () -> CachedTenantMap.open(new EmptyStore(), -1, 100));
        assertThrows(IllegalArgumentException.class, () -> CachedTenantMap.open(new EmptyStore(), 0, 0));
    }

    /** The smallest store: no targets, no routes, version 0 — only to exercise argument checks. */
    private static final class EmptyStore implements TenantMapStore {
        @Override public long version() { return 0; }
        @Override public List<Target> targets() { return List.of(); }
        @Override public java.util.Optional<Target> target(String name) { return java.util.Optional.empty(); }
        @Override public List<Route> routes() { return List.of(); }
        @Override public java.util.Optional<Route> route(String tenant) { return java.util.Optional.empty(); }
        @Override public List<Route> routesChangedSince(long version) { return List.of(); }
        @Override public long putTarget(Target target) { throw new UnsupportedOperationException(); }
        @Override public long removeTarget(String name) { throw new UnsupportedOperationException(); }
        @Override public long setRoute(String tenant, String target, String schema) { throw new UnsupportedOperationException(); }
        @Override public long setState(String tenant, RouteState state) { throw new UnsupportedOperationException(); }
        @Override public long compareAndSetRoute(String t, long e, String target, String s, RouteState st) { throw new UnsupportedOperationException(); }
        @Override public AutoCloseable watch(java.util.function.LongConsumer onChange, long pollIntervalMs) { return () -> { }; }
        @Override public void close() { }
    }
}
