package io.tenantroute.migrator.schema;

import io.tenantroute.config.ControlSchema;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SchemaFleet#status} and {@link SchemaFleet#migrate} work on, and how. Immutable; build with
 * {@link #of(String)} and the {@code with…} methods, each of which validates its value.
 *
 * @param migrations the app's Flyway migrations: {@code flyway:filesystem:/path}, {@code flyway:classpath:db/migration}
 *     or {@code flyway:/path}
 * @param targets only the locations on these targets ({@code --target}); empty for every location
 * @param parallel locations migrated at once overall ({@code --parallel}, default 4)
 * @param perServer locations migrated at once on one database server, {@code host:port} ({@code --per-server}, default 2)
 * @param onError what a failure does to the rest of the run ({@code --on-error}, default {@link OnError#STOP})
 * @param dryRun check and plan only: no DDL, no journal
 * @param resume continue the newest run instead of starting one ({@code --resume})
 * @param lockTimeoutMs how long one DDL statement waits for a lock before it gives up and is retried, in
 *     milliseconds (PostgreSQL {@code lock_timeout}; MySQL's {@code lock_wait_timeout} takes whole seconds, at least 1);
 *     default 2,000
 * @param lockAttempts how often a location's migrate is tried when it keeps running into lock timeouts; default 8
 * @param backoffMs the wait after the first lock timeout, doubled after each (±20 % jitter), in milliseconds; default 1,000
 * @param backoffMaxMs the longest wait between two attempts, in milliseconds; default 30,000
 * @param moveWaitMs how long a location with a move, rollback or import in progress is waited for (at the end of the
 *     run) before it is refused, in milliseconds; default 60,000
 * @param operator who runs it, for the journal
 * @param controlSchema the control schema (its tables are never drift where a location is that schema)
 */
public record SchemaRequest(String migrations, List<String> targets, int parallel, int perServer, OnError onError, boolean dryRun,
        boolean resume, long lockTimeoutMs, int lockAttempts, long backoffMs, long backoffMaxMs, long moveWaitMs, String operator,
        String controlSchema) {
    /** {@code --on-error}. */
    public enum OnError {
        /** No new location starts after a failure (those running finish). */
        STOP,
        /** The other locations go on. */
        CONTINUE
    }

    public SchemaRequest {
        Objects.requireNonNull(migrations, "migrations");
        targets = List.copyOf(targets);
        Objects.requireNonNull(onError, "onError");
    }

    /**
     * @param migrations {@code flyway:<location>}
     * @return a request with the defaults
     */
    public static SchemaRequest of(String migrations) {
        return new SchemaRequest(migrations, List.of(), 4, 2, OnError.STOP, false, false, 2_000, 8, 1_000, 30_000, 60_000,
                System.getProperty("user.name", "unknown"), ControlSchema.DEFAULT_SCHEMA);
    }

    /** @return a copy limited to the locations on {@code names} (empty: all) */
    public SchemaRequest withTargets(List<String> names) {
        return new SchemaRequest(migrations, names, parallel, perServer, onError, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, controlSchema);
    }

    /**
     * @return a copy with these limits
     * @throws IllegalArgumentException unless both are ≥ 1
     */
    public SchemaRequest withParallel(int overall, int onOneServer) {
        if (overall < 1) {
            throw new IllegalArgumentException("--parallel must be ≥ 1, was " + overall);
        }
        if (onOneServer < 1) {
            throw new IllegalArgumentException("--per-server must be ≥ 1, was " + onOneServer);
        }
        return new SchemaRequest(migrations, targets, overall, onOneServer, onError, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, controlSchema);
    }

    /** @return a copy with this {@code --on-error} */
    public SchemaRequest withOnError(OnError e) {
        return new SchemaRequest(migrations, targets, parallel, perServer, e, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, controlSchema);
    }

    /** @return a copy that only checks and plans */
    public SchemaRequest withDryRun(boolean d) {
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, d, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, controlSchema);
    }

    /** @return a copy that continues the newest run */
    public SchemaRequest withResume(boolean r) {
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, dryRun, r, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, controlSchema);
    }

    /**
     * @param timeoutMs lock wait per statement, ms
     * @param attempts migrate attempts per location
     * @param firstBackoffMs wait after the first lock timeout, ms
     * @param maxBackoffMs longest wait, ms
     * @return a copy with these lock settings
     * @throws IllegalArgumentException for a timeout or backoff below 1 ms, fewer than 1 attempt, or max &lt; first
     */
    public SchemaRequest withLockWaits(long timeoutMs, int attempts, long firstBackoffMs, long maxBackoffMs) {
        if (timeoutMs < 1 || attempts < 1 || firstBackoffMs < 1 || maxBackoffMs < firstBackoffMs) {
            throw new IllegalArgumentException("lock timeout and backoffs must be ≥ 1 ms, attempts ≥ 1, max backoff ≥ first; were "
                    + timeoutMs + " ms, " + attempts + ", " + firstBackoffMs + " ms, " + maxBackoffMs + " ms");
        }
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, dryRun, resume, timeoutMs, attempts, firstBackoffMs,
                maxBackoffMs, moveWaitMs, operator, controlSchema);
    }

    /**
     * @return a copy that waits this long for a move on a location
     * @throws IllegalArgumentException when negative
     */
    public SchemaRequest withMoveWaitMs(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("move wait must be ≥ 0 ms, was " + ms);
        }
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, ms, operator, controlSchema);
    }

    /** @return a copy with this operator name */
    public SchemaRequest withOperator(String op) {
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, op, controlSchema);
    }

    /** @return a copy naming the control schema */
    public SchemaRequest withControlSchema(String schema) {
        return new SchemaRequest(migrations, targets, parallel, perServer, onError, dryRun, resume, lockTimeoutMs, lockAttempts, backoffMs,
                backoffMaxMs, moveWaitMs, operator, schema);
    }
}
