package io.tenantroute.cli;

/**
 * SIGTERM and SIGINT for commands that run until stopped ({@code tenantroute proxy}): handled, so that the command
 * stops gracefully and exits 0 instead of the JVM's 143/130. Uses {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, present in every OpenJDK); where it is unavailable, the JVM's shutdown hooks still stop the
 * command, with the JVM's exit status.
 */
final class Signals {
    private Signals() {
    }

    /** @param action run (on a signal thread) at the first SIGTERM or SIGINT */
    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // not on this platform: the shutdown hook covers it
            }
        }
    }
}
