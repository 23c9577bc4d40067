-- The outbox, continued (issue 17, "nothing stored is ever stranded"): a customer first known by WhatsApp username
-- (BSUID) who later shares their phone owes the CRM one write, the phone onto their CRM contact / person
-- (services/crm-link-phone.ts). The merge that causes it writes this row in its own D1 batch
-- (store/contact-identity.ts), so a crash before the queue message is sent leaves a row the outbox sweep finds.
-- The job claims the row (compare-and-swap with a lease) and deletes it once the CRM has the phone.
CREATE TABLE crm_phone_links (
  contact_id TEXT PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  next_at INTEGER NOT NULL,   -- due since (the merge), a retry's time, or when the sweep last handed it out
  claimed_at INTEGER,         -- a job holds the write (lease: CRM_CLAIM_LEASE_MS)
  attempts INTEGER NOT NULL DEFAULT 0,
  dead_at INTEGER,            -- retries exhausted (dead-lettered): no longer swept, a redrive reopens it
  created_at INTEGER NOT NULL
);
-- Partial index: only owed links are in it, so a sweep never reads the history.
CREATE INDEX crm_phone_links_owed ON crm_phone_links (next_at) WHERE dead_at IS NULL;
