-- The outbox (issue 17): every row that still owes a provider send or a CRM write can be found by the periodic sweep
-- (services/outbox-sweep.ts) and resumed, exactly once. Claims are compare-and-swap writes with a lease.
-- *_next_at: when the row's next attempt is due (a retry's backoff, or the moment a sweep re-enqueued it); NULL means
-- "due since created_at". The sweep only takes rows due for longer than its grace period and not claimed recently.
ALTER TABLE messages ADD COLUMN send_claimed_at INTEGER;       -- queued → sending: the lease of the one sender
ALTER TABLE messages ADD COLUMN send_next_at INTEGER;
ALTER TABLE messages ADD COLUMN send_attempts INTEGER NOT NULL DEFAULT 0;  -- failed provider attempts so far
ALTER TABLE messages ADD COLUMN send_retry_reason TEXT;        -- why the last attempt failed while still retrying
ALTER TABLE messages ADD COLUMN crm_claimed_at INTEGER;        -- a CRM record job holds the write
ALTER TABLE messages ADD COLUMN crm_next_at INTEGER;
ALTER TABLE messages ADD COLUMN crm_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crm_deliveries ADD COLUMN next_at INTEGER;
-- Partial indexes: only unfinished rows are in them, so a sweep reads a handful of entries, never the history.
-- Campaign messages are sent (and recovered) by their campaign chain, not by send jobs: they stay out.
CREATE INDEX messages_outbox_queued ON messages (send_next_at, created_at)
  WHERE send_state = 'queued' AND campaign_id IS NULL;
CREATE INDEX messages_outbox_sending ON messages (send_claimed_at, updated_at)
  WHERE send_state = 'sending' AND campaign_id IS NULL;
CREATE INDEX messages_outbox_crm ON messages (crm_next_at, created_at) WHERE crm_sync = 'pending';
CREATE INDEX crm_deliveries_outbox ON crm_deliveries (next_at, created_at) WHERE state = 'queued';
-- A dead letter redriven from the admin page is kept (with when) instead of listed as still failed.
ALTER TABLE dead_letters ADD COLUMN redriven_at INTEGER;
