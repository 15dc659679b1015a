package io.tenantroute.cli;

import io.tenantroute.cli.internal.Printer;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantStats;
import java.io.PrintWriter;
import java.sql.DriverManager;
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
 * {@code tenantroute tenant stats [--top N] [--threshold rows=N|<table>=N]…}: rows and bytes per tenant across
 * its owned tables, its target, schema and state, and whether it should move (see {@link TenantStats}). Rows are
 * exact, bytes estimated (marked {@code ~} in the table, {@code estimatedBytes} in JSON). Exit 0, or 1 when a
 * location could not be read (the rest is still printed), 2 on usage errors.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Rows and bytes per tenant across owned tables, where each lives, and which should move (by thresholds).")
final class TenantStatsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private ControlOptions control;
    @Mixin
    private OutputOptions output;

    @Option(names = "--top", paramLabel = "<N>", defaultValue = "20", description = "show the N largest tenants, 0 for all (default ${DEFAULT-VALUE})")
    private int top;

    @Option(names = "--threshold", paramLabel = "<key=rows>",
            description = "should-move threshold, repeatable: rows=N (total rows of the tenant) or <table>=N (rows in that table),"
                    + " e.g. --threshold rows=100000 --threshold musicians=300; a tenant over any of them that shares its"
                    + " database with other tenants should move")
    private List<String> thresholds = new ArrayList<>();

    @Option(names = "--tenant-column", paramLabel = "<column>", defaultValue = "tenant_id", description = "tenant column (default ${DEFAULT-VALUE})")
    private String tenantColumn;

    @Option(names = "--estimate-children",
            description = "estimate child tables (no tenant column) from their parent's rows and the catalog's row counts instead of"
                    + " joining them through their FK chain: faster on large tables, marked as estimates")
    private boolean estimateChildren;

    @Option(names = "--shared-url", paramLabel = "<jdbc-url>",
            description = "JDBC URL of the shared database when the map defines no 'shared' target (default: --control)")
    private String sharedUrl;

    @Override
    public Integer call() throws Exception {
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top must be ≥ 0, was " + top);
        }
        TenantStats.Thresholds th;
        try {
            th = TenantStats.Thresholds.parse(thresholds);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--threshold: " + e.getMessage());
        }
        String sharedJdbc = sharedUrl != null ? sharedUrl : control.url();
        Target shared = new Target(Target.SHARED, sharedJdbc, null, PasswordRef.NONE, 0);
        TargetConnector direct = TargetConnector.direct();
        // the shared database given on the command line is reached with the control database's credentials
        TargetConnector connector = t -> t == shared ? DriverManager.getConnection(t.jdbcUrl(), control.properties()) : direct.open(t);
        TenantStats.Report report;
        try (TenantMapStore store = control.openStore()) {
            report = new TenantStats(store, connector, shared).collect(th, tenantColumn, Map.of(), top, estimateChildren);
        }
        Printer printer = output.printer();
        if (printer.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tenants", report.tenants());
            o.put("totalTenants", report.totalTenants());
            o.put("shouldMove", report.shouldMove());
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("rows", th.totalRows());
            t.put("tables", th.tableRows());
            o.put("thresholds", t);
            Map<String, String> est = new LinkedHashMap<>();
            est.put("rows", estimateChildren ? "exact unless the tenant's estimatedTables is non-empty" : "exact");
            est.put("tableRows", estimateChildren ? "exact except the tables in estimatedTables" : "exact");
            est.put("leftoverRows", "exact");
            est.put("estimatedBytes", "estimate");
            est.put("note", report.estimates());
            o.put("estimates", est);
            o.put("locations", report.locations());
            o.put("warnings", report.warnings());
            printer.object(o);
        } else {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TenantStats.TenantLine l : report.tenants()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("tenant", l.tenant());
                r.put("target", l.target());
                r.put("schema", l.schema());
                r.put("state", l.state());
                r.put("rows", (l.rowsExact() ? "" : "~") + l.rows());
                r.put("~bytes", "~" + humanBytes(l.estimatedBytes()));
                for (String table : th.tableRows().keySet()) {
                    r.put(table, (l.estimatedTables().contains(table) ? "~" : "") + l.tableRows().getOrDefault(table, 0L));
                }
                r.put("leftover", l.leftoverRows());
                r.put("move", l.shouldMove() ? "YES" : "no");
                r.put("why", l.reasons().isEmpty() ? "" : String.join("; ", l.reasons()));
                rows.add(r);
            }
            printer.rows(rows, "no tenants found");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%d of %d tenant(s) shown, largest first; %d should move%s%n", report.tenants().size(), report.totalTenants(),
                    report.shouldMove(), describe(th));
            out.println(estimateChildren
                    ? "rows: exact counts of owned tables, child tables estimated from their parents (~); ~bytes is an estimate"
                            + " (rows x each table's average row size from the catalog)"
                    : "rows and table counts are exact; ~bytes is an estimate (rows x each table's average row size from the catalog)");
            out.println("leftover: the tenant's rows at other locations (e.g. the source of a completed move, until cleanup)");
            for (TenantStats.Location loc : report.locations()) {
                out.printf("scanned %s/%s: %s%n", loc.target(), loc.schema() == null ? "(default)" : loc.schema(), loc.error() != null
                        ? "FAILED: " + loc.error()
                        : loc.ownedTables() + " owned + " + loc.childTables() + " child table(s), " + loc.tenants() + " tenant(s), "
                                + loc.elapsedMs() + " ms" + (loc.estimatedTables().isEmpty() ? ""
                                        : ", estimated: " + String.join(", ", loc.estimatedTables())));
            }
            for (String w : report.warnings()) {
                out.println("warning: " + w);
            }
            out.flush();
        }
        if (!report.complete()) {
            spec.commandLine().getErr().println("tenantroute: error: some locations could not be read (see 'scanned' lines); figures are incomplete");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private static String describe(TenantStats.Thresholds th) {
        List<String> parts = new ArrayList<>();
        if (th.totalRows() != null) {
            parts.add("rows > " + th.totalRows());
        }
        th.tableRows().forEach((t, n) -> parts.add(t + " > " + n));
        return parts.isEmpty() ? " (no thresholds given: --threshold rows=N or <table>=N)" : " (thresholds: " + String.join(", ", parts) + ")";
    }

    static String humanBytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
