-- When a CRM write of this message lost its answer (5xx, timeout, dropped connection after the request left):
-- the CRM may hold the record already, so the next attempt looks for it before writing (Pipedrive notes have no
-- idempotency key). Epoch ms of the first such attempt; NULL while nothing ambiguous happened.
ALTER TABLE messages ADD COLUMN crm_write_uncertain_at INTEGER;
