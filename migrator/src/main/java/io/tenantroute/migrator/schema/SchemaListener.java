package io.tenantroute.migrator.schema;

/**
 * Told about a fan-out's progress per location; the CLI prints it as timestamped lines. Called from the run's worker
 * threads (several at once): implementations must be thread-safe and fast.
 */
@FunctionalInterface
public interface SchemaListener {
    /** A listener that ignores everything. */
    SchemaListener NONE = (target, schema, event, detail) -> { };

    /**
     * @param target the location's target
     * @param schema the location's schema (PostgreSQL) / database (MySQL)
     * @param event {@code start}, {@code applied}, {@code repair}, {@code lock-wait}, {@code move-wait}, {@code done},
     *     {@code up-to-date}, {@code ahead}, {@code failed}, {@code refused} or {@code not-started}
     * @param detail one line for people
     */
    void location(String target, String schema, String event, String detail);
}
