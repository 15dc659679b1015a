-- What a journal row records: a move, rollback, cleanup, export or import (MigrationJournal.MOVE …).
ALTER TABLE migrations ADD COLUMN IF NOT EXISTS kind varchar(16) NOT NULL DEFAULT 'move';
