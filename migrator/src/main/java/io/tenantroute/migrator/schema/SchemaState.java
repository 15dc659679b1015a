package io.tenantroute.migrator.schema;

import java.util.Locale;

/**
 * The state of one location's schema, as {@code tenantroute schema status} shows it ({@link #label()}).
 *
 * <ul>
 *   <li>{@link #UP_TO_DATE}: every migration file is applied, nothing is wrong.</li>
 *   <li>{@link #PENDING}: migrations wait to be applied ({@code pending} counts them).</li>
 *   <li>{@link #FAILED}: a failed migration is recorded — in the location's Flyway history (MySQL/MariaDB: DDL cannot be
 *       rolled back, so Flyway records the failure; {@code repair} removes the row before a retry), or by the last
 *       {@code schema migrate} there (PostgreSQL rolled the migration back; nothing is left in Flyway's history) while
 *       migrations are still pending.</li>
 *   <li>{@link #CHECKSUM_MISMATCH}: an applied migration's file changed since (checksum, description or type).</li>
 *   <li>{@link #DRIFT}: its tables, columns or indexes differ from the other locations at the same version.</li>
 *   <li>{@link #AHEAD}: it has applied versions the files lack (migrated by a newer release of the app).</li>
 *   <li>{@link #UNREACHABLE}: it could not be connected to or read.</li>
 * </ul>
 */
public enum SchemaState {
    UP_TO_DATE, PENDING, FAILED, CHECKSUM_MISMATCH, DRIFT, AHEAD, UNREACHABLE;

    /** @return the name shown to operators and in JSON, e.g. {@code checksum-mismatch} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return label();
    }
}
