-- TenantRoute schema fan-out runs (`tenantroute schema migrate`, SchemaJournal; same definitions as
-- SchemaJournal.init, IF NOT EXISTS so either may run first). Each location of a run is one row of kind 'schema'
-- in migrations (status, step, error, operator, times); these tables hold what only a schema run has.
-- Version 110 leaves 102-109 to the journal's own migrations (outOfOrder is on for the control schema).
CREATE TABLE IF NOT EXISTS schema_runs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  migrations VARCHAR(1024) NOT NULL,
  targets VARCHAR(1024),
  on_error VARCHAR(16) NOT NULL,
  parallel INT NOT NULL,
  per_server INT NOT NULL,
  operator VARCHAR(128),
  status VARCHAR(16) NOT NULL,
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ended_at TIMESTAMP(3) NULL
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS schema_run_locations (
  migration_id BIGINT PRIMARY KEY,
  run_id BIGINT NOT NULL,
  from_version VARCHAR(50),
  to_version VARCHAR(50),
  statement TEXT,
  KEY schema_run_locations_run (run_id)
) ENGINE=InnoDB;
