-- HighLevel Delivery URL calls, stored before they are acknowledged (DESIGN.md §6: store, enqueue, answer).
-- A bulk action arrives as a burst of calls: the queue job works on the stored payload, never the HTTP request.
-- (installation, crm_message_id) is unique, so a duplicate call for the same HighLevel messageId stores nothing.
CREATE TABLE crm_deliveries (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  crm_message_id TEXT NOT NULL,          -- HighLevel messageId: idempotency key and status target
  payload TEXT NOT NULL,                 -- JSON {phone, text, attachments, crmContactId, userId}
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done')),
  outcome TEXT,                          -- sent | template | failed:<reason> (for the admin page and support)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (installation_id, crm_message_id)
);
