-- Customers known by business-scoped user ID as well as by phone (issue 11, vendors/whatsapp-2026.md §1.1).
-- `contacts.phone` stays the customer's key and becomes their address: the E.164 phone when known, else the BSUID
-- (`CC.` + up to 128 alphanumerics), else the parent BSUID. It is kept NOT NULL on purpose: SQLite drops NOT NULL
-- only by rebuilding the table, and dropping `contacts` under D1's always-on foreign keys would cascade-delete every
-- message. Existing rows keep their phone as address: nothing moves, no history is touched. opt_outs.phone and
-- campaign_recipients.phone hold the same kind of address.
ALTER TABLE contacts ADD COLUMN user_id TEXT;          -- BSUID (one per customer and business portfolio)
ALTER TABLE contacts ADD COLUMN parent_user_id TEXT;   -- parent BSUID shared across linked portfolios
ALTER TABLE contacts ADD COLUMN username TEXT;         -- display only, never a key
CREATE UNIQUE INDEX contacts_user_id ON contacts (connection_id, user_id);
CREATE INDEX contacts_parent_user_id ON contacts (connection_id, parent_user_id);

-- Items of a signed provider batch that could not be read (issue 11 item 4): kept with the raw payload for support
-- while the rest of the batch is stored and acknowledged. `fingerprint` (SHA-256 of provider + raw) makes a
-- redelivered batch store each item once.
CREATE TABLE unreadable_webhook_items (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  connection_id TEXT REFERENCES connections (id) ON DELETE CASCADE,
  routing_key TEXT,
  provider_message_id TEXT,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX unreadable_webhook_items_connection ON unreadable_webhook_items (connection_id, received_at);
