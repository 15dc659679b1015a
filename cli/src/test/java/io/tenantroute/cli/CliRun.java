package io.tenantroute.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the CLI: exit code, standard output, standard error. */
record CliRun(int exit, String out, String err) {

    /** Runs {@code tenantroute args…} in this JVM, capturing both streams. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = TenantRouteCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** @return both streams, for "never printed" checks */
    String all() {
        return out + err;
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
