package io.tenantroute.cli;

import io.tenantroute.cli.internal.ControlStores;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.TenantMapStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the tenant map lives: the options every command that reads or changes the map takes
 * ({@code --control}, {@code --control-user}, {@code --control-password-ref}). Add it to a command with
 * {@code @Mixin ControlOptions control;}.
 *
 * <p>The control URL may carry credentials as URL parameters (the CLI then masks them in all output), or the
 * password comes from a reference ({@code env:VAR}, {@code file:/path}), never from the command line itself.
 *
 * <p>Not thread-safe: one instance per command invocation.
 */
public final class ControlOptions {
    /** Environment variable read when {@code --control} is absent. */
    public static final String CONTROL_URL_ENV = "TENANTROUTE_CONTROL_URL";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--control", paramLabel = "<jdbc-url>",
            description = "JDBC URL of the database holding the control tables (default: env "
                    + CONTROL_URL_ENV + "), e.g. jdbc:postgresql://127.0.0.1:5432/app?user=app")
    private String controlUrl;

    @Option(names = "--control-schema", paramLabel = "<name>", defaultValue = "tenantroute",
            description = "schema (PostgreSQL) or database (MySQL) holding the control tables (default: ${DEFAULT-VALUE})")
    private String controlSchema;

    @Option(names = "--control-user", paramLabel = "<user>", description = "user for the control database")
    private String user;

    @Option(names = "--control-password-ref", paramLabel = "<ref>",
            description = "password of the control database: env:VAR or file:/path")
    private String passwordRef;

    /**
     * @return the control database's vendor JDBC URL ({@code jdbc:tenantroute:} prefixes are accepted and stripped)
     * @throws ParameterException (exit code 2) when neither {@code --control} nor the environment variable is given
     */
    public String url() {
        String url = controlUrl;
        if (url == null || url.isBlank()) {
            url = System.getenv(CONTROL_URL_ENV);
        }
        if (url == null || url.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "Missing --control <jdbc-url> (or set " + CONTROL_URL_ENV + ")");
        }
        url = url.trim();
        if (url.startsWith("jdbc:tenantroute:")) {
            url = "jdbc:" + url.substring("jdbc:tenantroute:".length());
        }
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
            throw new ParameterException(spec.commandLine(),
                    "--control must be a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL");
        }
        return url;
    }

    /** @return the control schema (PostgreSQL schema / MySQL database) */
    public String schema() {
        return controlSchema;
    }

    /**
     * @return user and password for the control database (the password read from its reference now)
     * @throws SQLException {@code TR005} when the password reference cannot be read
     */
    public Properties properties() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (passwordRef != null) {
            PasswordRef ref;
            try {
                ref = PasswordRef.parse(passwordRef);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--control-password-ref: " + e.getMessage());
            }
            String pw = ref.resolve("control");
            if (pw != null) {
                p.setProperty("password", pw);
            }
        }
        return p;
    }

    /**
     * Opens the JDBC store of the tenant map. Blocks on network I/O.
     *
     * @return the store (caller closes)
     * @throws SQLException from the store, e.g. {@code TR010} when the control tables are missing
     */
    public TenantMapStore openStore() throws SQLException {
        // Connect once first: an unreachable or refusing database then fails fast with the vendor's own
        // SQLState and reason (e.g. 08001 connection refused), not as a pool timeout.
        try (Connection c = connect()) {
            c.isValid(5);
        }
        Properties p = properties();
        p.setProperty(ControlStores.CONTROL_SCHEMA_PROPERTY, controlSchema);
        return ControlStores.open(url(), p);
    }

    /**
     * @return a plain vendor connection to the control database (caller closes)
     * @throws SQLException from the vendor driver
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), properties());
    }
}
