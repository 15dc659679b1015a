package io.tenantroute.migrator.schema;

import java.util.List;

/**
 * One location's schema: where it is, its Flyway version and state. The first six components are the row of
 * {@code tenantroute schema status} (and of its JSON, under the same names).
 *
 * @param target the target name in the tenant map
 * @param schema the schema (PostgreSQL) / database (MySQL); the target's default when no route names one
 * @param version the highest version applied there, or null (nothing applied, or unreachable)
 * @param pending migrations {@code migrate} would apply there
 * @param state the state (see {@link SchemaState})
 * @param detail one line for people: what is pending, what differs, what failed, why it cannot be read; may be empty
 * @param pendingMigrations the pending migrations ({@code V2}, {@code R:views}), in order
 * @param server the database server ({@code host:port}, from the target's URL) — what {@code --per-server} counts
 * @param roles why it is a location: {@code shared database}, {@code 3 tenant route(s)}, {@code destination of move 12 …}
 * @param busyWith the move, rollback or import in progress on it (source or destination), or null
 */
public record LocationStatus(String target, String schema, String version, int pending, SchemaState state, String detail,
        List<String> pendingMigrations, String server, List<String> roles, String busyWith) {
    /** @return {@code target/schema} ({@code target/(default)} when the schema could not be resolved) */
    public String name() {
        return target + "/" + (schema == null ? "(default)" : schema);
    }
}
