package io.tenantroute.migrator;

/**
 * What a journal row records ({@code migrations.kind}). Immutable and thread-safe.
 */
public enum JournalKind {
    /** A move of a tenant to another target. */
    MOVE("move"),
    /** The last completed move of a tenant, undone ({@link TenantRollback}). */
    ROLLBACK("rollback"),
    /** A tenant's old rows removed from a former location ({@link TenantCleanup}). */
    CLEANUP("cleanup"),
    /** A tenant backup written ({@link TenantArchives#export}). */
    EXPORT("export"),
    /** A tenant backup loaded ({@link TenantArchives}). */
    IMPORT("import"),
    /** One location of a schema fan-out run ({@code tenantroute schema migrate}, {@code io.tenantroute.migrator.schema}). */
    SCHEMA("schema");

    private final String journalName;

    JournalKind(String journalName) {
        this.journalName = journalName;
    }

    /** @return the name in {@code migrations.kind} */
    public String journalName() {
        return journalName;
    }

    /** @return the kind of a journal name, or null for one this version does not know (a newer build's) */
    public static JournalKind fromJournal(String name) {
        for (JournalKind k : values()) {
            if (k.journalName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** @return whether a journaled kind name is this kind */
    public boolean is(String name) {
        return journalName.equals(name);
    }

    @Override
    public String toString() {
        return journalName;
    }
}
