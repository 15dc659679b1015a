package io.tenantroute.migrator.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SchemaFleet} on real fleets: parallel fan-out within the session limits, status states, the deploy gate,
 * refusals before any DDL (drift, an edited migration), failures with {@code stop} / {@code continue} and
 * {@code resume}, and the MySQL case where DDL cannot be rolled back.
 */
class SchemaFleetTest {

    /** Listener that keeps every event, for asserts. */
    static final class Events implements SchemaListener {
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void location(String target, String schema, String event, String detail) {
            lines.add(target + "/" + schema + " " + event + " " + detail);
        }

        boolean any(String part) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(part));
            }
        }

        @Override
        public String toString() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void fleetOf22Locations_V1toV3InParallel_neverMoreThanPerServerSessionsOnTheServer(Engine engine, @TempDir Path dir) throws Exception {
        try (FleetFixture f = new FleetFixture(engine, dir)) {
            if (f.pg()) {
                f.databases(3).schemas(18); // 1 + 3 databases + 18 schemas of one database
            } else {
                f.databases(21);
            }
            f.v1();
            SchemaFleet fleet = f.fleet();

            // V1 everywhere, at most 2 at a time overall (the server would take 3): --parallel bounds the sessions
            FleetRun first;
            try (SessionSampler sessions = new SessionSampler(f.server, f.databases)) {
                first = fleet.migrate(f.request().withParallel(2, 3), SchemaListener.NONE);
                assertTrue(sessions.sustainedMax() <= 2, "--parallel 2: at most two sessions at a time, saw " + sessions.sustainedMax());
            }
            FleetStatus empty = first.before();
            assertEquals(22, empty.locations().size(), empty::toString);
            assertTrue(empty.locations().stream().allMatch(l -> l.state() == SchemaState.PENDING && l.version() == null && l.pending() == 1),
                    empty::toString);
            assertEquals("shared", empty.locations().get(0).target(), "the shared database comes first");
            assertTrue(first.ok(), first::toString);

            f.v2(0.3);
            f.v3();
            Events events = new Events();
            FleetRun run;
            try (SessionSampler sessions = new SessionSampler(f.server, f.databases)) {
                run = fleet.migrate(f.request(), events); // defaults: --parallel 4, --per-server 2 (one server here)
                int sustained = sessions.sustainedMax();
                assertTrue(sustained <= 2, "never more than --per-server 2 sessions on the server, saw " + sustained + " (raw max "
                        + sessions.rawMax() + ", " + sessions.samples() + " samples)");
                assertEquals(2, sustained, "two locations migrated at once (V2 pauses 300 ms), " + sessions.samples() + " samples");
            }
            FleetStatus before = run.before(); // status before the run: what migrate checked first
            for (LocationStatus l : before.locations()) {
                assertEquals(SchemaState.PENDING, l.state(), l::toString);
                assertEquals("1", l.version(), l::toString);
                assertEquals(2, l.pending(), l::toString);
                assertEquals(List.of("V2", "V3"), l.pendingMigrations());
            }
            assertEquals("3", before.latest());
            assertTrue(before.meets("1"), "the gate for code that needs V1 is open");
            assertFalse(before.meets("3"), "code that needs V3 must wait");
            assertEquals(22, before.notMeeting("3").size());
            assertNull(run.refusal(), run::toString);
            assertEquals(22, run.outcomes().size());
            for (LocationOutcome o : run.outcomes()) {
                assertEquals(LocationOutcome.Result.MIGRATED, o.result(), o::toString);
                assertEquals(List.of("V2", "V3"), o.applied(), o::toString);
                assertEquals("1", o.fromVersion());
                assertEquals("3", o.toVersion());
            }
            assertTrue(run.ok(), run::toString);
            assertTrue(run.after().upToDate(), run.after()::toString);
            assertTrue(run.after().meets("3"));
            assertTrue(events.any("applied V2 (V2__note.sql)") && events.any(" done at V3, 2 applied"), events::toString);

            // each location keeps its own Flyway history, as Flyway by hand would
            for (LocationStatus l : run.after().locations()) {
                String schema = l.target().equals("pool") ? l.schema() : null;
                assertEquals(List.of("1", "2", "3"), f.versions(l.target(), schema), l::toString);
                assertTrue(f.hasColumn(l.target(), schema, "items", "note"), l::toString);
            }
            // the journal: one record per location, kind schema
            SchemaJournal.Run journaled = f.journal.run(run.runId());
            assertEquals("done", journaled.status());
            assertEquals(22, journaled.locations().size());
            assertTrue(journaled.locations().stream().allMatch(r -> r.status().equals("done") && "1".equals(r.fromVersion())
                    && "3".equals(r.toVersion())), journaled::toString);
            long kindSchema = f.moves.list(200).stream().filter(m -> m.kind().equals("schema") && m.id() >= journaled.locations().get(0).migrationId())
                    .count();
            assertEquals(22, kindSchema);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void handAddedColumnIsDrift_andAnEditedMigrationIsAChecksumMismatch_bothRefusedBeforeAnyDdl(Engine engine, @TempDir Path dir)
            throws Exception {
        try (FleetFixture f = new FleetFixture(engine, dir, true).tenants(3)) {
            f.v1();
            f.v2(0);
            SchemaFleet fleet = f.fleet();
            assertTrue(fleet.migrate(f.request(), SchemaListener.NONE).ok());

            // someone adds a column by hand on d2, and an index on d3
            try (Connection c = f.connect("d2", null); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE items ADD COLUMN extra integer");
            }
            try (Connection c = f.connect("d3", null); Statement s = c.createStatement()) {
                s.execute("CREATE INDEX items_by_name ON items (name)");
            }
            f.v3();
            FleetStatus st = fleet.status(f.request());
            Map<String, LocationStatus> by = byTarget(st);
            assertEquals(SchemaState.DRIFT, by.get("d2").state(), st::toString);
            assertTrue(by.get("d2").detail().contains("items.extra: column only here (" + (f.pg() ? "integer" : "int") + ")"), by.get("d2")::toString);
            assertTrue(by.get("d2").detail().contains("at version 2"), by.get("d2")::toString);
            assertEquals(SchemaState.DRIFT, by.get("d3").state(), st::toString);
            assertTrue(by.get("d3").detail().contains("items index items_by_name: only here"), by.get("d3")::toString);
            assertEquals(SchemaState.PENDING, by.get("shared").state());
            assertEquals(SchemaState.PENDING, by.get("d1").state());

            FleetRun refused = fleet.migrate(f.request(), SchemaListener.NONE);
            assertNotNull(refused.refusal());
            assertTrue(refused.refusal().contains("drift at d2/") && refused.refusal().contains("drift at d3/")
                    && refused.refusal().contains("items.extra"), refused.refusal());
            assertNull(refused.runId(), "nothing journaled");
            for (String t : List.of("shared", "d1", "d2", "d3")) {
                assertEquals(List.of("1", "2"), f.versions(t, null), t + ": no DDL anywhere");
            }

            // undo the drift; then edit V2 after it ran everywhere
            try (Connection c = f.connect("d2", null); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE items DROP COLUMN extra");
            }
            try (Connection c = f.connect("d3", null); Statement s = c.createStatement()) {
                s.execute(f.pg() ? "DROP INDEX items_by_name" : "DROP INDEX items_by_name ON items");
            }
            String v2 = java.nio.file.Files.readString(dir.resolve("V2__note.sql"));
            f.file("V2__note.sql", v2 + "-- tidied up later\n");
            FleetStatus edited = fleet.status(f.request());
            for (LocationStatus l : edited.locations()) {
                assertEquals(SchemaState.CHECKSUM_MISMATCH, l.state(), l::toString);
                assertTrue(l.detail().contains("V2 (V2__note.sql): checksum") && l.detail().contains("in the file"), l::toString);
            }
            FleetRun refused2 = fleet.migrate(f.request(), SchemaListener.NONE);
            assertTrue(refused2.refusal().contains("checksum-mismatch at shared/") && refused2.refusal().contains("checksum-mismatch at d3/"),
                    refused2.refusal());
            for (String t : List.of("shared", "d1", "d2", "d3")) {
                assertEquals(List.of("1", "2"), f.versions(t, null), t + ": no DDL anywhere");
            }
            f.file("V2__note.sql", v2);
            FleetRun ok = fleet.migrate(f.request(), SchemaListener.NONE);
            assertTrue(ok.ok(), ok::toString);
            assertTrue(ok.after().meets("3"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failingLocation_stopLeavesTheRestUntouched_continueGoesOn_resumeFinishesIt(Engine engine, @TempDir Path dir) throws Exception {
        try (FleetFixture f = new FleetFixture(engine, dir, true).tenants(3)) {
            f.v1();
            f.v2(0);
            SchemaFleet fleet = f.fleet();
            assertTrue(fleet.migrate(f.request(), SchemaListener.NONE).ok());
            for (String t : List.of("shared", "d1", "d2", "d3")) {
                f.seed(t);
            }
            // V3: two statements, then one that fails where names repeat (data, not schema: no drift)
            f.file("V3__sku.sql", "ALTER TABLE items ADD COLUMN IF NOT EXISTS sku varchar(200);\nUPDATE items SET sku = name;\n"
                    + "CREATE UNIQUE INDEX items_sku ON items (sku);\n");
            String failing = "CREATE UNIQUE INDEX items_sku ON items (sku)";
            duplicateNames(f, "shared");

            // --on-error stop, one at a time: shared (first) fails, nothing else starts
            Events events = new Events();
            FleetRun stopped = fleet.migrate(f.request().withParallel(1, 1), events);
            Map<String, LocationOutcome> out = byTarget(stopped.outcomes());
            assertEquals(LocationOutcome.Result.FAILED, out.get("shared").result(), stopped::toString);
            assertEquals(failing, out.get("shared").statement());
            assertTrue(out.get("shared").error().contains("V3 (V3__sku.sql) failed at statement: " + failing), out.get("shared").error());
            for (String t : List.of("d1", "d2", "d3")) {
                assertEquals(LocationOutcome.Result.NOT_STARTED, out.get(t).result(), stopped::toString);
                assertEquals(List.of("1", "2"), f.versions(t, null));
                assertFalse(f.hasColumn(t, null, "items", "sku"), t + " untouched");
            }
            LocationStatus sharedNow = byTarget(stopped.after()).get("shared");
            assertEquals(SchemaState.FAILED, sharedNow.state(), sharedNow::toString);
            if (f.pg()) {
                assertFalse(f.hasColumn("shared", null, "items", "sku"), "PostgreSQL rolled V3 back");
                assertTrue(out.get("shared").error().contains("rolled back: nothing of it stays applied"), out.get("shared").error());
            } else {
                // MySQL DDL is not transactional: the first two statements stay, Flyway records V3 failed
                assertTrue(f.hasColumn("shared", null, "items", "sku"), "the ALTER of V3 stays applied on MySQL");
                assertTrue(out.get("shared").error().contains("MySQL/MariaDB cannot roll DDL back: 2 statement(s) of it ran before"),
                        out.get("shared").error());
                assertTrue(sharedNow.detail().contains("V3 (V3__sku.sql) recorded failed"), sharedNow::toString);
                assertTrue(f.history("shared", null).stream().anyMatch(h -> h.startsWith("3:false")), "Flyway's failed row");
            }
            SchemaJournal.Run r1 = f.journal.run(stopped.runId());
            assertEquals("failed", r1.status());
            assertTrue(r1.locations().stream().filter(l -> !l.target().equals("shared")).allMatch(l -> l.status().equals("aborted")
                    && l.step().equals("not-started")), r1::toString);

            // fixed at shared; now d2 has the bad data; --on-error continue: the others go on
            fixNames(f, "shared");
            duplicateNames(f, "d2");
            Events ev2 = new Events();
            FleetRun cont = fleet.migrate(f.request().withOnError(SchemaRequest.OnError.CONTINUE).withParallel(2, 2), ev2);
            out = byTarget(cont.outcomes());
            assertEquals(LocationOutcome.Result.MIGRATED, out.get("shared").result(), cont::toString);
            if (!f.pg()) {
                assertFalse(out.get("shared").repaired().isEmpty(), "the failed row was repaired first");
                assertTrue(ev2.any("shared/" + f.shared.name() + " repair V3 (V3__sku.sql) was recorded failed (MySQL/MariaDB cannot roll DDL back"),
                        ev2::toString);
            }
            assertEquals(LocationOutcome.Result.FAILED, out.get("d2").result(), cont::toString);
            assertEquals(failing, out.get("d2").statement());
            assertEquals(LocationOutcome.Result.MIGRATED, out.get("d1").result());
            assertEquals(LocationOutcome.Result.MIGRATED, out.get("d3").result());
            assertEquals(SchemaState.FAILED, byTarget(cont.after()).get("d2").state());
            Map<String, List<String>> historyOfOthers = new HashMap<>();
            for (String t : List.of("shared", "d1", "d3")) {
                historyOfOthers.put(t, f.history(t, null));
            }

            // the cause fixed: --resume continues that run and migrates only d2
            fixNames(f, "d2");
            FleetRun resumed = fleet.migrate(f.request().withResume(true), SchemaListener.NONE);
            assertEquals(cont.runId(), resumed.runId(), "the same run");
            out = byTarget(resumed.outcomes());
            assertEquals(LocationOutcome.Result.MIGRATED, out.get("d2").result(), resumed::toString);
            assertEquals(!f.pg(), !out.get("d2").repaired().isEmpty(), "repair only where the engine could not roll back");
            for (String t : List.of("shared", "d1", "d3")) {
                assertEquals(LocationOutcome.Result.DONE_EARLIER, out.get(t).result());
                assertEquals(historyOfOthers.get(t), f.history(t, null), t + ": history untouched by the resume");
            }
            assertTrue(resumed.ok(), resumed::toString);
            SchemaJournal.Run r2 = f.journal.run(cont.runId());
            assertEquals("done", r2.status());
            assertEquals(4, r2.locations().size(), "one record per location, the resumed one reused");
        }
    }

    private static void duplicateNames(FleetFixture f, String target) throws Exception {
        try (Connection c = f.connect(target, null); Statement s = c.createStatement()) {
            s.execute("UPDATE items SET name = 'same' WHERE id IN (1, 2)");
        }
    }

    private static void fixNames(FleetFixture f, String target) throws Exception {
        try (Connection c = f.connect(target, null); Statement s = c.createStatement()) {
            s.execute(f.pg() ? "UPDATE items SET name = 'item ' || id WHERE id IN (1, 2)" : "UPDATE items SET name = CONCAT('item ', id) WHERE id IN (1, 2)");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void alterBlockedByALongTransaction_givesUpAfterTheLockTimeout_readersKeepWorking_thenItRetriesAndLands(Engine engine, @TempDir Path dir)
            throws Exception {
        try (FleetFixture f = new FleetFixture(engine, dir, true).tenants(1)) {
            f.v1();
            SchemaFleet fleet = f.fleet();
            assertTrue(fleet.migrate(f.request(), SchemaListener.NONE).ok());
            f.v2(0); // one ALTER: it needs the table's exclusive lock

            Connection holder = f.connect("d1", null);
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM items WHERE id = 1")) {
                r.next(); // a long transaction now holds a shared lock on items (PostgreSQL AccessShare / MySQL metadata lock)
            }
            java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger readsWhileHeld = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger lockWaits = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> readers = new ArrayList<>();
            List<Exception> readerErrors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try (Connection c = f.connect("d1", null); Statement s = c.createStatement()) {
                        while (!done.get()) {
                            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM items")) {
                                r.next();
                            }
                            if (holding.get() && lockWaits.get() > 0) {
                                readsWhileHeld.incrementAndGet(); // the ALTER has been waiting (and gave up) at least once
                            }
                        }
                    } catch (Exception e) {
                        readerErrors.add(e);
                    }
                }, "reader-" + i);
                t.start();
                readers.add(t);
            }
            SchemaListener l = (target, schema, event, detail) -> {
                if (event.equals("lock-wait") && lockWaits.incrementAndGet() == 3) {
                    try {
                        holding.set(false);
                        holder.commit(); // the long transaction ends after the third give-up
                    } catch (Exception e) {
                        readerErrors.add(e);
                    }
                }
            };
            FleetRun run;
            try {
                run = fleet.migrate(f.request().withLockWaits(f.pg() ? 300 : 1000, 20, 200, 400), l);
            } finally {
                done.set(true);
                for (Thread t : readers) {
                    t.join(10_000);
                }
                holder.close();
            }
            assertTrue(readerErrors.isEmpty(), readerErrors::toString);
            LocationOutcome d1 = byTarget(run.outcomes()).get("d1");
            assertEquals(LocationOutcome.Result.MIGRATED, d1.result(), run::toString);
            assertTrue(d1.attempts() >= 4, "three lock timeouts, then it landed: " + d1);
            assertTrue(readsWhileHeld.get() >= 5, "readers kept working while the ALTER waited and retried: " + readsWhileHeld.get() + " reads");
            assertEquals(List.of("1", "2"), f.versions("d1", null));
            assertTrue(f.journal.run(run.runId()).locations().stream().allMatch(r -> r.status().equals("done")));
        }
    }

    static Map<String, LocationStatus> byTarget(FleetStatus st) {
        Map<String, LocationStatus> m = new HashMap<>();
        for (LocationStatus l : st.locations()) {
            m.put(l.target(), l);
        }
        return m;
    }

    static Map<String, LocationOutcome> byTarget(List<LocationOutcome> os) {
        Map<String, LocationOutcome> m = new HashMap<>();
        for (LocationOutcome o : os) {
            m.put(o.target(), o);
        }
        return m;
    }
}
