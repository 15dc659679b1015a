package io.tenantroute.cli;

import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.TableVerification;
import io.tenantroute.migrator.TenantArchives;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tenantroute import <dir> --to <target> [--schema S] [--create] [--route]}: loads a tenant archive and
 * verifies counts and checksums against its manifest. The tenant's route changes only with {@code --route}, and
 * only after a verified import. Exit 0 imported and verified, 1 refused, failed or mismatching (one line), 2 usage.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Load a tenant archive into a target and verify it against the manifest (the route changes only with --route).")
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    MigratorSupport common;

    @Parameters(index = "0", paramLabel = "<dir|file.zip>", description = "the archive (from export or cleanup): its directory, or a .zip of it")
    Path archive;

    @Option(names = "--to", required = true, paramLabel = "<target>", description = "destination target name")
    String to;

    @Option(names = "--schema", description = "schema (PostgreSQL) / database (MySQL) on the destination")
    String schema;

    @Option(names = "--create", description = "create the destination schema / database if absent")
    boolean create;

    @Option(names = "--route", description = "after a verified import, point the tenant's route at the destination")
    boolean route;

    @Override
    public Integer call() {
        TenantMapStore store = null;
        try (ArchiveSupport.Progress progress = new ArchiveSupport.Progress(common)) {
            store = common.openStore();
            TenantArchives.ImportResult r = ArchiveSupport.archives(common, store, common.journal()).importArchive(
                    new TenantArchives.ImportRequest(archive, to, schema, create, route, System.getProperty("user.name", "unknown")), progress);
            boolean ok = r.verification().matches();
            if (common.json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", ok ? "imported" : "mismatch");
                o.put("migration", r.migrationId());
                o.put("tenant", r.manifest().tenant());
                o.put("createdTables", r.createdTables());
                o.put("routed", r.routed());
                o.put("verification", r.verification());
                o.put("matches", ok);
                common.json(o);
            } else {
                System.out.printf("import of tenant '%s' into %s: migration %d, %s%n", r.manifest().tenant(), to, r.migrationId(),
                        ok ? "verified against the manifest" : "DOES NOT MATCH the manifest");
                for (TableVerification t : r.verification().tables()) {
                    System.out.printf("  %-28s %s rows %d / %d  checksum %s / %s%n", t.table(), t.matches() ? "ok  " : "DIFF", t.sourceRows(),
                            t.targetRows(), t.sourceChecksum(), t.targetChecksum());
                    t.mismatches().forEach(x -> System.out.println("      " + x));
                }
                if (r.routed()) {
                    System.out.println("route of tenant '" + r.manifest().tenant() + "' now points at " + to);
                } else if (ok) {
                    System.out.println("route unchanged (use --route to point the tenant at " + to + ")");
                }
            }
            if (!ok) {
                System.err.println("error [TR011]: import of tenant '" + r.manifest().tenant() + "' into " + to + " does not match the archive's manifest");
            }
            return ok ? 0 : 1;
        } catch (Exception e) {
            System.err.println(ArchiveSupport.error(e));
            return 1;
        } finally {
            MigratorSupport.closeQuietly(store);
        }
    }
}
