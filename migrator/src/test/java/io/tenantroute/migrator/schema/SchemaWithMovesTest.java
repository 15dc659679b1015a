package io.tenantroute.migrator.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantMover;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.migrator.schema.FlywayHistory.Mark;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schema fan-outs and real moves ({@link TenantMover}) on the same locations: a fan-out during a move leaves the move's
 * source and destination alone (refused, naming the move, or waited for until the move is done), TenantRoute's own
 * capture and fence objects on a source are never drift, and a move made after a fan-out with {@code --schema-from}
 * lands at the latest version with its Flyway history.
 */
class SchemaWithMovesTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void fanOutDuringAMove_refusesOrWaitsForItsLocations_andAMoveAfterTheFanOutLandsAtTheLatestVersion(Engine engine, @TempDir Path dir)
            throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (FleetFixture f = new FleetFixture(engine, dir, true)) {
            f.target("ded");
            f.v1();
            f.v2(0);
            SchemaFleet fleet = f.fleet();
            assertTrue(fleet.migrate(f.request(), SchemaListener.NONE).ok(), "shared at V2");
            f.seed("shared");
            String from = "flyway:filesystem:" + dir;

            // a move of acme to ded with the app's migrations, held at its copy step (capture is on at the source)
            CountDownLatch atCopy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            MoveListener hold = new MoveListener() {
                @Override
                public void step(String step, String detail) {
                    if (step.equals("copy")) {
                        atCopy.countDown();
                        try {
                            release.await(120, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            TenantMover mover = new TenantMover(f.store, f.moves, TargetConnector.direct(), null);
            Future<MoveResult> move = pool.submit(() -> mover.move(MoveRequest.of("acme", "ded").withSchemaFrom(from), hold));
            assertTrue(atCopy.await(60, TimeUnit.SECONDS), "the move reached its copy step");
            long moveId = f.moves.activeMigration("acme");
            String named = "move " + moveId + " of tenant 'acme'";

            f.v3();
            FleetStatus during = fleet.status(f.request());
            Map<String, LocationStatus> by = SchemaFleetTest.byTarget(during);
            assertEquals(2, during.locations().size(), during::toString);
            assertTrue(by.get("shared").busyWith().contains(named) && by.get("shared").busyWith().endsWith("its source"), by.get("shared")::toString);
            LocationStatus dst = by.get("ded");
            assertTrue(dst.roles().contains("destination of move " + moveId), dst::toString);
            assertTrue(dst.busyWith().endsWith("its destination") && dst.detail().contains(named), dst::toString);
            assertEquals("2", dst.version(), "the move ran V1 and V2 there (--schema-from)");
            assertEquals(SchemaState.PENDING, dst.state(), dst::toString);

            // a fan-out that does not wait: both locations refused, naming the move; no DDL there
            FleetRun refused = fleet.migrate(f.request().withMoveWaitMs(300), SchemaListener.NONE);
            for (LocationOutcome o : refused.outcomes()) {
                assertEquals(LocationOutcome.Result.REFUSED, o.result(), o::toString);
                assertTrue(o.error().contains(named) && o.error().contains("in progress on this location"), o::toString);
            }
            assertEquals(List.of("1", "2"), f.versions("shared", null));
            assertEquals(List.of("1", "2"), f.versions("ded", null));

            // a fan-out that waits: the move finishes meanwhile, then both locations are migrated
            SchemaFleetTest.Events events = new SchemaFleetTest.Events();
            Future<FleetRun> waiting = pool.submit(() -> fleet.migrate(f.request().withMoveWaitMs(120_000), events));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!events.any(" move-wait ") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(events.any(" move-wait waiting up to 120 s for " + named), events::toString);
            release.countDown();
            MoveResult moved = move.get(120, TimeUnit.SECONDS);
            assertNotNull(moved);
            assertEquals("ded", f.store.route("acme").orElseThrow().target());
            FleetRun run = waiting.get(120, TimeUnit.SECONDS);
            for (LocationOutcome o : run.outcomes()) {
                assertEquals(LocationOutcome.Result.MIGRATED, o.result(), o + "\n" + events);
            }
            assertTrue(run.ok(), run::toString);
            // the source now carries TenantRoute's capture and fence objects: never drift
            assertTrue(run.after().upToDate(), run.after()::toString);
            assertEquals(List.of("1", "2", "3"), f.versions("ded", null));

            // a move after the fan-out lands at the latest version, with its Flyway history
            f.target("ded2");
            mover.move(MoveRequest.of("globex", "ded2").withSchemaFrom(from), MoveListener.NONE);
            FleetStatus last = fleet.status(f.request());
            LocationStatus d2 = SchemaFleetTest.byTarget(last).get("ded2");
            assertEquals(SchemaState.UP_TO_DATE, d2.state(), d2::toString);
            assertEquals("3", d2.version());
            assertEquals(List.of("1", "2", "3"), f.versions("ded2", null));
            assertTrue(last.upToDate() && last.meets("3"), last::toString);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void moveWithoutSchemaFrom_landsWithoutHistory_untilTheSourceHistoryIsCopied_andAMarkSeesTheSourceChange(Engine engine, @TempDir Path dir)
            throws Exception {
        try (FleetFixture f = new FleetFixture(engine, dir, true)) {
            f.target("ded");
            f.v1();
            f.v2(0);
            SchemaFleet fleet = f.fleet();
            assertTrue(fleet.migrate(f.request(), SchemaListener.NONE).ok());
            f.seed("shared");
            Mark before;
            try (java.sql.Connection c = f.connect("shared", null)) {
                before = FlywayHistory.mark(c, f.pg() ? "public" : f.shared.name());
            }
            assertEquals("2", before.version());

            // today's move copies the tables from the source catalog, not Flyway's history (the mover's part of issue 13)
            new TenantMover(f.store, f.moves, TargetConnector.direct(), null).move(MoveRequest.of("acme", "ded"), MoveListener.NONE);
            LocationStatus ded = SchemaFleetTest.byTarget(fleet.status(f.request())).get("ded");
            assertEquals(SchemaState.PENDING, ded.state(), ded::toString);
            assertTrue(ded.detail().contains("no flyway_schema_history but 1 table(s)"), ded::toString);

            // what the mover must do at its schema step: copy the source location's history
            String dedSchema = f.pg() ? "public" : f.byTarget.get("ded").name();
            try (java.sql.Connection src = f.connect("shared", null); java.sql.Connection dst = f.connect("ded", null)) {
                assertEquals(2, FlywayHistory.copy(src, f.pg() ? "public" : f.shared.name(), dst, dedSchema));
                SQLException again = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> FlywayHistory.copy(src, f.pg() ? "public" : f.shared.name(), dst, dedSchema));
                assertTrue(again.getMessage().contains("already has 2 row(s)"), again::getMessage);
            }
            FleetStatus st = fleet.status(f.request());
            assertTrue(st.upToDate(), "the moved tenant's database is at the source's version, and its tables match: " + st);
            assertEquals("2", SchemaFleetTest.byTarget(st).get("ded").version());

            // the source's schema changes during a move: its mark says so (the mover must then refuse to flip)
            f.v3();
            assertTrue(fleet.migrate(f.request().withTargets(List.of("shared")), SchemaListener.NONE).ok());
            try (java.sql.Connection c = f.connect("shared", null)) {
                Mark after = FlywayHistory.mark(c, f.pg() ? "public" : f.shared.name());
                assertEquals("3", after.version());
                assertTrue(!after.equals(before));
                assertEquals(after, FlywayHistory.mark(c, f.pg() ? "public" : f.shared.name()), "stable while nothing changes");
            }
        }
    }
}
