package io.tenantroute.cli;

import io.tenantroute.cli.internal.Errors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tenantroute}: the operator's command line. Subcommands manage the tenant map ({@code init},
 * {@code target …}, {@code tenant …}), move tenants ({@code migrate}, {@code verify}, {@code migrations}), migrate the
 * app's schema at every tenant location ({@code schema status|migrate}),
 * back them up and clean up after a move ({@code export}, {@code import}, {@code cleanup}) and
 * run the {@code demo}.
 *
 * <p>Exit codes: 0 success, 1 error (one line on standard error: SQLState and message, no secrets; the stack
 * trace only with {@code --verbose}), 2 usage error.
 *
 * <p>To add a command (e.g. the migrator's {@code migrate}, {@code verify}, {@code migrations}): write a picocli
 * {@code @Command} class in this package with {@code @Mixin ControlOptions} and {@code @Mixin OutputOptions},
 * and list it in {@link #SUBCOMMANDS} below — nothing else.
 */
@Command(name = "tenantroute", mixinStandardHelpOptions = true, versionProvider = TenantRouteCli.Version.class,
        description = "Route every tenant of a multi-tenant app to its database, and manage the tenant map.",
        subcommandsRepeatable = false)
public final class TenantRouteCli implements Runnable {

    /**
     * Every subcommand, in the order {@code --help} lists them. Register new commands HERE.
     */
    static final Class<?>[] SUBCOMMANDS = {
        InitCommand.class,
        TargetCommand.class,
        TenantCommand.class,
        MigrateCommand.class,
        RollbackCommand.class,
        VerifyCommand.class,
        MigrationsCommand.class,
        SchemaCommand.class,
        ExportCommand.class,
        ImportCommand.class,
        CleanupCommand.class,
        ProxyCommand.class,
        DemoCommand.class,
    };

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: a usage error listing the commands. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    /**
     * Builds the command line with every subcommand, the one-line error handler and exit codes 0/1/2.
     * Tests call {@code commandLine().execute(args)} with {@code setOut}/{@code setErr} to run commands in-process.
     *
     * @return a new, independent command line (not thread-safe; one per invocation)
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TenantRouteCli());
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * Runs the CLI and exits the JVM with the command's exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // Quiet libraries (embedded PostgreSQL, HikariCP) unless the user asks otherwise.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // Flyway's own "Migration … failed! Please restore backups" line: schema migrate reports each failure with its
        // location, statement and what to do next, and init rethrows Flyway's errors with their message.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb.core.internal.command.DbMigrate") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb.core.internal.command.DbMigrate", "off");
        }
        System.exit(commandLine().execute(args));
    }

    /** Reports the version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TenantRouteCli.class.getPackage().getImplementationVersion();
            return new String[] {"tenantroute " + (v == null ? "dev" : v)};
        }
    }
}
