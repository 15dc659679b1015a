package io.tenantroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantMover;
import io.tenantroute.migrator.TenantRollback;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Options and plumbing shared by the migrator's commands ({@code migrate}, {@code verify}, {@code migrations}),
 * kept apart from the CLI's own helpers so the commands stay self-contained. A picocli mixin.
 */
public final class MigratorSupport {
    @Option(names = "--control", defaultValue = "${env:TENANTROUTE_CONTROL_URL}",
            description = "JDBC URL of the control database (env TENANTROUTE_CONTROL_URL)")
    String control;

    @Option(names = "--control-schema", defaultValue = "tenantroute", description = "control schema / database (default ${DEFAULT-VALUE})")
    String controlSchema;

    @Option(names = "--shared-url", description = "JDBC URL of the shared database when the map defines no 'shared' target (default: --control)")
    String sharedUrl;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    String requireControl() {
        if (control == null || control.isBlank()) {
            throw new IllegalArgumentException("no control database: give --control <jdbc-url> or set TENANTROUTE_CONTROL_URL");
        }
        return control;
    }

    TenantMapStore openStore() throws SQLException {
        Properties p = new Properties();
        p.setProperty(TenantMapStores.CONTROL_SCHEMA, controlSchema);
        return TenantMapStores.open(requireControl(), p);
    }

    MigrationJournal journal() throws SQLException {
        String url = requireControl();
        MigrationJournal j = new MigrationJournal(() -> DriverManager.getConnection(url), controlSchema);
        j.init();
        return j;
    }

    TenantMover mover(TenantMapStore store, MigrationJournal journal) {
        Target shared = new Target(Target.SHARED, sharedUrl != null ? sharedUrl : requireControl(), null, PasswordRef.NONE, 0);
        return new TenantMover(store, journal, TargetConnector.direct(), shared);
    }

    TenantRollback rollback(TenantMapStore store, MigrationJournal journal) {
        Target shared = new Target(Target.SHARED, sharedUrl != null ? sharedUrl : requireControl(), null, PasswordRef.NONE, 0);
        return new TenantRollback(store, journal, TargetConnector.direct(), shared);
    }

    /** Prints one JSON object (a line) or nothing. */
    void json(Object o) {
        try {
            System.out.println(JSON.writeValueAsString(o));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param spec the command, for the usage error
     * @param mode the {@code --mode} value: online or offline, any case
     * @return the mode
     * @throws picocli.CommandLine.ParameterException for anything else (exit 2)
     */
    static io.tenantroute.migrator.MoveMode mode(picocli.CommandLine.Model.CommandSpec spec, String mode) {
        try {
            return io.tenantroute.migrator.MoveMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--mode must be online or offline, was '" + mode + "'");
        }
    }

    static String ts() {
        return Instant.now().toString();
    }

    /** @return a one-line reason with credentials masked */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = Target.maskUrl(m);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // closing at exit
        }
    }
}
