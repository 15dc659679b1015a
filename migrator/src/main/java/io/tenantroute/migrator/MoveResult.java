package io.tenantroute.migrator;

/**
 * The outcome of a completed move.
 *
 * @param migrationId the journal id
 * @param plan the plan that was carried out
 * @param verification the verification done just before the flip
 * @param rowsCopied rows copied in bulk
 * @param rowsReplayed captured changes replayed (catch-up and final)
 * @param writePauseMillis how long the tenant was frozen (freeze to flip), in milliseconds
 * @param newRouteVersion the map version of the flipped route
 */
public record MoveResult(long migrationId, MovePlan plan, VerifyReport verification, long rowsCopied, long rowsReplayed,
        long writePauseMillis, long newRouteVersion) {
}
