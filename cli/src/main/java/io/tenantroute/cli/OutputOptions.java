package io.tenantroute.cli;

import io.tenantroute.cli.internal.Printer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --json} and {@code --verbose}, taken by every command: tables for people, JSON for scripts, and
 * stack traces only when asked. Add it with {@code @Mixin OutputOptions output;}.
 *
 * <p>Not thread-safe: one instance per command invocation.
 */
public final class OutputOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--json", description = "print JSON instead of tables")
    private boolean json;

    /** Read by {@link TenantRouteCli}'s error handler from the parse result; declared here for the help text. */
    @Option(names = "--verbose", description = "on error, print the stack trace too")
    private boolean verbose;

    /** @return true when {@code --json} was given */
    public boolean json() {
        return json;
    }

    /** @return true when {@code --verbose} was given */
    public boolean verbose() {
        return verbose;
    }

    /** @return a printer writing to the command's standard output in the chosen format */
    public Printer printer() {
        return new Printer(spec.commandLine().getOut(), json);
    }
}
