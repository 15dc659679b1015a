package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.TableVerification;
import io.tenantroute.migrator.VerifyReport;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tenantroute verify <tenant> [--against <target>] [--against-schema S]}: row counts and checksums per
 * table where the tenant lives now vs another target (default: the source of its last completed move).
 * Exit 0 equal, 1 different or error, 2 usage.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare a tenant's rows (counts, checksums, first mismatching keys) with another target.")
public final class VerifyCommand implements Callable<Integer> {
    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<tenant>")
    String tenant;

    @Option(names = "--against", paramLabel = "<target>", description = "the other target (default: source of the last move)")
    String against;

    @Option(names = "--against-schema", description = "schema / database on the other target")
    String againstSchema;

    @Option(names = "--tenant-column", defaultValue = "tenant_id")
    String tenantColumn;

    @Override
    public Integer call() {
        TenantMapStore store = null;
        try {
            store = common.openStore();
            MigrationJournal journal = common.journal();
            String other = against;
            String otherSchema = againstSchema;
            if (other == null) {
                // the tenant's own rows: schema fan-outs add one row per location to the journal, so the newest
                // thousand rows of all may no longer reach back to the tenant's last move
                for (MigrationJournal.Migration m : journal.history(tenant, 1000)) {
                    if ("done".equals(m.status())) {
                        other = m.source();
                        otherSchema = m.sourceSchema();
                        break;
                    }
                }
                if (other == null) {
                    System.err.println("error: tenant '" + tenant + "' has no completed move: give --against <target>");
                    return 1;
                }
            }
            VerifyReport r = common.mover(store, journal).verify(tenant, other, otherSchema, tenantColumn);
            if (common.json) {
                common.json(Map.of("report", r, "matches", r.matches()));
            } else {
                System.out.printf("tenant '%s': %s vs %s%n", tenant, r.source(), r.target());
                for (TableVerification t : r.tables()) {
                    System.out.printf("  %-28s %s rows %d / %d  checksum %s / %s%n", t.table(), t.matches() ? "ok  " : "DIFF", t.sourceRows(),
                            t.targetRows(), t.sourceChecksum(), t.targetChecksum());
                    t.mismatches().forEach(x -> System.out.println("      " + x));
                }
                System.out.println(r.matches() ? "equal" : "DIFFERENT");
            }
            return r.matches() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("error: " + MigratorSupport.oneLine(e));
            return 1;
        } finally {
            MigratorSupport.closeQuietly(store);
        }
    }
}
