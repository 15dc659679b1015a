package io.tenantroute.migrator;

import io.tenantroute.config.TenantRouteSqlState;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One journaled operation (a move, rollback, cleanup, export or import) as it runs: the machinery every operation
 * shares, so that the operations themselves only say what their stages do.
 *
 * <ul>
 *   <li>{@link #enter}: the step in the journal, the listener and the log — inside the freeze
 *       ({@link #freeze()} … {@link #unfreeze()}) the journal write waits until the flip or the undo, and the time
 *       of each step is accounted as part of the write pause;</li>
 *   <li>{@link #undoable}: what undoes a completed piece of work, run in reverse order by {@link #failed} (a move:
 *       fence row removed, route active again on the source, created tables dropped);
 *       {@link #pointOfNoReturn()} (a move's flip) drops them;</li>
 *   <li>{@link #failed}: undo, journal {@code failed} with a one-line reason naming the step, error wrapped in
 *       {@code TR011}; {@link #done}: journal {@code done}.</li>
 * </ul>
 *
 * <p>Not thread-safe: the thread that runs the operation calls it (copy threads journal per-table steps through
 * {@link MigrationJournal} directly).
 */
final class Operation {
    private static final Logger LOG = LoggerFactory.getLogger(Operation.class);

    /** Undoes one completed piece of work; failures are logged, the next undo still runs. */
    @FunctionalInterface
    interface Undo {
        void undo() throws SQLException;
    }

    private record Named(String what, Undo undo) {
    }

    private final MigrationJournal journal;
    private final long id;
    private final MoveListener listener;
    private final Deque<Named> undos = new ArrayDeque<>();
    private MoveStep step = MoveStep.PLAN;
    private boolean frozen;
    private final List<MoveStep> deferred = new ArrayList<>();
    private final StringBuilder pauseParts = new StringBuilder();
    private MoveStep pauseStep;
    private long pauseMark;
    private long pauseStart;

    Operation(MigrationJournal journal, long id, MoveListener listener) {
        this.journal = journal;
        this.id = id;
        this.listener = listener;
    }

    /** @return the operation's journal id */
    long id() {
        return id;
    }

    /** @return the step it is in */
    MoveStep step() {
        return step;
    }

    /** Enters a step: journal (deferred while frozen), listener, log. */
    void enter(MoveStep s, String detail) throws SQLException {
        step = s;
        if (frozen) {
            pauseStep(s);
            deferred.add(s);
        } else {
            journal.step(id, s);
        }
        listener.step(s.journalName(), detail);
        LOG.info("step {} {}", s, detail);
    }

    /** The write pause starts (the route was just frozen, or the tenant suspended): journal writes wait from now on. */
    void freeze() {
        frozen = true;
        pauseStart = System.nanoTime();
        pauseStep = step;
        pauseMark = pauseStart;
    }

    /** Offline: the pause starts when the tenant is suspended, but journal writes go on. */
    void pauseStartsNow() {
        pauseStart = System.nanoTime();
    }

    /**
     * The write pause ends (the flip): the deferred journal writes are made.
     *
     * @return the pause in milliseconds, from {@link #freeze()} or {@link #pauseStartsNow()}
     */
    long unfreeze() throws SQLException {
        long now = System.nanoTime();
        pauseStep(null);
        flushDeferred();
        return (now - pauseStart) / 1_000_000L;
    }

    /** @return where the write pause went: {@code step ms, …} */
    String pauseParts() {
        return pauseParts.toString();
    }

    private void pauseStep(MoveStep next) {
        long now = System.nanoTime();
        if (pauseStep != null) {
            pauseParts.append(pauseParts.length() > 0 ? ", " : "").append(pauseStep).append(' ').append((now - pauseMark) / 1_000_000L);
        }
        pauseStep = next;
        pauseMark = now;
    }

    private void flushDeferred() throws SQLException {
        frozen = false;
        for (MoveStep s : deferred) {
            journal.step(id, s);
        }
        deferred.clear();
    }

    /** Registers what undoes the work just begun; undone in reverse order of registration on failure. */
    void undoable(String what, Undo undo) {
        undos.push(new Named(what, undo));
    }

    /** From here on nothing is undone (a move's flip). */
    void pointOfNoReturn() {
        undos.clear();
    }

    /** Runs the registered undos, newest first; a failing one is logged and the next still runs. */
    void undoAll(String who) {
        while (!undos.isEmpty()) {
            Named n = undos.pop();
            try {
                n.undo().undo();
            } catch (SQLException | RuntimeException ex) {
                LOG.error("{}: could not {}: {} — run migrate --abort", who, n.what(), TenantMover.oneLine(ex));
            }
        }
    }

    /** Ends the operation well. */
    void done(String error) throws SQLException {
        journal.finish(id, JournalStatus.DONE, error);
    }

    /**
     * The operation failed: undoes what it did (newest first), journals {@code failed} with the step, and returns
     * the exception to throw — {@code ex} itself when it already is a {@code TR011}, else {@code TR011} with
     * {@code who + " failed at step …: reason" + after}.
     */
    SQLException failed(Exception ex, String who, String after) {
        String reason = "step " + step + ": " + TenantMover.oneLine(ex);
        undoAll(who);
        try {
            flushDeferred();
            journal.finish(id, JournalStatus.FAILED, reason);
        } catch (SQLException je) {
            ex.addSuppressed(je);
        }
        if (ex instanceof SQLException se && TenantRouteSqlState.MIGRATION_FAILED.matches(se)) {
            return se;
        }
        return TenantRouteSqlState.MIGRATION_FAILED.exception(who + " failed at " + reason + after, ex);
    }
}
