package io.tenantroute.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * One in-process run of a single command object (not the whole CLI, see {@link CliRun}): exit code and what it printed
 * to {@code System.out} / {@code System.err}, which the migrator commands write to.
 */
record CommandResult(int code, String out, String err) {

    /** Runs {@code command} with {@code args}; serialized, since it swaps the JVM's standard streams. */
    static synchronized CommandResult run(Object command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            int code = new CommandLine(command).execute(args);
            return new CommandResult(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** @return {@code a} followed by {@code b} */
    static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
