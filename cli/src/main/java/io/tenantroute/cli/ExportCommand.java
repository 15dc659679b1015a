package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.TenantArchives;
import io.tenantroute.migrator.archive.ArchiveManifest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tenantroute export <tenant> -o DIR}: the tenant's rows, where its route points now, from one consistent
 * read-only snapshot, into a tenant archive (docs/archive.md). Exit 0 done, 1 error (one line), 2 usage.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a tenant's rows (every owned table, one consistent snapshot) to an archive: a directory, or one .zip file.")
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<tenant>", description = "the tenant id")
    String tenant;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "<dir|file.zip>",
            description = "archive to create: a directory (absent or empty), or a single file when the name ends in .zip (absent)")
    Path output;

    @Option(names = "--tenant-column", defaultValue = "tenant_id", description = "tenant column (default ${DEFAULT-VALUE})")
    String tenantColumn;

    @Override
    public Integer call() {
        TenantMapStore store = null;
        try (ArchiveSupport.Progress progress = new ArchiveSupport.Progress(common)) {
            store = common.openStore();
            TenantArchives.ExportResult r = ArchiveSupport.archives(common, store, common.journal())
                    .export(tenant, output, tenantColumn, System.getProperty("user.name", "unknown"), progress);
            ArchiveManifest m = r.manifest();
            if (common.json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "exported");
                o.put("migration", r.migrationId());
                o.put("archive", output.toAbsolutePath().toString());
                o.put("manifest", m);
                common.json(o);
            } else {
                System.out.printf("exported tenant '%s' from %s/%s to %s: migration %d, %d rows%n", tenant, m.source().target(), m.source().schema(),
                        output, r.migrationId(), m.totalRows());
                m.tables().forEach(t -> System.out.printf("  %-28s rows %d  checksum %s%n", t.name(), t.rows(), t.checksum()));
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
