-- Issue 12 item 5 follow-up: a coexistence number's history arrives in chunks that may describe thousands of
-- messages. A chunk is stored raw when its webhook arrives (one write, then acknowledged) and imported page by page by
-- a job; `cursor` is how many of its items (in time order) are done, so a crash resumes where it stopped and the
-- outbox sweep finds an import that stopped moving. `digest` makes a redelivered chunk a no-op.
CREATE TABLE history_imports (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  phase INTEGER,
  chunk_order INTEGER,
  raw TEXT NOT NULL,
  cursor INTEGER NOT NULL DEFAULT 0,
  total INTEGER,
  done_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connection_id, digest)
);
CREATE INDEX history_imports_open ON history_imports (updated_at) WHERE done_at IS NULL;
-- Where the number's history share is (the latest chunk by phase / chunk order): phase 0–2, chunk order, overall
-- percent (100 = complete); or the business declined to share it (Meta error 2593109) and when.
ALTER TABLE connections ADD COLUMN history_phase INTEGER;
ALTER TABLE connections ADD COLUMN history_chunk_order INTEGER;
ALTER TABLE connections ADD COLUMN history_progress INTEGER;
ALTER TABLE connections ADD COLUMN history_updated_at INTEGER;
ALTER TABLE connections ADD COLUMN history_declined_code INTEGER;
ALTER TABLE connections ADD COLUMN history_declined_reason TEXT;
ALTER TABLE connections ADD COLUMN history_declined_at INTEGER;
