-- What a journal row records: a move, rollback, cleanup, export or import (MigrationJournal.MOVE …).
-- MySQL 8 has no ADD COLUMN IF NOT EXISTS (MariaDB has), and MigrationJournal.init() may have added it first.
SET @tr_add_kind = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE migrations ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT ''move''', 'DO 0')
  FROM information_schema.columns
  WHERE table_schema = DATABASE() AND table_name = 'migrations' AND column_name = 'kind');
PREPARE tr_add_kind FROM @tr_add_kind;
EXECUTE tr_add_kind;
DEALLOCATE PREPARE tr_add_kind;
