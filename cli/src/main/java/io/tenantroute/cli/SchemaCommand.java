package io.tenantroute.cli;

import io.tenantroute.cli.internal.Printer;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.schema.FleetRun;
import io.tenantroute.migrator.schema.FleetStatus;
import io.tenantroute.migrator.schema.LocationOutcome;
import io.tenantroute.migrator.schema.LocationStatus;
import io.tenantroute.migrator.schema.SchemaFleet;
import io.tenantroute.migrator.schema.SchemaJournal;
import io.tenantroute.migrator.schema.SchemaListener;
import io.tenantroute.migrator.schema.SchemaRequest;
import io.tenantroute.migrator.schema.SchemaState;
import java.io.PrintWriter;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute schema status | migrate}: the app's Flyway migrations at every location where its schema lives —
 * the shared database, every (target, schema) a route names, the destination of every move in progress — each with
 * its own Flyway history (see {@link SchemaFleet}, docs/schema.md).
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "The app's Flyway migrations across every tenant location: status (versions, drift, the --require deploy gate)"
                + " and migrate (parallel, resumable, journaled).",
        subcommands = {SchemaCommand.Status.class, SchemaCommand.Migrate.class})
final class SchemaCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: status or migrate");
    }

    /** What both subcommands share: where the migrations and the shared database are, and the fleet. */
    static final class FleetOptions {
        @Spec(Spec.Target.MIXEE)
        private CommandSpec spec;

        @Option(names = "--migrations", required = true, paramLabel = "flyway:<location>",
                description = "the app's Flyway migrations: flyway:filesystem:/path, flyway:classpath:db/migration or flyway:/path")
        String migrations;

        @Option(names = "--shared-url", paramLabel = "<jdbc-url>",
                description = "JDBC URL of the shared database when the map defines no 'shared' target (default: --control)")
        String sharedUrl;

        void check() {
            if (migrations == null || !migrations.startsWith("flyway:") || migrations.length() == "flyway:".length()) {
                throw new ParameterException(spec.commandLine(), "--migrations must be flyway:<location> (flyway:filesystem:/path,"
                        + " flyway:classpath:db/migration or flyway:/path), was '" + migrations + "'");
            }
        }

        SchemaFleet fleet(ControlOptions control, TenantMapStore store) throws SQLException {
            SchemaJournal journal = new SchemaJournal(control::connect, control.schema());
            journal.init();
            Target shared = new Target(Target.SHARED, sharedUrl != null ? sharedUrl : control.url(), null, PasswordRef.NONE, 0);
            TargetConnector direct = TargetConnector.direct();
            // the shared database given on the command line is reached with the control database's credentials
            TargetConnector connector = t -> t == shared ? DriverManager.getConnection(t.jdbcUrl(), control.properties()) : direct.open(t);
            return new SchemaFleet(store, journal, connector, shared);
        }
    }

    /** {@code schema status --migrations flyway:<location> [--require VERSION] [--json]}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "One row per location: target, schema, version, pending, state (up-to-date, pending, failed, checksum-mismatch, drift,"
                    + " ahead, unreachable), detail. Exit 0 when every location is up to date (with --require V: at V or later), else 1.")
    static final class Status implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;
        @Mixin
        private FleetOptions fleet;

        @Option(names = "--require", paramLabel = "VERSION",
                description = "the deploy gate: exit 0 when every location is at VERSION or later (and none failed, mismatched, drifted or"
                        + " unreachable), pending migrations above it allowed")
        private String require;

        @Override
        public Integer call() throws Exception {
            fleet.check();
            if (require != null) {
                try {
                    FleetStatus.version(require);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--require: " + e.getMessage());
                }
            }
            FleetStatus st;
            try (TenantMapStore store = control.openStore()) {
                st = fleet.fleet(control, store).status(SchemaRequest.of(fleet.migrations).withControlSchema(control.schema()));
            }
            boolean ok = st.meets(require);
            Printer printer = output.printer();
            if (printer.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("locations", locationRows(st));
                o.put("summary", summary(st, require, ok));
                printer.object(o);
            } else {
                printer.rows(locationRows(st), "no locations");
                PrintWriter out = spec.commandLine().getOut();
                out.println(describe(st) + (require == null ? "" : "; --require " + require + ": " + (ok ? "met" : "NOT met")));
                out.flush();
            }
            if (!ok) {
                PrintWriter err = spec.commandLine().getErr();
                List<LocationStatus> short_ = require == null ? notUpToDate(st) : st.notMeeting(require);
                err.println("tenantroute: schema status: " + short_.size() + " of " + st.locations().size() + " location(s) "
                        + (require == null ? "not up to date" : "below " + require + " or broken") + ": " + names(short_));
                err.flush();
                return 1;
            }
            return 0;
        }
    }

    /**
     * {@code schema migrate --migrations flyway:<location> [--parallel N] [--per-server M] [--on-error stop|continue]
     * [--target NAME]... [--dry-run] [--resume] [--yes] [--json]}.
     */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Migrate every location: refused before any DDL on a checksum mismatch or drift; then in parallel, lock waits"
                    + " bounded and retried, journaled (one record per location); --resume continues an interrupted run.")
    static final class Migrate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;
        @Mixin
        private FleetOptions fleet;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "4", description = "locations at once overall (default ${DEFAULT-VALUE})")
        private int parallel;

        @Option(names = "--per-server", paramLabel = "M", defaultValue = "2",
                description = "locations at once on one database server, host:port (default ${DEFAULT-VALUE})")
        private int perServer;

        @Option(names = "--on-error", paramLabel = "stop|continue", defaultValue = "stop",
                description = "stop (default): no new location starts after a failure; continue: the others go on")
        private SchemaRequest.OnError onError;

        @Option(names = "--target", paramLabel = "NAME", description = "only the locations on this target (repeatable)")
        private List<String> targets = new ArrayList<>();

        @Option(names = "--dry-run", description = "check every location and print what would be applied; change nothing")
        private boolean dryRun;

        @Option(names = "--resume", description = "continue the newest run (a killed one, or one with failed locations): migrate only"
                + " what it has not done")
        private boolean resume;

        @Option(names = "--yes", description = "do not ask for confirmation")
        private boolean yes;

        @Override
        public Integer call() throws Exception {
            fleet.check();
            SchemaRequest req;
            try {
                req = SchemaRequest.of(fleet.migrations).withParallel(parallel, perServer).withOnError(onError).withTargets(targets)
                        .withDryRun(dryRun).withResume(resume).withControlSchema(control.schema());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (resume && !targets.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--resume continues the run with its own --target list: give no --target");
            }
            Printer printer = output.printer();
            PrintWriter progressOut = printer.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
            try (TenantMapStore store = control.openStore()) {
                SchemaFleet f = fleet.fleet(control, store);
                if (!dryRun && !yes) {
                    FleetRun plan = f.migrate(req.withDryRun(true), SchemaListener.NONE);
                    printPlan(plan, progressOut);
                    if (plan.refusal() != null) {
                        throw TenantRouteSqlState.MIGRATION_FAILED.exception(plan.refusal());
                    }
                    if (System.console() == null) {
                        throw new IllegalStateException("not a terminal: add --yes to migrate " + plan.before().locations().size() + " location(s)");
                    }
                    String answer = System.console().readLine("Migrate %d location(s) with %s? [y/N] ", plan.before().locations().size(),
                            fleet.migrations);
                    if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                        throw new IllegalStateException("not confirmed");
                    }
                }
                SchemaListener progress = (target, schema, event, detail) -> {
                    synchronized (progressOut) {
                        progressOut.println(Instant.now() + " " + target + "/" + schema + " " + event + (detail.isEmpty() ? "" : " " + detail));
                        progressOut.flush();
                    }
                };
                FleetRun run = f.migrate(req, progress);
                if (printer.json()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("run", run.runId());
                    o.put("resumed", run.resumed());
                    o.put("dryRun", dryRun);
                    o.put("refusal", run.refusal());
                    o.put("locations", locationRows(run.after()));
                    o.put("results", results(run));
                    o.put("summary", summary(run.after(), null, run.ok()));
                    printer.object(o);
                } else if (dryRun) {
                    printPlan(run, progressOut);
                } else {
                    PrintWriter out = spec.commandLine().getOut();
                    if (run.refusal() == null) {
                        out.println();
                    }
                    printer.rows(locationRows(run.after()), "no locations");
                    out.println(describe(run.after()) + (run.runId() == null ? "" : "; run " + run.runId() + ": " + outcomeCounts(run)
                            + " (tenantroute migrations list: one record per location, kind schema)"));
                    for (LocationOutcome o : run.outcomes()) {
                        if (!o.repaired().isEmpty()) {
                            out.println("repaired " + o.name() + " first: " + String.join(", ", o.repaired())
                                    + " (the engine could not roll the failed migration back)");
                        }
                    }
                    out.flush();
                }
                if (run.refusal() != null) {
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception(run.refusal());
                }
                if (!run.bad().isEmpty()) {
                    List<String> lines = new ArrayList<>();
                    for (LocationOutcome o : run.bad()) {
                        lines.add(o.name() + " " + o.result().label() + ": " + o.error());
                    }
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("schema migrate: " + run.bad().size() + " location(s) not migrated: "
                            + String.join(" | ", lines) + " — fix the cause, then tenantroute schema migrate --resume (a plain re-run is safe too)");
                }
                List<LocationStatus> behind = new ArrayList<>();
                List<LocationStatus> ahead = new ArrayList<>();
                for (LocationStatus l : notUpToDate(run.after())) {
                    (l.state() == SchemaState.AHEAD ? ahead : behind).add(l);
                }
                if (!ahead.isEmpty() && !printer.json()) {
                    spec.commandLine().getErr().println("tenantroute: note: " + ahead.size() + " location(s) ahead of these files, not touched: "
                            + names(ahead));
                    spec.commandLine().getErr().flush();
                }
                if (!dryRun && !behind.isEmpty()) {
                    // e.g. a route to a new location added while the run went on
                    throw TenantRouteSqlState.MIGRATION_FAILED.exception("schema migrate: " + behind.size() + " location(s) not up to date: "
                            + names(behind) + " — run schema migrate again");
                }
            }
            return 0;
        }

        private void printPlan(FleetRun plan, PrintWriter out) {
            if (output.json()) {
                return; // the JSON object says it all
            }
            new Printer(out, false).rows(locationRows(plan.before()), "no locations");
            int work = 0;
            for (LocationStatus l : plan.before().locations()) {
                work += l.pending() > 0 ? 1 : 0;
            }
            out.println(describe(plan.before()) + "; " + (plan.refusal() != null ? "migrate would be refused"
                    : work + " location(s) to migrate (" + String.join(", ", pendingUnion(plan.before())) + ")"));
            out.flush();
        }
    }

    static List<Map<String, Object>> locationRows(FleetStatus st) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LocationStatus l : st.locations()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", l.target());
            r.put("schema", l.schema());
            r.put("version", l.version());
            r.put("pending", l.pending());
            r.put("state", l.state().label());
            r.put("detail", l.detail());
            rows.add(r);
        }
        return rows;
    }

    static Map<String, Object> summary(FleetStatus st, String require, boolean ok) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("locations", st.locations().size());
        s.put("states", st.counts());
        s.put("latest", st.latest());
        s.put("migrations", st.migrations());
        s.put("require", require);
        s.put("ok", ok);
        return s;
    }

    static List<Map<String, Object>> results(FleetRun run) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LocationOutcome o : run.outcomes()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", o.target());
            r.put("schema", o.schema());
            r.put("result", o.result().label());
            r.put("journal", o.migrationId());
            r.put("fromVersion", o.fromVersion());
            r.put("toVersion", o.toVersion());
            r.put("applied", o.applied());
            r.put("attempts", o.attempts());
            r.put("repaired", o.repaired());
            r.put("statement", o.statement());
            r.put("error", o.error());
            out.add(r);
        }
        return out;
    }

    private static String describe(FleetStatus st) {
        List<String> parts = new ArrayList<>();
        st.counts().forEach((k, v) -> parts.add(v + " " + k));
        return st.locations().size() + " location(s): " + (parts.isEmpty() ? "none" : String.join(", ", parts)) + "; files up to "
                + (st.latest() == null ? "(none)" : "V" + st.latest()) + " at " + st.migrations();
    }

    private static String outcomeCounts(FleetRun run) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (LocationOutcome o : run.outcomes()) {
            n.merge(o.result().label(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k));
        return String.join(", ", parts);
    }

    private static List<String> pendingUnion(FleetStatus st) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        for (LocationStatus l : st.locations()) {
            all.addAll(l.pendingMigrations());
        }
        return all.isEmpty() ? List.of("nothing pending") : new ArrayList<>(all);
    }

    private static List<LocationStatus> notUpToDate(FleetStatus st) {
        List<LocationStatus> out = new ArrayList<>();
        for (LocationStatus l : st.locations()) {
            if (l.state() != SchemaState.UP_TO_DATE) {
                out.add(l);
            }
        }
        return out;
    }

    private static String names(List<LocationStatus> ls) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(10, ls.size()); i++) {
            LocationStatus l = ls.get(i);
            out.add(l.name() + " (" + l.state().label() + (l.version() == null ? "" : ", V" + l.version()) + ")");
        }
        return String.join(", ", out) + (ls.size() > 10 ? ", …" : "");
    }
}
