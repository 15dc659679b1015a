package io.tenantroute.migrator.schema;

import java.util.List;
import java.util.Locale;

/**
 * What {@code schema migrate} did at one location.
 *
 * @param target the location's target
 * @param schema its schema (PostgreSQL) / database (MySQL)
 * @param result what happened
 * @param migrationId its journal row ({@code tenantroute migrations show <id>}), or 0 in a dry run
 * @param fromVersion the version before, or null
 * @param toVersion the version after, or null (unknown: unreachable)
 * @param applied the migrations applied by this run, in order
 * @param attempts migrate attempts (more than 1 after lock timeouts)
 * @param repaired what Flyway's {@code repair} did first (failed rows removed), empty when it did not run
 * @param statement the failing statement, or null
 * @param error one line: why it failed, was refused or not started; null otherwise
 */
public record LocationOutcome(String target, String schema, Result result, long migrationId, String fromVersion, String toVersion,
        List<String> applied, int attempts, List<String> repaired, String statement, String error) {
    public LocationOutcome {
        applied = List.copyOf(applied);
        repaired = List.copyOf(repaired);
    }

    /** What happened at a location. */
    public enum Result {
        /** Pending migrations applied. */
        MIGRATED,
        /** Nothing to apply. */
        UP_TO_DATE,
        /** Done by an earlier attempt of this run (skipped by {@code --resume}). */
        DONE_EARLIER,
        /** Applied versions the files lack: not touched. */
        AHEAD,
        /** A migration failed, or the location could not be reached. */
        FAILED,
        /** A move, rollback or import works on the location (source or destination): not touched. */
        REFUSED,
        /** Not started: {@code --on-error stop} after another location failed. */
        NOT_STARTED;

        /** @return e.g. {@code not-started} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** @return {@code target/schema} ({@code target/(default)} when the schema could not be resolved) */
    public String name() {
        return target + "/" + (schema == null ? "(default)" : schema);
    }

    /** @return whether this location counts against the run (failed, refused, not started) */
    public boolean bad() {
        return result == Result.FAILED || result == Result.REFUSED || result == Result.NOT_STARTED;
    }
}
