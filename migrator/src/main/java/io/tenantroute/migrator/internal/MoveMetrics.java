package io.tenantroute.migrator.internal;

/**
 * Micrometer meters of moves, in {@code Metrics.globalRegistry}: {@code tenantroute.migrator.rows.copied}
 * (counter), {@code tenantroute.migrator.catchup.lag} (summary of pending changes after each catch-up round),
 * {@code tenantroute.migrator.write.pause} (timer, freeze to flip), tagged by destination target. Micrometer is
 * optional: without it on the classpath every call is a no-op (the meters live in a nested class that is loaded
 * only when Micrometer is present).
 */
public final class MoveMetrics {
    private static final boolean PRESENT = present();

    private MoveMetrics() {
    }

    private static boolean present() {
        try {
            Class.forName("io.micrometer.core.instrument.Metrics", false, MoveMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Counts rows copied in bulk. */
    public static void rowsCopied(String target, long rows) {
        if (PRESENT) {
            Meters.rowsCopied(target, rows);
        }
    }

    /** Records the changes still pending after a catch-up round. */
    public static void catchUpLag(String target, long pending) {
        if (PRESENT) {
            Meters.lag(target, pending);
        }
    }

    /** Records the write pause of a cutover, in milliseconds. */
    public static void writePause(String target, long millis) {
        if (PRESENT) {
            Meters.pause(target, millis);
        }
    }

    private static final class Meters {
        static void rowsCopied(String target, long rows) {
            io.micrometer.core.instrument.Metrics.counter("tenantroute.migrator.rows.copied", "target", target).increment(rows);
        }

        static void lag(String target, long pending) {
            io.micrometer.core.instrument.Metrics.summary("tenantroute.migrator.catchup.lag", "target", target).record(pending);
        }

        static void pause(String target, long millis) {
            io.micrometer.core.instrument.Metrics.timer("tenantroute.migrator.write.pause", "target", target)
                    .record(java.time.Duration.ofMillis(millis));
        }
    }
}
