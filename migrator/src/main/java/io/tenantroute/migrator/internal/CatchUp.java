package io.tenantroute.migrator.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The catch-up loop: replay rounds ({@link Replayer#round}) until a {@link Policy} says stop. One loop for every
 * phase of a move that replays before the freeze — the rounds after the copy, the rounds after the pre-freeze
 * verification baseline, the throttled drain, and the short rounds after the change table's vacuum; only the
 * policy differs (the final replay inside the freeze is another operation: {@link Replayer#fencedRound}).
 *
 * <p>Blocking; not thread-safe (one replayer, one pair of connections).
 */
public final class CatchUp {
    private CatchUp() {
    }

    /**
     * When to stop replaying.
     *
     * @param maxRounds rounds at most (≥ 1)
     * @param lagRows stop as soon as the measure is at most this
     * @param maxNotShrinking stop after this many rounds in a row whose measure was not below the best so far
     *     ({@link Integer#MAX_VALUE}: never)
     * @param maxMillis stop after a round that ended this long after the start, in milliseconds ({@link Long#MAX_VALUE}: never)
     * @param byReplayed measure each round by the changes it replayed (true) or by the changes still pending after it
     *     (false, one {@link Replayer#pending} read per round)
     * @param startMeasure the measure before the first round, the first "best" ({@link Long#MAX_VALUE}: none)
     */
    public record Policy(int maxRounds, long lagRows, int maxNotShrinking, long maxMillis, boolean byReplayed, long startMeasure) {
        public Policy {
            if (maxRounds < 1) {
                throw new IllegalArgumentException("maxRounds must be ≥ 1, was " + maxRounds);
            }
        }

        /** Until at most {@code lagRows} are pending, {@code maxRounds} at most. */
        public static Policy untilLag(int maxRounds, long lagRows) {
            return new Policy(maxRounds, lagRows, Integer.MAX_VALUE, Long.MAX_VALUE, false, Long.MAX_VALUE);
        }

        /** @return this policy, also stopping once the pending count has not shrunk for {@code rounds} rounds */
        public Policy whileShrinking(int rounds) {
            return new Policy(maxRounds, lagRows, rounds, maxMillis, byReplayed, startMeasure);
        }

        /** @return this policy, also stopping after {@code ms} milliseconds */
        public Policy atMostMillis(long ms) {
            return new Policy(maxRounds, lagRows, maxNotShrinking, ms, byReplayed, startMeasure);
        }

        /** @return this policy, the first round compared with {@code pending} (what was pending before it) */
        public Policy from(long pending) {
            return new Policy(maxRounds, lagRows, maxNotShrinking, maxMillis, byReplayed, pending);
        }

        /** Short rounds while each replays fewer changes than the one before, until one replays at most {@code lagRows}. */
        public static Policy shrinkingRounds(int maxRounds, long lagRows) {
            return new Policy(maxRounds, lagRows, 1, Long.MAX_VALUE, true, Long.MAX_VALUE);
        }
    }

    /** Told after each round: its number (from 1), the changes it replayed, and the changes pending after it (-1 when not read). */
    @FunctionalInterface
    public interface Progress {
        void round(int round, long replayed, long pending) throws SQLException;
    }

    /**
     * Replays rounds until the policy says stop.
     *
     * @return changes replayed in all
     * @throws SQLException from the replay (the caller undoes the move)
     */
    public static long run(Replayer replayer, Connection src, Connection dst, Policy p, Progress progress) throws SQLException {
        long start = System.nanoTime();
        long best = p.startMeasure();
        int notShrinking = 0;
        long replayed = 0;
        for (int round = 1; round <= p.maxRounds(); round++) {
            long n = replayer.round(src, dst);
            replayed += n;
            long pending = p.byReplayed() ? -1 : replayer.pending(src);
            progress.round(round, n, pending);
            long measure = p.byReplayed() ? n : pending;
            if (measure <= p.lagRows()) {
                break;
            }
            notShrinking = measure < best ? 0 : notShrinking + 1;
            best = Math.min(best, measure);
            if (notShrinking >= p.maxNotShrinking() || (System.nanoTime() - start) / 1_000_000L >= p.maxMillis()) {
                break;
            }
        }
        return replayed;
    }
}
