package io.tenantroute.migrator;

/**
 * Where a journaled operation stands ({@code migrations.status}). Immutable and thread-safe.
 */
public enum JournalStatus {
    /** Running, or interrupted (it still holds the tenant's lock). */
    RUNNING("running"),
    /** Ended well (a move: the route flipped). */
    DONE("done"),
    /** Failed; what it did was undone (a cleanup: resumable). */
    FAILED("failed"),
    /** Abandoned by {@code migrate --abort}. */
    ABORTED("aborted");

    private final String journalName;

    JournalStatus(String journalName) {
        this.journalName = journalName;
    }

    /** @return the name in {@code migrations.status} */
    public String journalName() {
        return journalName;
    }

    /** @return whether a journaled status name is this status */
    public boolean is(String name) {
        return journalName.equals(name);
    }

    @Override
    public String toString() {
        return journalName;
    }
}
