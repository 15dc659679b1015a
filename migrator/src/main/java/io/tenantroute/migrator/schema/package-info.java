/**
 * The app's Flyway migrations at every location where its schema lives — the shared database, every (target, schema)
 * a route names, the destination of every move in progress — each with its own Flyway history
 * ({@code tenantroute schema status | migrate}, issue 13; docs/schema.md).
 *
 * <p>Public: {@link io.tenantroute.migrator.schema.SchemaFleet} (status and migrate), its request
 * ({@link io.tenantroute.migrator.schema.SchemaRequest}) and results ({@link io.tenantroute.migrator.schema.FleetStatus},
 * {@link io.tenantroute.migrator.schema.LocationStatus}, {@link io.tenantroute.migrator.schema.FleetRun},
 * {@link io.tenantroute.migrator.schema.LocationOutcome}), the journal of runs
 * ({@link io.tenantroute.migrator.schema.SchemaJournal}) and, for the mover,
 * {@link io.tenantroute.migrator.schema.FlywayHistory}. Package-private: Flyway per location ({@code FlywayRunner},
 * {@code OneConnectionDataSource}), drift ({@code SchemaShape}) and the limits ({@code FleetScheduler}).
 */
package io.tenantroute.migrator.schema;
