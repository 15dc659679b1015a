-- TenantRoute schema fan-out runs (`tenantroute schema migrate`, SchemaJournal; same definitions as
-- SchemaJournal.init, IF NOT EXISTS so either may run first). Each location of a run is one row of kind 'schema'
-- in migrations (status, step, error, operator, times); these tables hold what only a schema run has.
-- Version 110 leaves 102-109 to the journal's own migrations (outOfOrder is on for the control schema).
CREATE TABLE IF NOT EXISTS schema_runs (
  id bigserial PRIMARY KEY,
  migrations varchar(1024) NOT NULL,
  targets varchar(1024),
  on_error varchar(16) NOT NULL,
  parallel int NOT NULL,
  per_server int NOT NULL,
  operator varchar(128),
  status varchar(16) NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
CREATE TABLE IF NOT EXISTS schema_run_locations (
  migration_id bigint PRIMARY KEY,
  run_id bigint NOT NULL,
  from_version varchar(50),
  to_version varchar(50),
  statement text
);
CREATE INDEX IF NOT EXISTS schema_run_locations_run ON schema_run_locations (run_id);
