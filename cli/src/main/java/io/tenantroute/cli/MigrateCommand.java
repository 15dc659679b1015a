package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveMode;
import io.tenantroute.migrator.MovePlan;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.migrator.TenantMover;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute migrate <tenant> --to <target> [--schema S] [--create] [--mode online|offline] [--dry-run]
 * [--parallel N] [--schema-from flyway:<location>] [--copy-reference] [--no-throttle] [--yes] [--resume|--abort]}. Exit 0 done, 1 error (one line), 2 usage.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Move a tenant to another target: online (copy, catch up, fence, verify, flip) or offline.")
public final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<tenant>", description = "the tenant id")
    String tenant;

    @Option(names = "--to", paramLabel = "<target>", description = "destination target name")
    String to;

    @Option(names = "--schema", description = "schema (PostgreSQL) / database (MySQL) on the destination")
    String schema;

    @Option(names = "--create", description = "create the destination schema / database if absent")
    boolean create;

    @Option(names = "--mode", defaultValue = "online", description = "online (default) or offline")
    String mode;

    @Option(names = "--dry-run", description = "print the plan and pre-checks; change nothing")
    boolean dryRun;

    @Option(names = "--parallel", defaultValue = "2", description = "tables copied at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--tenant-column", defaultValue = "tenant_id", description = "tenant column (default ${DEFAULT-VALUE})")
    String tenantColumn;

    @Option(names = "--fence-timeout-ms", defaultValue = "5000", description = "wait for in-flight transactions at cutover (ms)")
    long fenceTimeoutMs;

    @Option(names = "--schema-from", paramLabel = "flyway:<location>",
            description = "create the destination tables by running the app's own Flyway migrations (flyway:filesystem:/path,"
                    + " flyway:classpath:db/migration, flyway:/path) instead of copying them from the source catalog; the move"
                    + " is refused (TR011) when a moved table or column does not match the source")
    String schemaFrom;

    @Option(names = "--copy-reference", description = "also copy the reference tables (owned by no tenant) whole, when the"
            + " destination lacks them or has them empty; compared with the source before cutover")
    boolean copyReference;

    @Option(names = "--no-throttle", description = "never throttle the tenant's transactions before the freeze (by default a"
            + " backlog that does not drain makes TenantRoute drivers run them one at a time until it does); the pause is then"
            + " the whole backlog")
    boolean noThrottle;

    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Option(names = "--resume", description = "resume an interrupted move of the tenant (rolls it back and starts again unless it flipped);"
            + " --to defaults to the interrupted move's destination")
    boolean resume;

    @Option(names = "--abort", description = "abort an interrupted move of the tenant: unfence, unfreeze, drop what it created")
    boolean abort;

    @Override
    public Integer call() {
        if (resume && abort) {
            throw new ParameterException(spec.commandLine(), "--resume and --abort exclude each other");
        }
        if (!abort && !resume && (to == null || to.isBlank())) {
            throw new ParameterException(spec.commandLine(), "--to <target> is required");
        }
        MoveMode m = MigratorSupport.mode(spec, mode);
        if (schemaFrom != null && !schemaFrom.startsWith("flyway:")) {
            throw new ParameterException(spec.commandLine(), "--schema-from must be flyway:<location>, was '" + schemaFrom + "'");
        }
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be ≥ 1, was " + parallel);
        }
        TenantMapStore store = null;
        try {
            store = common.openStore();
            MigrationJournal journal = common.journal();
            TenantMover mover = common.mover(store, journal);
            if (abort) {
                long id = mover.abort(tenant);
                if (common.json) {
                    common.json(Map.of("event", "aborted", "tenant", tenant, "migration", id));
                } else {
                    System.out.println(id < 0 ? "no move of tenant '" + tenant + "' to abort" : "aborted migration " + id + "; tenant '" + tenant + "' is active on its source");
                }
                return 0;
            }
            if (resume && (to == null || to.isBlank())) {
                // --resume <tenant> alone: the interrupted move's destination, from the journal
                Long active = journal.activeMigration(tenant);
                if (active == null) {
                    System.err.println("error: no interrupted move of tenant '" + tenant + "' to resume: give --to");
                    return 1;
                }
                MigrationJournal.Migration interrupted = journal.get(active);
                to = interrupted.target();
                if (schema == null && interrupted.target().equals(interrupted.source())) {
                    schema = interrupted.targetSchema(); // a schema-per-tenant move on the same target needs its schema back
                }
            }
            MoveRequest req = MoveRequest.of(tenant, to).withSchema(schema, create).withMode(m).withParallel(parallel)
                    .withTenantColumn(null, tenantColumn).withFenceTimeoutMs(fenceTimeoutMs).withSchemaFrom(schemaFrom).withCopyReference(copyReference)
                    .withThrottle(!noThrottle);
            MovePlan plan = mover.plan(req);
            if (common.json) {
                common.json(Map.of("event", "plan", "plan", plan));
            } else {
                System.out.print(plan.render());
            }
            if (dryRun) {
                return plan.ready() || resume ? 0 : 1;
            }
            if (!yes) {
                if (System.console() == null) {
                    System.err.println("error: not a terminal: add --yes to move tenant '" + tenant + "'");
                    return 1;
                }
                String answer = System.console().readLine("Move tenant '%s' to %s? [y/N] ", tenant, to);
                if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    System.err.println("error: not confirmed");
                    return 1;
                }
            }
            try (Progress progress = new Progress(common)) {
                MoveResult r = resume ? mover.resume(req, progress) : mover.move(req, progress);
                if (r == null) {
                    System.out.println("the interrupted move had already flipped; tenant '" + tenant + "' lives on " + to);
                    return 0;
                }
                if (common.json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "done");
                    o.put("migration", r.migrationId());
                    o.put("rowsCopied", r.rowsCopied());
                    o.put("rowsReplayed", r.rowsReplayed());
                    o.put("writePauseMs", r.writePauseMillis());
                    o.put("verification", r.verification());
                    common.json(o);
                } else {
                    System.out.printf("moved tenant '%s' to %s: migration %d, %d rows copied, %d changes replayed, write pause %d ms%n",
                            tenant, to, r.migrationId(), r.rowsCopied(), r.rowsReplayed(), r.writePauseMillis());
                    r.verification().tables().forEach(t -> System.out.printf("  %-28s rows %d  checksum %s%n", t.table(), t.targetRows(),
                            t.targetChecksum()));
                }
            }
            return 0;
        } catch (Exception e) {
            System.err.println("error: " + MigratorSupport.oneLine(e));
            return 1;
        } finally {
            MigratorSupport.closeQuietly(store);
        }
    }

    /** Progress bars per table on a terminal (me.tongfei progressbar), timestamped lines otherwise, JSON events with --json. */
    static final class Progress implements MoveListener, AutoCloseable {
        private final MigratorSupport common;
        private final boolean tty = System.console() != null;
        private final Map<String, ProgressBar> bars = new ConcurrentHashMap<>();

        Progress(MigratorSupport common) {
            this.common = common;
        }

        @Override
        public synchronized void step(String step, String detail) {
            if (common.json) {
                common.json(Map.of("event", "step", "step", step, "detail", detail, "at", MigratorSupport.ts()));
            } else {
                System.out.println(MigratorSupport.ts() + " " + step + (detail.isEmpty() ? "" : " " + detail));
            }
        }

        @Override
        public void tableStarted(String table, long expectedRows) {
            if (common.json) {
                synchronized (this) {
                    common.json(Map.of("event", "table", "table", table, "expectedRows", expectedRows, "at", MigratorSupport.ts()));
                }
            } else if (tty) {
                bars.put(table, new ProgressBarBuilder().setTaskName(table).setInitialMax(Math.max(1, expectedRows))
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1).showSpeed().build());
            } else {
                synchronized (this) {
                    System.out.println(MigratorSupport.ts() + " copy " + table + " (" + expectedRows + " rows planned)");
                }
            }
        }

        @Override
        public void tableProgress(String table, long rowsCopied) {
            ProgressBar b = bars.get(table);
            if (b != null) {
                b.stepTo(rowsCopied);
            }
        }

        @Override
        public void tableDone(String table, long rowsCopied) {
            ProgressBar b = bars.remove(table);
            if (b != null) {
                b.stepTo(rowsCopied);
                b.close();
            } else if (common.json) {
                synchronized (this) {
                    common.json(Map.of("event", "copied", "table", table, "rows", rowsCopied, "at", MigratorSupport.ts()));
                }
            } else {
                synchronized (this) {
                    System.out.println(MigratorSupport.ts() + " copied " + table + ": " + rowsCopied + " rows");
                }
            }
        }

        @Override
        public void close() {
            bars.values().forEach(ProgressBar::close);
        }
    }
}
