package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.MoveMode;
import io.tenantroute.migrator.MovePlan;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.migrator.TenantRollback;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute rollback <tenant> [--mode online|offline] [--yes] [--dry-run]}: moves the tenant back to where
 * its last completed move came from, with the writes made since the cutover. Exit 0 done, 1 error or refusal (one
 * line, SQLState reason), 2 usage.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Move a tenant back to where its last completed move came from, with every write made since the cutover.")
public final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<tenant>", description = "the tenant id")
    String tenant;

    @Option(names = "--mode", defaultValue = "online", description = "online (default) or offline")
    String mode;

    @Option(names = "--dry-run", description = "print the plan and pre-checks (key collisions, identity ranges); change nothing")
    boolean dryRun;

    @Option(names = "--tenant-column", defaultValue = "tenant_id", description = "tenant column (default ${DEFAULT-VALUE})")
    String tenantColumn;

    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Override
    public Integer call() {
        MoveMode m = MigratorSupport.mode(spec, mode);
        TenantMapStore store = null;
        try {
            store = common.openStore();
            MigrationJournal journal = common.journal();
            TenantRollback rollback = common.rollback(store, journal);
            MovePlan plan = rollback.plan(tenant, m, tenantColumn);
            if (common.json) {
                common.json(Map.of("event", "plan", "plan", plan));
            } else {
                System.out.print("Rollback: " + plan.render());
            }
            if (dryRun) {
                return plan.ready() ? 0 : 1;
            }
            if (!yes) {
                if (System.console() == null) {
                    System.err.println("error: not a terminal: add --yes to roll tenant '" + tenant + "' back to " + plan.target());
                    return 1;
                }
                String answer = System.console().readLine("Roll tenant '%s' back to %s? [y/N] ", tenant, plan.target());
                if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    System.err.println("error: not confirmed");
                    return 1;
                }
            }
            try (MigrateCommand.Progress progress = new MigrateCommand.Progress(common)) {
                MoveResult r = rollback.rollback(tenant, m, tenantColumn, progress);
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
                    System.out.printf("rolled tenant '%s' back to %s: migration %d, %d rows copied, %d changes replayed, write pause %d ms%n",
                            tenant, plan.target(), r.migrationId(), r.rowsCopied(), r.rowsReplayed(), r.writePauseMillis());
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
}
