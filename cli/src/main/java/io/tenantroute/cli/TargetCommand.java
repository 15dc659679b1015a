package io.tenantroute.cli;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Route;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantRouteSqlState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tenantroute target add|list|remove}: the databases tenants can be routed to. */
@Command(name = "target", mixinStandardHelpOptions = true, description = "Manage targets (databases tenants are routed to).",
        subcommands = {TargetCommand.Add.class, TargetCommand.ListTargets.class, TargetCommand.Remove.class})
final class TargetCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: add, list or remove");
    }

    /** {@code target add <name> --url … [--user U] [--password-ref env:VAR|file:/path] [--replace]}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Define a target.")
    static final class Add implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;

        @Parameters(index = "0", paramLabel = "<name>", description = "target name, 1-63 characters")
        private String name;

        @Option(names = "--url", required = true, paramLabel = "<jdbc-url>",
                description = "vendor JDBC URL of the target database, without a password")
        private String url;

        @Option(names = "--user", paramLabel = "<user>", description = "user name")
        private String user;

        @Option(names = "--password-ref", paramLabel = "<ref>", description = "where the password is read: env:VAR or file:/path")
        private String passwordRef;

        @Option(names = "--replace", description = "replace the target if it exists")
        private boolean replace;

        @Override
        public Integer call() throws Exception {
            if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
                throw new ParameterException(spec.commandLine(),
                        "--url must be a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL, was " + Target.maskUrl(url));
            }
            if (!Target.maskUrl(url).equals(url)) {
                throw new ParameterException(spec.commandLine(), "--url must not carry a password (" + Target.maskUrl(url)
                        + "): store a reference with --password-ref env:VAR or file:/path");
            }
            PasswordRef ref;
            try {
                ref = PasswordRef.parse(passwordRef);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--password-ref: " + e.getMessage());
            }
            Target t;
            try {
                t = new Target(name, url, user, ref, 0L);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try (TenantMapStore store = control.openStore()) {
                if (!replace && store.target(name).isPresent()) {
                    throw TenantRouteSqlState.MAP_REJECTED.exception(
                            "target '" + name + "' already exists; use --replace to change it");
                }
                long v = store.putTarget(t);
                Map<String, Object> f = TenantCommand.targetFields(t);
                f.put("mapVersion", v);
                output.printer().done("target '" + name + "' " + (replace ? "set" : "added") + ": " + t.safeUrl()
                        + " (map version " + v + ")", f);
            }
            return 0;
        }
    }

    /** {@code target list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List targets and how many tenants each holds.")
    static final class ListTargets implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;

        @Override
        public Integer call() throws Exception {
            try (TenantMapStore store = control.openStore()) {
                List<Route> routes = store.routes();
                List<Map<String, Object>> rows = new ArrayList<>();
                boolean sharedDefined = false;
                for (Target t : store.targets()) {
                    sharedDefined |= t.name().equals(Target.SHARED);
                    Map<String, Object> r = TenantCommand.targetFields(t);
                    r.put("routes", routes.stream().filter(x -> x.target().equals(t.name())).count());
                    r.put("version", t.version());
                    rows.add(r);
                }
                if (!sharedDefined) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("name", Target.SHARED);
                    r.put("url", "(the app's own JDBC URL)");
                    r.put("user", null);
                    r.put("passwordRef", null);
                    r.put("routes", routes.stream().filter(x -> x.target().equals(Target.SHARED)).count());
                    r.put("version", 0L);
                    rows.add(0, r);
                }
                output.printer().rows(rows, "no targets");
            }
            return 0;
        }
    }

    /** {@code target remove <name>}: refused while a route uses it. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a target (refused while a route uses it).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        private ControlOptions control;
        @Mixin
        private OutputOptions output;

        @Parameters(index = "0", paramLabel = "<name>")
        private String name;

        @Override
        public Integer call() throws Exception {
            try (TenantMapStore store = control.openStore()) {
                if (store.target(name).isEmpty()) {
                    throw TenantRouteSqlState.MAP_REJECTED.exception("target '" + name + "' does not exist");
                }
                List<String> users = new ArrayList<>();
                for (Route r : store.routes()) {
                    if (r.target().equals(name)) {
                        users.add(r.tenant());
                    }
                }
                if (!users.isEmpty()) {
                    throw TenantRouteSqlState.MAP_REJECTED.exception("target '" + name + "' is used by " + users.size()
                            + " route(s) (" + String.join(", ", users.subList(0, Math.min(5, users.size())))
                            + (users.size() > 5 ? ", …" : "") + "); route those tenants elsewhere first");
                }
                long v = store.removeTarget(name);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("name", name);
                f.put("mapVersion", v);
                output.printer().done("target '" + name + "' removed (map version " + v + ")", f);
            }
            return 0;
        }
    }
}
