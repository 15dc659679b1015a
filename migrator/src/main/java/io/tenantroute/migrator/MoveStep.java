package io.tenantroute.migrator;

import java.util.HashMap;
import java.util.Map;

/**
 * The steps of every journaled operation (move, rollback, cleanup, export, import), by the name the journal
 * ({@code migrations.step}, {@code migration_steps.step}), the {@link MoveListener}, the CLI's progress output and
 * {@code tenantroute migrations show} use. One source of truth: no step name is written as a string anywhere else.
 *
 * <p>{@link #insideFreeze()} says whether an online move runs the step while the tenant's route is {@code frozen}
 * (the application's writes of the tenant wait): those steps are the write pause, journaled only after the flip
 * or the undo (see docs/migrator.md). Immutable and thread-safe.
 */
public enum MoveStep {
    /** Journal row created, nothing done yet. */
    PLAN("plan", false),
    /** Destination schema and tables (no foreign keys). */
    SCHEMA("schema", false),
    /** Per table: a table this operation created (dropped again by its undo). */
    CREATE("create", false),
    /** Per type: a PostgreSQL type this operation created. */
    CREATE_TYPE("create-type", false),
    /** Change capture and its row in the source's fence table; the settle wait. */
    CAPTURE("capture", false),
    /** Offline: route suspended, source fenced. */
    SUSPEND("suspend", false),
    /** Rollback: the tenant's old rows on the old source removed (per table: rows removed). */
    REPLACE("replace", false),
    /** Bulk copy (per table: rows copied). */
    COPY("copy", false),
    /** Per table: a reference table copied whole. */
    COPY_REFERENCE("copy-reference", false),
    /** Catch-up rounds. */
    CATCHUP("catchup", false),
    /** Destination named in the route; every row compared once; more catch-up rounds. */
    PREVERIFY("preverify", false),
    /** Route throttled while the backlog drains (listener only). */
    THROTTLE("throttle", false),
    /** Route frozen. */
    FREEZE("freeze", true),
    /** Source fence row set to {@code fenced}: waits for the tenant's in-flight writers. */
    FENCE("fence", true),
    /** Final replay of what the fence let in. */
    REPLAY("replay", true),
    /** Foreign keys, identity counters. */
    CONSTRAINTS("constraints", true),
    /** Counts and checksums (per table: rows and checksum verified). */
    VERIFY("verify", true),
    /** Route compare-and-set to the destination, active. */
    FLIP("flip", true),
    /** After the flip: foreign keys validated, captured changes cleared. */
    CLEANUP("cleanup", false),
    /** Per table, moves journaled before control tables V102: where an identity range started (now its own table). */
    IDENTITY("identity", false),
    /** Per table: foreign keys that stayed NOT VALID after the flip. */
    FK_NOT_VALID("fk-not-valid", false),
    /** An interrupted move continued ({@code migrate --resume}). */
    RESUME("resume", false),
    /** Listener only: the operation ended well. */
    DONE("done", false),
    /** Cleanup: the tenant's old rows archived (per table: rows archived). */
    ARCHIVE("archive", false),
    /** Cleanup: the archive's path (in the table column). */
    ARCHIVE_FILE("archive-file", false),
    /** Cleanup: old rows deleted (per table: rows deleted). */
    DELETE("delete", false),
    /** Cleanup: fence row and captured changes removed. */
    UNFENCE("unfence", false),
    /** Export: rows written (per table: rows). */
    EXPORT("export", false),
    /** Import: rows loaded (per table: rows). */
    LOAD("load", false),
    /** Import: the route switched to the imported copy. */
    ROUTE("route", false);

    private static final Map<String, MoveStep> BY_NAME = new HashMap<>();

    static {
        for (MoveStep s : values()) {
            BY_NAME.put(s.journalName, s);
        }
    }

    private final String journalName;
    private final boolean insideFreeze;

    MoveStep(String journalName, boolean insideFreeze) {
        this.journalName = journalName;
        this.insideFreeze = insideFreeze;
    }

    /** @return the name in the journal, the listener and the CLI, e.g. {@code create-type} */
    public String journalName() {
        return journalName;
    }

    /** @return whether an online move runs this step inside the freeze (part of the write pause) */
    public boolean insideFreeze() {
        return insideFreeze;
    }

    /** @return the step of a journal name, or null for a name this version does not know (a newer build's) */
    public static MoveStep fromJournal(String name) {
        return name == null ? null : BY_NAME.get(name);
    }

    /** @return whether a journaled step name is this step */
    public boolean is(String name) {
        return journalName.equals(name);
    }

    @Override
    public String toString() {
        return journalName;
    }
}
