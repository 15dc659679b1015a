package io.tenantroute.migrator;

/**
 * Told about a move's progress; the CLI turns this into progress bars, timestamped lines or JSON events.
 * Called from the mover's threads (several at once with {@code parallel > 1}): implementations must be
 * thread-safe and fast.
 */
public interface MoveListener {
    /** A listener that ignores everything. */
    MoveListener NONE = new MoveListener() { };

    /** A step began ({@code schema}, {@code capture}, {@code copy}, {@code catchup}, {@code freeze}, {@code fence}, {@code replay}, {@code verify}, {@code flip}, …). */
    default void step(String step, String detail) {
    }

    /** A table's copy began; {@code expectedRows} is the planned count. */
    default void tableStarted(String table, long expectedRows) {
    }

    /** Rows copied so far for a table (called every few thousand rows and at the end). */
    default void tableProgress(String table, long rowsCopied) {
    }

    /** A table's copy ended. */
    default void tableDone(String table, long rowsCopied) {
    }
}
