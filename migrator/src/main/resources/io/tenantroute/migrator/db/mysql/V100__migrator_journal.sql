-- TenantRoute migrator journal (same definitions as MigrationJournal.init; IF NOT EXISTS so either may run first).
CREATE TABLE IF NOT EXISTS migrations (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  tenant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  source VARCHAR(63) NOT NULL,
  source_schema VARCHAR(128),
  target VARCHAR(63) NOT NULL,
  target_schema VARCHAR(128),
  mode VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  step VARCHAR(32),
  operator VARCHAR(128),
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ended_at TIMESTAMP(3) NULL,
  error TEXT
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS migration_steps (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  migration_id BIGINT NOT NULL,
  step VARCHAR(32) NOT NULL,
  table_name VARCHAR(128),
  rows_count BIGINT,
  checksum VARCHAR(64),
  started_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ended_at TIMESTAMP(3) NULL,
  error TEXT
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS migration_locks (
  tenant VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY,
  migration_id BIGINT NOT NULL,
  since TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
