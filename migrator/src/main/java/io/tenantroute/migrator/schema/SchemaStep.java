package io.tenantroute.migrator.schema;

/**
 * The steps of one location in a schema run, as the journal stores them ({@code migrations.step} and
 * {@code migration_steps.step} of its row, see {@link SchemaJournal}) — also the last step of a finished location.
 */
public enum SchemaStep {
    /** Recorded at the start of the run, not yet at work. */
    QUEUED("queued"),
    /** At work: its session open, Flyway reading or migrating. */
    MIGRATE("migrate"),
    /** Flyway {@code repair} of a failed migration's row (the engine could not roll it back). */
    REPAIR("repair"),
    /** A lock timeout: waiting to try again. */
    LOCK_WAIT("lock-wait"),
    /** Waiting for a move, rollback or import on the location; also the last step of a location refused for one. */
    MOVE_WAIT("move-wait"),
    /** Finished: nothing was pending. */
    UP_TO_DATE("up-to-date"),
    /** Finished: applied versions the files lack; not touched. */
    AHEAD("ahead"),
    /** Not started ({@code --on-error stop} after another location failed). */
    NOT_STARTED("not-started"),
    /** Finished: migrated. */
    DONE("done"),
    /** A migration failed there (status {@link SchemaState#FAILED} while migrations are pending). */
    MIGRATION_FAILED("migration-failed"),
    /** Failed outside any migration: unreachable, an error of Flyway or of the journal. */
    FAILED("failed");

    private final String journalName;

    SchemaStep(String journalName) {
        this.journalName = journalName;
    }

    /** @return the name stored in the journal, e.g. {@code lock-wait} */
    public String journalName() {
        return journalName;
    }

    /**
     * @param name a stored step name
     * @return the step
     * @throws IllegalArgumentException for a name no step has
     */
    public static SchemaStep fromJournal(String name) {
        for (SchemaStep s : values()) {
            if (s.journalName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a schema step: '" + name + "'");
    }
}
