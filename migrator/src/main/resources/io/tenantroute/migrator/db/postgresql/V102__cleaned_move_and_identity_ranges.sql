-- Issue 15: facts that were kept in columns meant for something else get columns of their own.
-- A cleanup names the move whose old rows it removes (was: mode = 'move:<id>'; such rows are read and copied here).
ALTER TABLE migrations ADD COLUMN IF NOT EXISTS cleaned_move_id bigint;
UPDATE migrations SET cleaned_move_id = CAST(substr(mode, 6) AS bigint)
  WHERE kind = 'cleanup' AND cleaned_move_id IS NULL AND mode ~ '^move:[0-9]{1,18}$';
-- Where a move (or a rollback) started an identity counter (was: a migration_steps row 'identity' with the column
-- name in checksum and the first value in rows_count; such rows are copied here and still read as a fallback).
CREATE TABLE IF NOT EXISTS migration_identity_ranges (
  migration_id bigint NOT NULL,
  table_name varchar(128) NOT NULL,
  column_name varchar(128) NOT NULL,
  start_value bigint NOT NULL,
  PRIMARY KEY (migration_id, table_name, column_name)
);
INSERT INTO migration_identity_ranges (migration_id, table_name, column_name, start_value)
  SELECT migration_id, table_name, checksum, rows_count FROM migration_steps
  WHERE step = 'identity' AND table_name IS NOT NULL AND checksum IS NOT NULL AND rows_count IS NOT NULL
  ON CONFLICT DO NOTHING;
