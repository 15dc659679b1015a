package io.tenantroute.cli;

import io.tenantroute.cli.internal.ControlStores;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.Target;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tenantroute init}: creates (or updates) the control tables in the control database. Idempotent: a
 * second run changes nothing and keeps the map.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create the control tables (PostgreSQL schema / MySQL database 'tenantroute'); idempotent.")
final class InitCommand implements Callable<Integer> {
    @Mixin
    private ControlOptions control;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        int applied;
        try (Connection c = control.connect()) {
            applied = ControlStores.init(c, control.schema());
        }
        long version;
        int targets;
        int routes;
        try (TenantMapStore store = control.openStore()) {
            version = store.version();
            targets = store.targets().size();
            routes = store.routes().size();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("control", Target.maskUrl(control.url()));
        f.put("schema", control.schema());
        f.put("migrationsApplied", applied);
        f.put("mapVersion", version);
        f.put("targets", targets);
        f.put("routes", routes);
        output.printer().done("control tables " + (applied == 0 ? "already up to date" : "created") + " in "
                + Target.maskUrl(control.url()) + ", schema " + control.schema() + " (map version " + version
                + ", " + targets + " target(s), " + routes + " route(s))", f);
        return 0;
    }
}
