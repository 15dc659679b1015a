-- TenantRoute migrator journal (same definitions as MigrationJournal.init; IF NOT EXISTS so either may run first).
CREATE TABLE IF NOT EXISTS migrations (
  id bigserial PRIMARY KEY,
  tenant varchar(255) NOT NULL,
  source varchar(63) NOT NULL,
  source_schema varchar(128),
  target varchar(63) NOT NULL,
  target_schema varchar(128),
  mode varchar(16) NOT NULL,
  status varchar(16) NOT NULL,
  step varchar(32),
  operator varchar(128),
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  error text
);
CREATE TABLE IF NOT EXISTS migration_steps (
  id bigserial PRIMARY KEY,
  migration_id bigint NOT NULL,
  step varchar(32) NOT NULL,
  table_name varchar(128),
  rows_count bigint,
  checksum varchar(64),
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  error text
);
CREATE TABLE IF NOT EXISTS migration_locks (
  tenant varchar(255) PRIMARY KEY,
  migration_id bigint NOT NULL,
  since timestamptz NOT NULL DEFAULT now()
);
