package io.tenantroute.cli;

import io.tenantroute.config.Route;
import io.tenantroute.config.RouteState;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantIds;
import io.tenantroute.config.TenantMapStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute tenant list|show|set|suspend|resume|stats}: where each tenant lives. Tenants absent from the map
 * live on {@code shared}; {@code list} shows only the tenants the map names.
 */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Show and change tenants' routes.",
        subcommands = {TenantCommand.ListTenants.class, TenantCommand.Show.class, TenantCommand.Set.class,
            TenantCommand.Suspend.class, TenantCommand.Resume.class, TenantStatsCommand.class})
final class TenantCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list, show, set, suspend, resume or stats");
    }

    /**
     * @param r a route
     * @param json true for JSON: the state's label and a {@code nextTarget} field (null when none); for people the
     *     next target follows the state, e.g. {@code throttled → eu1}
     * @return the route's fields in print order
     */
    static Map<String, Object> routeFields(Route r, boolean json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", r.tenant());
        m.put("target", r.target());
        m.put("schema", r.schema());
        if (json) {
            m.put("state", r.state().label());
            m.put("nextTarget", r.nextTarget());
        } else {
            m.put("state", stateText(r));
        }
        m.put("version", r.version());
        return m;
    }

    /** @return the state's label, followed by the next target when a move is about to flip the route there */
    static String stateText(Route r) {
        return r.nextTarget() == null ? r.state().label() : r.state().label() + " → " + r.nextTarget();
    }

    static Map<String, Object> targetFields(Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("url", t.safeUrl());
        m.put("user", t.user());
        m.put("passwordRef", t.passwordRef().isNone() ? null : t.passwordRef().toString());
        return m;
    }

    /** {@code tenant list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the tenants the map routes (all others live on 'shared').")
    static final class ListTenants implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;

        @Override
        public Integer call() throws Exception {
            try (TenantMapStore store = control.openStore()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Route r : store.routes()) {
                    rows.add(routeFields(r, output.json()));
                }
                output.printer().rows(rows, "no routes: every tenant lives on 'shared' (map version " + store.version() + ")");
            }
            return 0;
        }
    }

    /** {@code tenant show <id>}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one tenant's route and target.")
    static final class Show implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;
        @Parameters(index = "0", paramLabel = "<tenant>")
        private String tenant;

        @Override
        public Integer call() throws Exception {
            TenantIds.requireValid(tenant);
            try (TenantMapStore store = control.openStore()) {
                Optional<Route> held = store.route(tenant);
                Route r = held.orElse(Route.implicitShared(tenant));
                Map<String, Object> f = routeFields(r, output.json());
                f.put("implicit", held.isEmpty());
                Optional<Target> t = store.target(r.target());
                f.put("targetUrl", t.map(Target::safeUrl).orElse(
                        r.target().equals(Target.SHARED) ? "(the app's own JDBC URL)" : "(undefined target)"));
                f.put("mapVersion", store.version());
                output.printer().object(f);
            }
            return 0;
        }
    }

    /** {@code tenant set <id> --target <name> [--schema S]}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Route a tenant to a target (and schema); running apps follow from their next transaction.")
    static final class Set implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;
        @Parameters(index = "0", paramLabel = "<tenant>")
        private String tenant;
        @Option(names = "--target", required = true, paramLabel = "<name>")
        private String target;
        @Option(names = "--schema", paramLabel = "<schema>", description = "schema (PostgreSQL) or database (MySQL) on the target")
        private String schema;

        @Override
        public Integer call() throws Exception {
            TenantIds.requireValid(tenant);
            try (TenantMapStore store = control.openStore()) {
                long v = store.setRoute(tenant, target, schema);
                Route r = store.route(tenant).orElseThrow();
                Map<String, Object> f = routeFields(r, true);
                f.put("mapVersion", v);
                output.printer().done("tenant '" + tenant + "' → " + target + (schema == null ? "" : " schema " + schema)
                        + " (" + stateText(r) + ", map version " + v + ")", f);
            }
            return 0;
        }
    }

    /** Shared body of suspend and resume. */
    abstract static class StateChange implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;
        @Parameters(index = "0", paramLabel = "<tenant>")
        private String tenant;

        abstract RouteState state();

        @Override
        public Integer call() throws Exception {
            TenantIds.requireValid(tenant);
            try (TenantMapStore store = control.openStore()) {
                long v = store.setState(tenant, state());
                Route r = store.route(tenant).orElseThrow();
                Map<String, Object> f = routeFields(r, true);
                f.put("mapVersion", v);
                output.printer().done("tenant '" + tenant + "' is " + r.state().label() + " on " + r.target()
                        + " (map version " + v + (r.nextTarget() == null ? "" : ", next target " + r.nextTarget()) + ")", f);
            }
            return 0;
        }
    }

    /** {@code tenant suspend <id>}. */
    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Refuse the tenant's statements (non-transient error TR001) until resumed.")
    static final class Suspend extends StateChange {
        @Override
        RouteState state() {
            return RouteState.SUSPENDED;
        }
    }

    /** {@code tenant resume <id>}. */
    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Make a suspended, frozen or throttled tenant active again.")
    static final class Resume extends StateChange {
        @Override
        RouteState state() {
            return RouteState.ACTIVE;
        }
    }
}
