package io.tenantroute.bench;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.schema.FleetRun;
import io.tenantroute.migrator.schema.LocationOutcome;
import io.tenantroute.migrator.schema.SchemaFleet;
import io.tenantroute.migrator.schema.SchemaJournal;
import io.tenantroute.migrator.schema.SchemaListener;
import io.tenantroute.migrator.schema.SchemaRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness (issue 13, "Benchmark"): the wall time of a schema fan-out, {@code tenantroute schema migrate} V1 → V3
 * (V2 adds a column, V3 an index) to {@code --locations} locations (default 50) whose {@code items} table holds
 * {@code --rows} rows each (default 10,000), with {@code --parallel 1} and with the defaults ({@code --parallel 4
 * --per-server 2}), each as {@code parallel/perServer} in {@code --modes} (default {@code 1/1,4/2}).
 *
 * <p>Setup: a control database (control tables, journal), a shared database and {@code locations - 1} databases, each
 * a target with one tenant routed to it, all on the one server; V1 (the table and its rows) applied everywhere first,
 * untimed. Each round runs every mode once from V1 (alternating which mode goes first between rounds); between two
 * runs every location is put back to V1 (index and column dropped, their history rows deleted). Two figures per run:
 * the whole {@link SchemaFleet#migrate} (pre-check of every location, the migrations, the status at the end — what
 * the operator waits for), and the migration phase alone (first location started → last location done, from the
 * listener).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.tenantroute.bench.SchemaFanOutBench [pg|mariadb] [--locations N]
 * [--rows N] [--rounds N] [--modes 1/1,4/2]}. Creates and drops its databases ({@code trb_*}). Prints plain lines.
 */
public final class SchemaFanOutBench {
    private SchemaFanOutBench() {
    }

    static final String HELP = "SchemaFanOutBench [pg|mariadb] [--locations 50] [--rows 10000] [--rounds 1] [--modes 1/1,4/2]";

