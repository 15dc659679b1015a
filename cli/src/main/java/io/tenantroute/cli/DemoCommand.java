package io.tenantroute.cli;

import io.tenantroute.cli.internal.ControlStores;
import io.tenantroute.cli.internal.Printer;
import io.tenantroute.cli.internal.demo.DemoCheck;
import io.tenantroute.cli.internal.demo.DemoData;
import io.tenantroute.cli.internal.demo.DemoSchema;
import io.tenantroute.cli.internal.demo.DemoServer;
import io.tenantroute.cli.internal.demo.DemoTenant;
import io.tenantroute.cli.internal.demo.Workload;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.driver.TenantRouteDriver;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.MoveRequest;
import io.tenantroute.migrator.MoveResult;
import io.tenantroute.migrator.TableVerification;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantMover;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute demo}: a multi-tenant invoicing app on a shared PostgreSQL database, one tenant already in
 * its own database, an ONLINE move of the largest tenant by the migrator a quarter into the workload, a live
 * re-route of another tenant by hand halfway through, and a report of which statements went where — checked by
 * the demo itself (exit code 1 if any statement or write went astray, or any acknowledged write of the moved
 * tenant was lost).
 *
 * <p>Without {@code --shared} it starts an embedded PostgreSQL and stops it at the end; with {@code --shared} it
 * creates its databases on that server and drops them at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a demo app through jdbc:tenantroute:, move tenants live, check every statement and write.",
            "",
            "A multi-tenant invoicing app runs on a shared PostgreSQL database (embedded unless --shared is given),",
            "one tenant lives in its own database; a quarter into the run the migrator moves the largest tenant",
            "online to its own database while the app writes to it (rows copied, rows/s, the longest write pause",
            "the app saw, per-table checksums, lost writes counted by the app itself); halfway another tenant is",
            "re-routed by hand. The demo proves that each tenant's statements and writes went to its database,",
            "exits 1 if any went astray or was lost, and leaves nothing running (embedded server stopped, or its",
            "databases dropped)."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--shared", paramLabel = "<jdbc-url>",
            description = "use this existing PostgreSQL server (any database URL on it, credentials as parameters)"
                    + " instead of starting an embedded one")
    private String shared;

    @Option(names = "--duration", paramLabel = "<time>", defaultValue = "60s", converter = DurationConverter.class,
            description = "app workload time: the online move starts after a quarter, the re-route after half, and the app runs"
                    + " half of it after the re-route however long the moves took, e.g. 60s, 2m (default: ${DEFAULT-VALUE})")
    private Duration duration;

    @Option(names = "--threads", paramLabel = "<n>", defaultValue = "6", description = "app threads, one connection each (default: ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--seed", paramLabel = "<n>", defaultValue = "42", description = "random seed for data and workload (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--pause-ms", paramLabel = "<ms>", defaultValue = "2", description = "think time between an app thread's transactions (default: ${DEFAULT-VALUE})")
    private long pauseMs;

    @Option(names = "--verbose", description = "on error, print the stack trace too")
    private boolean verbose;

    private PrintWriter out;
    private long t0;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be 1 to 64, was " + threads);
        }
        if (duration.toMillis() < 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be at least 1s, was " + duration.toMillis() + " ms");
        }
        if (shared != null && !shared.startsWith("jdbc:postgresql://")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "the demo runs on PostgreSQL: --shared must be a jdbc:postgresql://host:port/database URL");
        }
        out = spec.commandLine().getOut();
        t0 = System.nanoTime();
        String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36).substring(0, 6);
        DemoServer server;
        if (shared == null) {
            say("starting an embedded PostgreSQL (no --shared given) …");
            server = DemoServer.embedded();
            say("server: " + server.description() + ", started in " + server.startMillis() + " ms");
        } else {
            server = DemoServer.existing(shared);
            say("server: " + server.description());
        }
        Path pwFile = null;
        // Ctrl-C: still drop the databases / stop the embedded server (close() is idempotent).
        Thread cleanup = new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // the JVM is exiting; nothing else to do
            }
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (server) {
            String sharedDb = "trdemo_" + runId + "_shared";
            String dedicatedDb = "trdemo_" + runId + "_" + DemoTenant.DEDICATED;
            String movedDb = "trdemo_" + runId + "_" + DemoTenant.MOVED;
            String dedicatedTarget = DemoTenant.DEDICATED + "_db";
            String movedTarget = DemoTenant.MOVED + "_db";
            String onlineDb = "trdemo_" + runId + "_" + DemoTenant.ONLINE;
            for (String db : List.of(sharedDb, dedicatedDb, movedDb)) {
                server.createDatabase(db);
                try (Connection c = server.connect(db)) {
                    DemoSchema.create(c);
                }
            }
            server.createDatabase(onlineDb); // no tables: the migrator creates them from the source's definitions
            say("databases: " + sharedDb + " (target shared), " + dedicatedDb + " (" + dedicatedTarget + "), "
                    + movedDb + " (" + movedTarget + ", empty until the re-route), " + onlineDb + " ("
                    + DemoTenant.ONLINE + "_db, no tables until the online move)");

            DemoData data = new DemoData(seed);
            List<DemoTenant> onShared = new ArrayList<>();
            for (DemoTenant t : DemoTenant.ALL) {
                if (!t.id().equals(DemoTenant.DEDICATED)) {
                    onShared.add(t);
                }
            }
            long tl = System.nanoTime();
            long loaded;
            try (Connection c = server.connect(sharedDb)) {
                loaded = data.load(c, onShared);
            }
            try (Connection c = server.connect(dedicatedDb)) {
                loaded += data.load(c, List.of(tenant(DemoTenant.DEDICATED)));
            }
            try (Connection c = server.connect(movedDb)) {
                DemoSchema.addConstraints(c);
            }
            say(String.format(Locale.ROOT, "loaded %,d rows for %d tenants with COPY in %d ms (largest: %s, %,d rows)",
                    loaded, DemoTenant.ALL.size(), (System.nanoTime() - tl) / 1_000_000, DemoTenant.ALL.get(0).id(),
                    data.rowsOf(DemoTenant.ALL.get(0).id())));

            // The tenant map lives in the shared database (control tables), as `tenantroute init` makes it.
            Properties controlProps = new Properties();
            PasswordRef ref = PasswordRef.NONE;
            if (server.password() != null) {
                controlProps.setProperty("password", server.password());
                pwFile = Files.createTempFile("tenantroute-demo-", ".pw",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(pwFile, server.password());
                ref = PasswordRef.parse("file:" + pwFile);
            }
            try (Connection c = server.connect(sharedDb)) {
                ControlStores.init(c, "tenantroute");
            }
            try (TenantMapStore store = ControlStores.open(server.targetUrlFor(sharedDb), controlProps)) {
                store.putTarget(new Target(dedicatedTarget, server.targetUrlFor(dedicatedDb), null, ref, 0));
                store.setRoute(DemoTenant.DEDICATED, dedicatedTarget, null);
                say("tenant map: $ tenantroute target add " + dedicatedTarget + " --url " + server.targetUrlFor(dedicatedDb)
                        + "; $ tenantroute tenant set " + DemoTenant.DEDICATED + " --target " + dedicatedTarget);
                return runWorkload(server, store, data, runId, sharedDb, dedicatedDb, movedDb, onlineDb, dedicatedTarget, movedTarget, ref);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook does the cleanup
            }
            if (pwFile != null) {
                Files.deleteIfExists(pwFile);
            }
            say(server.isEmbedded() ? "stopped the embedded PostgreSQL" : "dropped the demo's databases");
            out.flush();
        }
    }

    private int runWorkload(DemoServer server, TenantMapStore store, DemoData data, String runId, String sharedDb,
            String dedicatedDb, String movedDb, String onlineDb, String dedicatedTarget, String movedTarget, PasswordRef ref)
            throws Exception {
        String onlineTarget = DemoTenant.ONLINE + "_db";
        Map<String, String> routes = new LinkedHashMap<>();
        for (DemoTenant t : DemoTenant.ALL) {
            routes.put(t.id(), t.id().equals(DemoTenant.DEDICATED) ? dedicatedTarget : Target.SHARED);
        }
        String appUrl = "jdbc:tenantroute:" + server.urlFor(sharedDb).substring("jdbc:".length());
        Properties appProps = new Properties();
        appProps.setProperty("tenantroute.map-refresh-ms", "200");
        Workload w = new Workload(appUrl, appProps, DemoTenant.ALL, data, threads, seed, pauseMs, runId, routes,
                DemoTenant.MOVED, movedTarget);
        w.trackOnlineMove(DemoTenant.ONLINE, onlineTarget);
        say("app: " + threads + " threads, each holding one connection to " + io.tenantroute.config.Target.maskUrl(appUrl)
                + " for " + duration.toSeconds() + " s (+ the re-route); tenant set per transaction with TenantContext");
        w.start(duration.toNanos());
        long quarter = System.nanoTime() + duration.toNanos() / 4;
        long half = System.nanoTime() + duration.toNanos() / 2;
        long pause = 0;
        Map<String, Long> copied = Map.of();
        OnlineMove online = new OnlineMove();
        try {
            // The moves take as long as they take (the load of the machine): the app runs on until the phase after
            // the re-route of hooli has had half the duration.
            w.stopAt(Long.MAX_VALUE);
            // Issue 3: the migrator moves the largest tenant ONLINE while the app keeps writing to it.
            sleepUntil(quarter);
            moveOnline(server, store, w, sharedDb, onlineDb, onlineTarget, ref, online);
            sleepUntil(half);
            // The re-route of issue 2, kept next to the online move: freeze, copy with COPY, flip the route and
            // unfreeze in one compare-and-set (a small tenant, by hand, as an operator would without the migrator).
            say("re-routing tenant '" + DemoTenant.MOVED + "' live: shared → " + movedTarget);
            store.putTarget(new Target(movedTarget, server.targetUrlFor(movedDb), null, ref, 0));
            say("  $ tenantroute target add " + movedTarget + " --url " + server.targetUrlFor(movedDb));
            long f0 = System.nanoTime();
            w.markFreeze();
            store.setState(DemoTenant.MOVED, RouteState.FROZEN);
            say("  froze '" + DemoTenant.MOVED + "' (its new transactions wait); letting every app see it and in-flight transactions end");
            // Settle: at least 600 ms, and until no statement of the tenant has finished on shared for 300 ms (the
            // app holds them), at most 3 s. The copy starts after that; a write that still reached shared would
            // show up below as missing on the new database, so this wait is for a clean run, not for the verdict.
            long settleEnd = System.nanoTime() + 3_000_000_000L;
            Thread.sleep(600);
            while (System.nanoTime() < settleEnd && System.nanoTime() - w.lastOnOldTarget() < 300_000_000L) {
                Thread.sleep(50);
            }
            try (Connection from = server.connect(sharedDb); Connection to = server.connect(movedDb)) {
                copied = DemoData.copyTenant(from, to, DemoTenant.MOVED);
            }
            Route r = store.route(DemoTenant.MOVED).orElseThrow();
            store.compareAndSetRoute(DemoTenant.MOVED, r.version(), movedTarget, null, RouteState.ACTIVE);
            w.markFlip();
            w.stopAt(w.flipAt() + duration.toNanos() / 2);
            pause = (System.nanoTime() - f0) / 1_000_000;
            long rows = copied.values().stream().mapToLong(Long::longValue).sum();
            say(String.format(Locale.ROOT, "  copied %,d rows %s; $ tenantroute tenant set %s --target %s (+ resume): "
                    + "'%s' was frozen for %d ms", rows, copied, DemoTenant.MOVED, movedTarget, DemoTenant.MOVED, pause));
        } catch (Exception e) {
            w.stop();
            w.await();
            TenantRouteDriver.shutdown();
            throw e;
        }
        w.await();
        // The app is done: close the driver's pools and its tenant-map watcher (LISTEN), so nothing keeps running
        // or reconnects to the databases dropped below.
        TenantRouteDriver.shutdown();
        say(String.format(Locale.ROOT, "app finished: %,d transactions committed", w.units()));

        Map<String, String> finalRoutes = new LinkedHashMap<>(routes);
        finalRoutes.put(DemoTenant.MOVED, movedTarget);
        List<DemoCheck.Move> moves = new ArrayList<>();
        moves.add(new DemoCheck.Move(DemoTenant.MOVED, Target.SHARED, w.flipAt(), false));
        if (online.result != null) {
            finalRoutes.put(DemoTenant.ONLINE, onlineTarget);
            // From the moment the fence is in place (the replay step begins) the source rejects the tenant's writes:
            // a copy on shared of a write whose transaction started later went astray.
            moves.add(new DemoCheck.Move(DemoTenant.ONLINE, Target.SHARED, online.fencedAt(), true));
        }
        DemoCheck.Result check;
        Map<String, Connection> dbs = new LinkedHashMap<>();
        try {
            dbs.put(Target.SHARED, server.connect(sharedDb));
            dbs.put(dedicatedTarget, server.connect(dedicatedDb));
            dbs.put(movedTarget, server.connect(movedDb));
            dbs.put(onlineTarget, server.connect(onlineDb));
            check = DemoCheck.run(dbs, w, runId, finalRoutes, moves);
        } finally {
            for (Connection c : dbs.values()) {
                c.close();
            }
        }
        int code = report(w, data, routes, finalRoutes, check, List.of(Target.SHARED, dedicatedTarget, movedTarget, onlineTarget));
        boolean onlineOk = reportOnline(w, check, online, onlineTarget);
        out.flush();
        return code == 0 && onlineOk ? 0 : 1;
    }

    /** What the online move did, filled by {@link #moveOnline} (listener callbacks come from the mover's threads). */
    private static final class OnlineMove {
        final Map<String, Long> stepAt = new ConcurrentHashMap<>();
        volatile MoveResult result;
        volatile String error;

        long at(String step) {
            return stepAt.getOrDefault(step, Long.MAX_VALUE);
        }

        long fencedAt() {
            return at("replay");
        }
    }

    private void moveOnline(DemoServer server, TenantMapStore store, Workload w, String sharedDb, String onlineDb,
            String onlineTarget, PasswordRef ref, OnlineMove online) throws Exception {
        String tenant = DemoTenant.ONLINE;
        store.putTarget(new Target(onlineTarget, server.targetUrlFor(onlineDb), null, ref, 0));
        say("moving tenant '" + tenant + "' ONLINE with the migrator while the app writes to it: shared → " + onlineTarget);
        say("  $ tenantroute target add " + onlineTarget + " --url " + server.targetUrlFor(onlineDb)
                + "; $ tenantroute migrate " + tenant + " --to " + onlineTarget + " --yes");
        MigrationJournal journal = new MigrationJournal(() -> server.connect(sharedDb), "tenantroute");
        Target sharedTarget = new Target(Target.SHARED, server.targetUrlFor(sharedDb), null, ref, 0);
        TenantMover mover = new TenantMover(store, journal, TargetConnector.direct(), sharedTarget);
        MoveListener listener = new MoveListener() {
            @Override
            public void step(String step, String detail) {
                online.stepAt.putIfAbsent(step, System.nanoTime());
                if (!step.equals("catchup") || detail.startsWith("round")) {
                    say("  [migrator] " + step + (detail.isEmpty() ? "" : ": " + detail));
                }
            }
        };
        w.markOnlineStart();
        try {
            online.result = mover.move(MoveRequest.of(tenant, onlineTarget).withOperator("tenantroute demo"), listener);
        } catch (java.sql.SQLException e) {
            online.error = e.getSQLState() + " " + e.getMessage();
            say("  the online move of '" + tenant + "' FAILED (the tenant stays on shared): " + online.error);
        } finally {
            w.markOnlineEnd();
        }
    }

    private boolean reportOnline(Workload w, DemoCheck.Result check, OnlineMove online, String onlineTarget) {
        String tenant = DemoTenant.ONLINE;
        out.println();
        out.println("Online move of '" + tenant + "' (the largest tenant) by the migrator, during the workload:");
        if (online.result == null) {
            out.println("  FAILED: " + online.error);
            out.println("lost writes: " + check.lostByTenant.getOrDefault(tenant, 0L) + " (the tenant stayed on shared)");
            return false;
        }
        MoveResult r = online.result;
        long copyStart = online.at("copy");
        long copyEnd = Math.min(online.at("catchup"), online.at("freeze"));
        double copySec = copyStart == Long.MAX_VALUE || copyEnd == Long.MAX_VALUE ? Double.NaN : (copyEnd - copyStart) / 1e9;
        out.printf(Locale.ROOT, "  rows copied: %,d in %.2f s (%,.0f rows/s), changes replayed during catch-up and cutover: %,d%n",
                r.rowsCopied(), copySec, r.rowsCopied() / copySec, r.rowsReplayed());
        // The pause as the app saw it: its longest write statement (or commit, or failed write transaction) of
        // the tenant overlapping the cutover (freeze until the map change reached the app), measured by the app.
        long from = Math.min(online.at("freeze"), w.onlineEnd());
        long[] cut = w.longestOnlineWrite(from, w.onlineEnd() + 1_000_000_000L);
        long[] base = w.longestOnlineWrite(Long.MIN_VALUE, w.onlineStart());
        out.printf(Locale.ROOT, "  longest write pause seen by the app for '%s': %d ms (%d write statements around the cutover;"
                + " longest before the move: %d ms); migrator's freeze → flip: %d ms%n", tenant, cut[0] / 1_000_000, cut[1],
                base[0] / 1_000_000, r.writePauseMillis());
        long failed = 0;
        for (Map.Entry<String, Long> e : w.errors().entrySet()) {
            if (e.getKey().startsWith(tenant + " ")) {
                failed += e.getValue();
            }
        }
        if (failed > 0) {
            out.printf(Locale.ROOT, "  '%s' transactions that failed with an error (listed above; not acknowledged to the app, so not"
                    + " counted as writes): %d%n", tenant, failed);
        }
        out.println("  verification (per table, rows and checksum on shared → " + onlineTarget + "):");
        List<List<String>> rows = new ArrayList<>();
        for (TableVerification tv : r.verification().tables()) {
            rows.add(List.of(tv.table(), Long.toString(tv.sourceRows()), Long.toString(tv.targetRows()), tv.sourceChecksum(),
                    tv.targetChecksum(), tv.matches() ? "equal" : "DIFFERENT"));
        }
        new Printer(out, false).table(List.of("table", "rows shared", "rows " + onlineTarget, "checksum shared",
                "checksum " + onlineTarget, "verdict"), rows);
        long writes = check.writesByTenant.getOrDefault(tenant, 0L);
        long lost = check.lostByTenant.getOrDefault(tenant, 0L);
        out.printf(Locale.ROOT, "  '%s': %d acknowledged writes checked (each on %s exactly once; none on shared from the fence on)%n",
                tenant, writes, onlineTarget);
        out.println("lost writes: " + lost);
        boolean ok = lost == 0 && r.verification().matches() && writes > 0;
        if (writes == 0) {
            out.println("FAILED: the app acknowledged no write of '" + tenant + "' (a longer --duration gives it more)");
        }
        out.println(ok ? "OK: '" + tenant + "' moved online, no write lost" : "FAILED: the online move of '" + tenant + "'");
        return ok;
    }

    private int report(Workload w, DemoData data, Map<String, String> routes, Map<String, String> finalRoutes,
            DemoCheck.Result check, List<String> targets) {
        Printer p = new Printer(out, false);
        out.println();
        out.println("Statements per tenant and target, before and after the re-route of '" + DemoTenant.MOVED + "':");
        List<String> headers = new ArrayList<>(List.of("tenant", "rows", "route before", "route after"));
        for (String t : targets) {
            headers.add(t + " before");
            headers.add(t + " after");
        }
        List<List<String>> rows = new ArrayList<>();
        boolean everyTenantWorked = true;
        List<String> idleAfter = new ArrayList<>();
        for (DemoTenant t : DemoTenant.ALL) {
            List<String> row = new ArrayList<>(List.of(t.id(), String.format(Locale.ROOT, "%,d", data.rowsOf(t.id())),
                    routes.get(t.id()), finalRoutes.get(t.id())));
            long after = 0;
            for (String target : targets) {
                row.add(Long.toString(w.statements(t.id(), Workload.Phase.BEFORE, target)));
                long a = w.statements(t.id(), Workload.Phase.AFTER, target);
                after += a;
                row.add(Long.toString(a));
            }
            long before = 0;
            for (String target : targets) {
                before += w.statements(t.id(), Workload.Phase.BEFORE, target);
            }
            everyTenantWorked &= before + after > 0;
            if (after == 0) {
                idleAfter.add(t.id());
            }
            rows.add(row);
        }
        p.table(headers, rows);
        out.println();
        out.println("Statements per target:");
        List<List<String>> trows = new ArrayList<>();
        for (String target : targets) {
            long b = 0;
            long a = 0;
            for (DemoTenant t : DemoTenant.ALL) {
                b += w.statements(t.id(), Workload.Phase.BEFORE, target);
                a += w.statements(t.id(), Workload.Phase.AFTER, target);
            }
            trows.add(List.of(target, Long.toString(b), Long.toString(a), Long.toString(a + b)));
        }
        p.table(List.of("target", "before", "after", "total"), trows);
        for (String seen : w.targetsSeen()) {
            if (!targets.contains(seen)) {
                out.println("statements also ran on an unexpected target: " + seen);
            }
        }
        out.println();
        out.println("Checks (the app recorded every statement's target via TenantRouteConnection.lastTarget(); "
                + "every acknowledged write carries a marker, counted afterwards in each database):");
        out.printf(Locale.ROOT, "  statements on a target other than the tenant's route, or reads that missed its rows: %d%n", check.workloadStrays);
        out.printf(Locale.ROOT, "  acknowledged invoice inserts (with their lines): %d, on the tenant's database: %d, missing: %d, elsewhere: %d%n",
                check.acks, check.acksOnRightDatabase, check.acksMissing, check.acksElsewhere);
        out.printf(Locale.ROOT, "  customers' last acknowledged updates: %d, on the tenant's database: %d, wrong or lost: %d%n",
                check.updates, check.updatesOnRightDatabase, check.updatesWrong);
        if (check.unacknowledgedRows > 0) {
            out.printf(Locale.ROOT, "  rows of unacknowledged writes (commit outcome unknown to the app): %d%n", check.unacknowledgedRows);
        }
        long nonTransient = 0;
        for (Map.Entry<String, Long> e : w.errors().entrySet()) {
            out.println("  app error x" + e.getValue() + ": " + e.getKey());
        }
        nonTransient = w.errors().values().stream().mapToLong(Long::longValue).sum() - w.transientErrors();
        for (String s : check.samples) {
            out.println("  ! " + s);
        }
        out.println("went astray: " + check.astray());
        long movedAfter = w.statements(DemoTenant.MOVED, Workload.Phase.AFTER, targets.get(2));
        if (!idleAfter.isEmpty()) {
            out.println("  note: no statement after the re-route for " + idleAfter + " (a longer --duration gives each tenant more)");
        }
        boolean ok = check.astray() == 0 && nonTransient == 0 && everyTenantWorked && movedAfter > 0 && check.acks > 0;
        if (!everyTenantWorked) {
            out.println("FAILED: some tenant ran no statement at all");
        } else if (movedAfter == 0) {
            out.println("FAILED: '" + DemoTenant.MOVED + "' ran no statement on its new target after the re-route");
        } else if (nonTransient > 0) {
            out.println("FAILED: " + nonTransient + " app transaction(s) failed with a non-retryable error");
        } else if (check.acks == 0) {
            out.println("FAILED: the app committed no write");
        }
        out.println(ok ? "OK: every tenant's statements went to its database" : "FAILED");
        out.flush();
        return ok ? 0 : 1;
    }

    private static DemoTenant tenant(String id) {
        return DemoTenant.ALL.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private void say(String s) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, s);
        out.flush();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(500, left / 1_000_000)));
        }
    }

    /** Parses {@code 60s}, {@code 2m}, {@code 500ms}, {@code 90} (seconds) or ISO-8601 {@code PT1M}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.startsWith("pt")) {
                    return Duration.parse(s.toUpperCase(Locale.ROOT));
                }
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                }
                if (s.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
                }
                if (s.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration (e.g. 60s, 2m, 500ms)");
            }
        }
    }
}
