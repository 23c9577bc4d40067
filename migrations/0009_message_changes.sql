-- A customer's edit or deletion of a message already stored (Meta `edit` / `revoke`, the legacy `deleted` status) is
-- owed to the CRM: the Pipedrive note is rewritten, HighLevel (which cannot edit a message) gets an "edited" /
-- "deleted" line in the thread. One row per change, written in the same batch as the message update, so the CRM job
-- can be found and resumed; (message, kind, time) is unique, so a duplicate webhook adds nothing.
CREATE TABLE message_changes (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('edited', 'deleted')),
  occurred_at INTEGER NOT NULL,
  crm_sync TEXT NOT NULL DEFAULT 'pending' CHECK (crm_sync IN ('pending', 'done', 'dead')),
  crm_message_id TEXT,                   -- HighLevel: the message that says so in the thread
  crm_write_uncertain_at INTEGER,        -- an attempt lost its answer: look before writing again
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (message_id, kind, occurred_at)
);
CREATE INDEX message_changes_pending ON message_changes (created_at) WHERE crm_sync = 'pending';

-- Media of a message the customer deleted: its signed /media links are refused from then on (the token names the
-- connection and the provider media id, and the message content holding that id is gone).
CREATE TABLE revoked_media (
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  media_id TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, media_id)
);