    public static void main(String[] args) throws Exception {
        BenchDb.Kind kind = BenchDb.Kind.PG;
        int locations = 50;
        long rows = 10_000;
        int rounds = 1;
        String modes = "1/1,4/2";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--locations" -> locations = Integer.parseInt(args[++i]);
                case "--rows" -> rows = Long.parseLong(args[++i].replace("_", ""));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--modes" -> modes = args[++i];
                case "-h", "--help" -> {
                    System.out.println(HELP);
                    return;
                }
                default -> kind = BenchDb.Kind.parse(args[i]);
            }
        }
        Path dir = Files.createTempDirectory("trb-schema");
        try (BenchDb b = new BenchDb(kind)) {
            run(b, dir, locations, rows, rounds, modes.split(","));
        } finally {
            for (String f : new String[] {"V1__items.sql", "V2__note.sql", "V3__index.sql"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void run(BenchDb b, Path dir, int locations, long rows, int rounds, String[] modes) throws Exception {
        boolean pg = b.kind == BenchDb.Kind.PG;
        log("[%s] setup: %d locations, items with %,d rows each; load %s", b.kind, locations, rows, BenchDb.loadAverage());
        String ctl = b.create("ctl");
        String controlSchema = pg ? ControlSchema.DEFAULT_SCHEMA : ctl;
        try (Connection c = b.connect(ctl)) {
            ControlSchema.init(c, controlSchema);
        }
        Properties p = new Properties();
        p.setProperty(TenantMapStores.CONTROL_SCHEMA, controlSchema);
        List<String> dbs = new ArrayList<>();
        try (TenantMapStore store = TenantMapStores.open(b.url(ctl), p)) {
            for (int i = 0; i < locations; i++) {
                String db = b.create(i == 0 ? "shared" : "l" + i);
                dbs.add(db);
                if (i == 0) {
                    store.putTarget(new Target(Target.SHARED, b.url(db), null, PasswordRef.NONE, 0));
                } else {
                    store.putTarget(new Target("l" + i, b.url(db), null, PasswordRef.NONE, 0));
                    store.setRoute("tenant" + i, "l" + i, null);
                }
            }
            Files.writeString(dir.resolve("V1__items.sql"), pg
                    ? "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, name varchar(200) NOT NULL, price numeric(10,2));\n"
                            + "INSERT INTO items SELECT g, 't' || (g % 20), 'item ' || g, g % 1000 FROM generate_series(1, " + rows + ") g;\n"
                    : "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, name varchar(200) NOT NULL, price decimal(10,2))"
                            + " ENGINE=InnoDB;\nINSERT INTO items SELECT seq, CONCAT('t', seq % 20), CONCAT('item ', seq), seq % 1000 FROM seq_1_to_"
                            + rows + ";\n");
            SchemaJournal journal = new SchemaJournal(() -> b.connect(ctl), controlSchema);
            journal.init();
            SchemaFleet fleet = new SchemaFleet(store, journal, TargetConnector.direct(), null);
            SchemaRequest base = SchemaRequest.of("flyway:filesystem:" + dir).withControlSchema(controlSchema);
            long t0 = System.nanoTime();
            FleetRun v1 = fleet.migrate(base, SchemaListener.NONE);
            check(v1, "V1");
            log("[%s] V1 at %d locations in %.1f s (setup, parallel 4 / per server 2)", b.kind, v1.outcomes().size(), secs(System.nanoTime() - t0));
            Files.writeString(dir.resolve("V2__note.sql"), "ALTER TABLE items ADD COLUMN note varchar(200);\n");
            Files.writeString(dir.resolve("V3__index.sql"), "CREATE INDEX items_tenant_name ON items (tenant_id, name);\n");
            for (int round = 1; round <= rounds; round++) {
                List<String> order = new ArrayList<>(List.of(modes));
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String mode : order) {
                    String[] m = mode.trim().split("/");
                    int parallel = Integer.parseInt(m[0]);
                    int perServer = Integer.parseInt(m[1]);
                    String loadBefore = BenchDb.loadAverage();
                    AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
                    AtomicLong lastDone = new AtomicLong();
                    SchemaListener timing = (target, schema, event, detail) -> {
                        long now = System.nanoTime();
                        if (event.equals("start")) {
                            firstStart.accumulateAndGet(now, Math::min);
                        } else if (event.equals("done")) {
                            lastDone.accumulateAndGet(now, Math::max);
                        }
                    };
                    long start = System.nanoTime();
                    FleetRun r = fleet.migrate(base.withParallel(parallel, perServer), timing);
                    long wall = System.nanoTime() - start;
                    check(r, "V1 → V3");
                    log("[%s] round %d, --parallel %d --per-server %d: V1 → V3 at %d locations: whole run %.1f s, migrations %.1f s"
                            + " (%.0f ms per location); load %s → %s", b.kind, round, parallel, perServer, r.outcomes().size(), secs(wall),
                            secs(lastDone.get() - firstStart.get()), (lastDone.get() - firstStart.get()) / 1e6 / r.outcomes().size(), loadBefore,
                            BenchDb.loadAverage());
                    back(b, dbs);
                }
            }
        }
    }

    /** Puts every location back to V1: drops V3's index and V2's column, deletes their history rows. */
    private static void back(BenchDb b, List<String> dbs) throws Exception {
        boolean pg = b.kind == BenchDb.Kind.PG;
        for (String db : dbs) {
            try (Connection c = b.connect(db); Statement s = c.createStatement()) {
                s.execute(pg ? "DROP INDEX items_tenant_name" : "DROP INDEX items_tenant_name ON items");
                s.execute("ALTER TABLE items DROP COLUMN note");
                s.execute("DELETE FROM flyway_schema_history WHERE version IN ('2', '3')");
            }
        }
    }

    private static void check(FleetRun r, String what) {
        if (r.refusal() != null || !r.bad().isEmpty()) {
            throw new IllegalStateException(what + " did not run everywhere: " + (r.refusal() != null ? r.refusal() : r.bad()));
        }
        for (LocationOutcome o : r.outcomes()) {
            if (o.result() != LocationOutcome.Result.MIGRATED) {
                throw new IllegalStateException(what + ": " + o);
            }
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static void log(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
    }
}
