package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.TenantCleanup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute cleanup <tenant> [--archive DIR] [--older-than DURATION] [--yes]}: after a completed, verified
 * move, archives the tenant's rows still on the move's source, deletes them in small batches (reverse FK order)
 * and drops the tenant's fence there. Re-run to resume an interrupted cleanup. Exit 0 done, 1 refused or failed
 * (one line, {@code TR011}), 2 usage.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "After a verified move: archive the tenant's old rows on the move's source, delete them in small batches, unfence.")
public final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<tenant>", description = "the tenant id")
    String tenant;

    @Option(names = "--archive", paramLabel = "<dir|file.zip>",
            description = "archive: a directory, or one file when the name ends in .zip (default directory"
                    + " tenantroute-archive-<tenant>-move<id>; a resumed cleanup keeps its own)")
    Path archive;

    @Option(names = "--older-than", paramLabel = "<duration>", description = "refuse unless the move finished at least this long ago (7d, 12h, 30m)")
    String olderThan;

    @Option(names = "--batch-rows", defaultValue = "1000", description = "rows deleted per transaction (default ${DEFAULT-VALUE})")
    int batchRows;

    @Option(names = "--tenant-column", defaultValue = "tenant_id", description = "tenant column (default ${DEFAULT-VALUE})")
    String tenantColumn;

    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Override
    public Integer call() {
        Duration age;
        try {
            age = olderThan == null ? null : ArchiveSupport.duration(olderThan);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--older-than: " + e.getMessage());
        }
        if (batchRows < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-rows must be ≥ 1, was " + batchRows);
        }
        if (!yes) {
            if (System.console() == null) {
                System.err.println("error: not a terminal: add --yes to delete the old rows of tenant '" + tenant + "'");
                return 1;
            }
            String answer = System.console().readLine("Archive and delete the old rows of tenant '%s' on the source of its last move? [y/N] ", tenant);
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                System.err.println("error: not confirmed");
                return 1;
            }
        }
        TenantMapStore store = null;
        try (ArchiveSupport.Progress progress = new ArchiveSupport.Progress(common)) {
            store = common.openStore();
            TenantCleanup.CleanupRequest req = TenantCleanup.CleanupRequest.of(tenant).withArchive(archive).withOlderThan(age)
                    .withBatchRows(batchRows).withTenantColumn(tenantColumn);
            TenantCleanup.CleanupResult r = ArchiveSupport.cleanup(common, store, common.journal()).cleanup(req, progress);
            long deleted = r.deleted().values().stream().mapToLong(Long::longValue).sum();
            if (common.json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "cleaned");
                o.put("migration", r.migrationId());
                o.put("move", r.moveId());
                o.put("source", r.source());
                o.put("archive", r.archive().toAbsolutePath().toString());
                o.put("archiveReused", r.archiveReused());
                o.put("deleted", r.deleted());
                common.json(o);
            } else {
                System.out.printf("cleaned up tenant '%s' on %s/%s after move %d: migration %d, %d rows deleted, archive %s%s%n", tenant, r.source(),
                        r.sourceSchema(), r.moveId(), r.migrationId(), deleted, r.archive(), r.archiveReused() ? " (kept from the interrupted run)" : "");
                r.manifest().tables().forEach(t -> System.out.printf("  %-28s archived %d  checksum %s%n", t.name(), t.rows(), t.checksum()));
            }
            return 0;
        } catch (Exception e) {
            System.err.println(ArchiveSupport.error(e));
            return 1;
        } finally {
            MigratorSupport.closeQuietly(store);
        }
    }
}
