package io.tenantroute.cli;

import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.schema.SchemaJournal;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tenantroute migrations list|show <id>}: the journal (audit log) of moves, rollbacks, cleanups, exports, imports and
 * schema runs (kind {@code schema}, one record per location). Exit 0 ok, 1 error, 2 usage.
 */
@Command(name = "migrations", mixinStandardHelpOptions = true, description = "The journal of tenant moves.",
        subcommands = {MigrationsCommand.ListCommand.class, MigrationsCommand.ShowCommand.class})
public final class MigrationsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("usage: tenantroute migrations list|show <id>");
        return 2;
    }

    /** {@code migrations list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List moves, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        MigratorSupport common;

        @Option(names = "--limit", defaultValue = "50")
        int limit;

        @Override
        public Integer call() {
            try {
                List<MigrationJournal.Migration> ms = common.journal().list(limit);
                if (common.json) {
                    common.json(ms);
                } else {
                    System.out.printf("%-6s %-9s %-20s %-12s %-12s %-10s %-8s %-12s %s%n", "id", "kind", "tenant", "from", "to", "mode", "status",
                            "step", "started");
                    for (MigrationJournal.Migration m : ms) {
                        System.out.printf("%-6d %-9s %-20s %-12s %-12s %-10s %-8s %-12s %s%n", m.id(), m.kind(), m.tenant(), m.source(), m.target(),
                                m.mode(), m.status(), m.step(), m.startedAt());
                    }
                }
                return 0;
            } catch (Exception e) {
                System.err.println("error: " + MigratorSupport.oneLine(e));
                return 1;
            }
        }
    }

    /** A schema fan-out record: its run, versions and failing statement ({@link SchemaJournal}). */
    static void printSchemaLocation(MigratorSupport common, MigrationJournal.Migration m) throws java.sql.SQLException {
        String url = common.requireControl();
        SchemaJournal.LocationRecord r = new SchemaJournal(() -> DriverManager.getConnection(url), common.controlSchema).location(m.id());
        if (r == null) {
            return;
        }
        System.out.printf("location %s/%s of schema run %d: %s → %s%n", r.target(), r.schema(), r.runId(),
                r.fromVersion() == null ? "(empty)" : "V" + r.fromVersion(), r.toVersion() == null ? "?" : "V" + r.toVersion());
        if (r.statement() != null) {
            System.out.println("failing statement: " + r.statement());
        }
    }

    /** {@code migrations show <id>}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one move with its steps.")
    static final class ShowCommand implements Callable<Integer> {
        @Mixin
        MigratorSupport common;

        @Parameters(index = "0", paramLabel = "<id>")
        long id;

        @Override
        public Integer call() {
            try {
                MigrationJournal j = common.journal();
                MigrationJournal.Migration m = j.get(id);
                if (m == null) {
                    System.err.println("error: no migration " + id);
                    return 1;
                }
                List<MigrationJournal.Step> steps = j.steps(id);
                if (common.json) {
                    common.json(Map.of("migration", m, "steps", steps));
                } else {
                    System.out.printf("%s %d: tenant '%s' %s/%s → %s/%s, %s, %s (step %s), operator %s, %s … %s%n", m.kind(), m.id(), m.tenant(),
                            m.source(), m.sourceSchema(), m.target(), m.targetSchema(), m.mode(), m.status(), m.step(), m.operator(),
                            m.startedAt(), m.endedAt() == null ? "" : m.endedAt());
                    if (MigrationJournal.SCHEMA.equals(m.kind())) {
                        printSchemaLocation(common, m);
                    }
                    if (m.error() != null) {
                        System.out.println("error: " + m.error());
                    }
                    for (MigrationJournal.Step s : steps) {
                        System.out.printf("  %s %-12s %-24s %s %s%n", s.endedAt(), s.step(), s.table() == null ? "" : s.table(),
                                s.rows() < 0 ? "" : s.rows() + " rows", s.checksum() == null ? "" : s.checksum());
                    }
                }
                return 0;
            } catch (Exception e) {
                System.err.println("error: " + MigratorSupport.oneLine(e));
                return 1;
            }
        }
    }
}
