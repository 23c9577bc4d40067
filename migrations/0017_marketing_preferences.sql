-- WhatsApp's own marketing stop / resume (Meta `user_preferences`, issue 12 item 1): one row per customer of a
-- number, the latest preference wins (by the customer's time, so a late webhook never undoes a newer one).
-- `crm_sync` says the CRM (HighLevel WhatsApp DND, Pipedrive note) still owes the latest change.
CREATE TABLE marketing_preferences (
  contact_id TEXT PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  stopped INTEGER NOT NULL CHECK (stopped IN (0, 1)),
  source TEXT NOT NULL,                  -- 'whatsapp' (the customer, inside WhatsApp)
  detail TEXT,
  changed_at INTEGER NOT NULL,           -- the customer's time of the change (epoch ms)
  crm_sync TEXT NOT NULL DEFAULT 'pending' CHECK (crm_sync IN ('pending', 'done', 'dead')),
  updated_at INTEGER NOT NULL
);
CREATE INDEX marketing_preferences_stopped ON marketing_preferences (connection_id, stopped);
