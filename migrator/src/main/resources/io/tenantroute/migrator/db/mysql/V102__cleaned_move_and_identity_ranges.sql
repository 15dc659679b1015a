-- Issue 15: facts that were kept in columns meant for something else get columns of their own.
-- A cleanup names the move whose old rows it removes (was: mode = 'move:<id>'; such rows are read and copied here).
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS (MariaDB has), and MigrationJournal.init() may have added it first.
SET @tr_add_cleaned = (SELECT IF(COUNT(*) = 0, 'ALTER TABLE migrations ADD COLUMN cleaned_move_id BIGINT NULL', 'DO 0')
  FROM information_schema.columns
  WHERE table_schema = DATABASE() AND table_name = 'migrations' AND column_name = 'cleaned_move_id');
PREPARE tr_add_cleaned FROM @tr_add_cleaned;
EXECUTE tr_add_cleaned;
DEALLOCATE PREPARE tr_add_cleaned;
UPDATE migrations SET cleaned_move_id = CAST(SUBSTRING(mode, 6) AS UNSIGNED)
  WHERE kind = 'cleanup' AND cleaned_move_id IS NULL AND mode REGEXP '^move:[0-9]{1,18}$';
-- Where a move (or a rollback) started an identity counter (was: a migration_steps row 'identity' with the column
-- name in checksum and the first value in rows_count; such rows are copied here and still read as a fallback).
CREATE TABLE IF NOT EXISTS migration_identity_ranges (
  migration_id BIGINT NOT NULL,
  table_name VARCHAR(128) NOT NULL,
  column_name VARCHAR(128) NOT NULL,
  start_value BIGINT NOT NULL,
  PRIMARY KEY (migration_id, table_name, column_name)
) ENGINE=InnoDB;
INSERT IGNORE INTO migration_identity_ranges (migration_id, table_name, column_name, start_value)
  SELECT migration_id, table_name, checksum, rows_count FROM migration_steps
  WHERE step = 'identity' AND table_name IS NOT NULL AND checksum IS NOT NULL AND rows_count IS NOT NULL;
