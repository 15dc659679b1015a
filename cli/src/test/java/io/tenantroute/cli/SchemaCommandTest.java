package io.tenantroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantroute.config.JdbcTenantMapStore;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.migrator.schema.SchemaJournal;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestControlMaps;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import io.tenantroute.testsupport.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code tenantroute schema status | migrate} through the real command line on real PostgreSQL and MariaDB: the table
 * and the JSON shape, exit codes (the {@code --require} gate, usage errors), ahead and unreachable locations, the
 * journal, and a migrator killed mid-run (a separate JVM, SIGKILL) that {@code --resume} finishes.
 */
class SchemaCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A control database, a shared database and dedicated locations d1…dn (MySQL: databases; PostgreSQL: schemas). */
    private static final class World implements AutoCloseable {
        final Engine engine;
        final TestServer server;
        final TestDatabase ctl;
        final TestDatabase shared;
        final TestDatabase ded;
        final List<TestDatabase> extra = new ArrayList<>();
        final Map<String, TestDatabase> db = new HashMap<>();
        final Map<String, String> schema = new HashMap<>();
        final Path dir;

        World(Engine engine, Path dir, int n) throws Exception {
            this.engine = engine;
            this.dir = dir;
            server = TestDatabases.server(engine);
            shared = server.createDatabase("schc_shared");
            // PostgreSQL: control tables (schema tenantroute) and the dedicated schemas in the shared database, as the README's
            // default setup has it (each database created and dropped costs a checkpoint); MySQL: databases of their own
            ctl = engine == Engine.POSTGRESQL ? shared : server.createDatabase("schc_ctl");
            db.put(Target.SHARED, shared);
            ded = engine == Engine.POSTGRESQL ? shared : null;
            try (JdbcTenantMapStore store = TestControlMaps.initAndOpen(ctl)) {
                for (int i = 1; i <= n; i++) {
                    TestDatabase d = ded;
                    if (d == null) {
                        d = server.createDatabase("schc_d" + i);
                        extra.add(d);
                    } else {
                        schema.put("d" + i, "tenant_" + i);
                    }
                    db.put("d" + i, d);
                    store.putTarget(new Target("d" + i, d.url(), null, PasswordRef.NONE, 0));
                    store.setRoute("t" + i, "d" + i, schema.get("d" + i));
                }
            }
        }

        boolean pg() {
            return engine == Engine.POSTGRESQL;
        }

        String[] control() {
            return new String[] {"--control", ctl.url(), "--control-schema", TestControlMaps.controlSchema(ctl), "--shared-url", shared.url(),
                "--migrations", "flyway:" + dir};
        }

        CliRun cli(String... args) {
            return CliRun.of(CommandResult.concat(args, control()));
        }

        String locationSchema(String target) {
            if (schema.containsKey(target)) {
                return schema.get(target);
            }
            return pg() ? "public" : db.get(target).name();
        }

        SchemaJournal journal() {
            return new SchemaJournal(ctl::connect, TestControlMaps.controlSchema(ctl));
        }

        @Override
        public void close() throws Exception {
            for (TestDatabase d : extra) {
                d.close();
            }
            shared.close();
            if (ctl != shared) {
                ctl.close();
            }
        }
    }

    private static void write(Path dir, String name, String sql) throws Exception {
        Files.writeString(dir.resolve(name), sql);
    }

    private static void v1(World w) throws Exception {
        write(w.dir, "V1__items.sql", "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, name varchar(200) NOT NULL)"
                + (w.pg() ? "" : " ENGINE=InnoDB") + ";\n");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void statusAndMigrate_tableJsonExitCodesGateAheadAndUnreachable(Engine engine, @TempDir Path dir, @TempDir Path newer) throws Exception {
        try (World w = new World(engine, dir, 2)) {
            v1(w);
            write(dir, "V2__note.sql", "ALTER TABLE items ADD COLUMN note varchar(200);\n");

            // before: three locations, two migrations pending each; JSON as the issue names it
            CliRun json = w.cli("schema", "status", "--json");
            assertEquals(1, json.exit(), json::toString);
            JsonNode j = JSON.readTree(json.out());
            assertEquals(3, j.get("locations").size(), json::toString);
            JsonNode first = j.get("locations").get(0);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(List.of("target", "schema", "version", "pending", "state", "detail"), keys);
            assertEquals("shared", first.get("target").asText());
            assertEquals(w.locationSchema("shared"), first.get("schema").asText());
            assertTrue(first.get("version").isNull());
            assertEquals(2, first.get("pending").asInt());
            assertEquals("pending", first.get("state").asText());
            assertEquals("V1, V2 pending", first.get("detail").asText());
            JsonNode summary = j.get("summary");
            assertEquals(3, summary.get("locations").asInt());
            assertEquals(3, summary.get("states").get("pending").asInt());
            assertEquals("2", summary.get("latest").asText());
            assertFalse(summary.get("ok").asBoolean());
            assertTrue(json.err().contains("3 of 3 location(s) not up to date"), json::toString);

            // usage errors: exit 2
            assertEquals(2, CliRun.of("schema", "status", "--migrations", "liquibase:x", "--control", w.ctl.url()).exit());
            assertEquals(2, w.cli("schema", "migrate", "--parallel", "0").exit());
            assertEquals(2, w.cli("schema", "migrate", "--per-server", "0").exit());
            assertEquals(2, w.cli("schema", "migrate", "--on-error", "maybe").exit());
            assertEquals(2, w.cli("schema", "migrate", "--resume", "--target", "d1").exit());
            assertEquals(2, w.cli("schema", "status", "--require", "v.x").exit());
            CliRun unknown = w.cli("schema", "migrate", "--yes", "--target", "nope");
            assertEquals(1, unknown.exit(), unknown::toString);
            assertTrue(unknown.err().startsWith("tenantroute: error [TR005]"), unknown::toString);

            // without --yes and without a terminal: the plan, then refused; nothing changed
            CliRun noYes = w.cli("schema", "migrate");
            assertEquals(1, noYes.exit(), noYes::toString);
            assertTrue(noYes.out().contains("3 location(s) to migrate (V1, V2)") && noYes.err().contains("not a terminal: add --yes"), noYes::toString);
            CliRun dry = w.cli("schema", "migrate", "--dry-run");
            assertEquals(0, dry.exit(), dry::toString);
            assertTrue(dry.out().contains("target") && dry.out().contains("3 location(s) to migrate"), dry::toString);

            // migrate: progress per location, then the status table
            CliRun migrated = w.cli("schema", "migrate", "--yes");
            assertEquals(0, migrated.exit(), migrated::toString);
            for (String t : List.of("shared", "d1", "d2")) {
                String at = t + "/" + w.locationSchema(t);
                assertTrue(migrated.out().contains(at + " start (empty) → V2 (V1, V2)"), migrated::toString);
                assertTrue(migrated.out().contains(at + " applied V1 (V1__items.sql)"), migrated::toString);
                assertTrue(migrated.out().contains(at + " done at V2, 2 applied"), migrated::toString);
            }
            assertTrue(migrated.out().matches("(?s).*target\\s+schema\\s+version\\s+pending\\s+state\\s+detail.*"), migrated::toString);
            assertTrue(migrated.out().contains("3 location(s): 3 up-to-date") && migrated.out().contains("3 migrated"), migrated::toString);
            CliRun gate = w.cli("schema", "status", "--require", "2");
            assertEquals(0, gate.exit(), gate::toString);
            assertTrue(gate.out().contains("--require 2: met"), gate::toString);
            CliRun notYet = w.cli("schema", "status", "--require", "3");
            assertEquals(1, notYet.exit(), notYet::toString);
            assertTrue(notYet.err().contains("3 of 3 location(s) below 3"), notYet::toString);

            // the journal: kind schema, one record per location
            CommandResult list = CommandResult.run(new MigrationsCommand.ListCommand(), "--json", "--control", w.ctl.url(), "--control-schema",
                    TestControlMaps.controlSchema(w.ctl));
            JsonNode ms = JSON.readTree(list.out().lines().filter(l -> l.startsWith("[")).findFirst().orElseThrow());
            int schemaRows = 0;
            for (JsonNode m : ms) {
                if (m.get("kind").asText().equals("schema")) {
                    schemaRows++;
                    assertEquals("done", m.get("status").asText(), m::toString);
                    assertEquals(m.get("source").asText(), m.get("target").asText());
                }
            }
            assertEquals(3, schemaRows, list::toString);
            long firstId = 0;
            for (JsonNode m : ms) {
                if (m.get("kind").asText().equals("schema") && m.get("target").asText().equals("shared")) {
                    firstId = m.get("id").asLong();
                }
            }
            CommandResult show = CommandResult.run(new MigrationsCommand.ShowCommand(), String.valueOf(firstId), "--control", w.ctl.url(),
                    "--control-schema", TestControlMaps.controlSchema(w.ctl));
            assertEquals(0, show.code(), show::toString);
            assertTrue(show.out().contains("location shared/" + w.locationSchema("shared") + " of schema run ") && show.out().contains("(empty) → V2"),
                    show::toString);

            // d1 migrated by a newer release of the app, Flyway by hand: ahead; the V2 gate stays open
            Files.copy(dir.resolve("V1__items.sql"), newer.resolve("V1__items.sql"));
            Files.copy(dir.resolve("V2__note.sql"), newer.resolve("V2__note.sql"));
            write(newer, "V3__more.sql", "ALTER TABLE items ADD COLUMN more_note varchar(20);\n");
            Flyway.configure().dataSource(w.db.get("d1").url(), null, null).schemas(w.locationSchema("d1")).locations("filesystem:" + newer)
                    .load().migrate();
            CliRun ahead = w.cli("schema", "status", "--json");
            assertEquals(1, ahead.exit(), ahead::toString);
            JsonNode d1 = row(JSON.readTree(ahead.out()), "d1");
            assertEquals("ahead", d1.get("state").asText(), d1::toString);
            assertEquals("3", d1.get("version").asText());
            assertTrue(d1.get("detail").asText().contains("V3"), d1::toString);
            assertEquals(0, w.cli("schema", "status", "--require", "2").exit(), "ahead of the gate is fine");
            CliRun skip = w.cli("schema", "migrate", "--yes");
            assertEquals(0, skip.exit(), skip::toString);
            assertTrue(skip.out().contains("d1/" + w.locationSchema("d1") + " ahead"), skip::toString);

            // a target nobody can reach: unreachable, named, exit 1; --target leaves it out of a run
            try (JdbcTenantMapStore store = TestControlMaps.open(w.ctl)) {
                String dead = w.pg() ? "jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2" : "jdbc:mysql://127.0.0.1:1/nothing?connectTimeout=2000";
                store.putTarget(new Target("gone", dead, null, PasswordRef.NONE, 0));
                store.setRoute("lost", "gone", null);
            }
            CliRun unreachable = w.cli("schema", "status");
            assertEquals(1, unreachable.exit(), unreachable::toString);
            assertTrue(unreachable.out().matches("(?s).*gone\\s+-\\s+-\\s+0\\s+unreachable\\s+\\[08.*"), unreachable::toString);
            CliRun limited = w.cli("schema", "migrate", "--yes", "--target", "d2", "--json");
            assertEquals(0, limited.exit(), limited::toString);
            JsonNode l = JSON.readTree(limited.out());
            assertEquals(1, l.get("locations").size(), limited::toString);
            assertEquals("up-to-date", l.get("results").get(0).get("result").asText());
            CliRun all = w.cli("schema", "migrate", "--yes");
            assertEquals(1, all.exit(), all::toString);
            assertTrue(all.err().startsWith("tenantroute: error [TR011]: schema migrate: 1 location(s) not migrated: gone/")
                    && all.err().contains("--resume"), all::toString);
        }
    }

    private static JsonNode row(JsonNode status, String target) {
        for (JsonNode r : status.get("locations")) {
            if (r.get("target").asText().equals(target)) {
                return r;
            }
        }
        throw new AssertionError("no location on " + target + " in " + status);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void migratorKilledMidRun_resumeFinishesTheSameRunAndKeepsWhatWasDone(Engine engine, @TempDir Path dir, @TempDir Path logs) throws Exception {
        try (World w = new World(engine, dir, 5)) {
            v1(w);
            assertEquals(0, w.cli("schema", "migrate", "--yes").exit());
            // V2 pauses, then adds a column in a way that can run again (MySQL cannot roll DDL back)
            write(dir, "V2__note.sql", (w.pg() ? "SELECT pg_sleep(0.5);\n" : "DO SLEEP(0.5);\n")
                    + "ALTER TABLE items ADD COLUMN IF NOT EXISTS note varchar(200);\n");

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "io.tenantroute.cli.TenantRouteCli", "schema", "migrate", "--yes",
                    "--parallel", "2"));
            cmd.addAll(List.of(w.control()));
            Process p = new ProcessBuilder(cmd).redirectOutput(logs.resolve("out.txt").toFile()).redirectError(logs.resolve("err.txt").toFile())
                    .start();
            SchemaJournal journal = w.journal();
            SchemaJournal.Run run = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && p.isAlive()) {
                SchemaJournal.Run r = journal.latestRun();
                if (r != null && r.id() > 1 && r.locations().stream().filter(x -> x.status().equals("done")).count() >= 2) {
                    run = r;
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), () -> "the migrator ended before it was killed: " + read(logs));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no journal update
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(run != null, () -> read(logs));
            SchemaJournal.Run killed = journal.run(run.id());
            assertEquals("running", killed.status(), killed::toString);
            Map<Long, java.sql.Timestamp> doneBefore = new HashMap<>();
            for (SchemaJournal.LocationRecord r : killed.locations()) {
                if (r.status().equals("done")) {
                    doneBefore.put(r.migrationId(), r.endedAt());
                }
            }
            assertTrue(doneBefore.size() >= 2 && doneBefore.size() < 6, killed::toString);
            // what a move asks before it touches a location: an interrupted run still holds its unfinished locations
            for (SchemaJournal.LocationRecord r : killed.locations()) {
                assertEquals(!r.status().equals("done"), journal.runningOn(r.target(), r.schema()).isPresent(), r::toString);
            }

            CliRun resumed = w.cli("schema", "migrate", "--yes", "--resume");
            assertEquals(0, resumed.exit(), resumed::toString);
            assertTrue(resumed.out().contains("6 location(s): 6 up-to-date") && resumed.out().contains("run " + run.id() + ": "), resumed::toString);
            assertTrue(resumed.out().contains(doneBefore.size() + " done-earlier"), resumed::toString);
            SchemaJournal.Run finished = journal.run(run.id());
            assertEquals("done", finished.status(), finished::toString);
            assertEquals(6, finished.locations().size(), "one record per location, the same run");
            for (SchemaJournal.LocationRecord r : finished.locations()) {
                assertEquals("done", r.status(), r::toString);
                assertEquals("2", r.toVersion(), r::toString);
                if (doneBefore.containsKey(r.migrationId())) {
                    assertEquals(doneBefore.get(r.migrationId()), r.endedAt(), "done before the kill: not redone " + r);
                }
            }
            for (String t : w.db.keySet()) {
                try (Connection c = w.db.get(t).connect(); Statement s = c.createStatement()) {
                    if (w.schema.containsKey(t)) {
                        s.execute("SET search_path TO " + w.schema.get(t));
                    }
                    try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '2' AND success = "
                            + (w.pg() ? "true" : "1"))) {
                        r.next();
                        assertEquals(1, r.getInt(1), t + ": V2 applied exactly once");
                    }
                }
            }
        }
    }

    private static String read(Path logs) {
        try {
            return Files.readString(logs.resolve("out.txt")) + Files.readString(logs.resolve("err.txt"));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
