-- CRM automations (issue 15): HighLevel workflow actions and Pipedrive automation webhooks sending WhatsApp messages.
-- One row per execution: (installation, source, execution_key) is unique, so a redelivered execution claims nothing
-- and is answered with the first outcome. `message_id` is chosen before the send, so an execution whose first call
-- died between the claim and the answer finds its message again instead of sending a second one.
CREATE TABLE automation_executions (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  source TEXT NOT NULL,                 -- 'highlevel_action' | 'automation_webhook' (Pipedrive's webhook action)
  execution_key TEXT NOT NULL,          -- the CRM's execution id (or a digest of the signed body when it has none)
  action TEXT NOT NULL,                 -- 'send_template' | 'send_message'
  message_id TEXT NOT NULL,             -- reserved before the send; the messages row exists only once queued
  state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),
  status TEXT,                          -- outcome: 'queued' | 'failed'
  reason_code TEXT,                     -- e.g. template_not_approved, invalid_variables, template_required
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (installation_id, source, execution_key)
);
CREATE INDEX automation_executions_recent ON automation_executions (installation_id, created_at);

-- Pipedrive's "send webhook" automation action calls one URL per installation with HTTP Basic auth (the hook id as
-- user, the secret as password). The secret is sealed for display in the admin API and hashed for the check;
-- rotating replaces both, so the old secret is refused at once. `secret_sealed` is in key-rotation's SEALED_COLUMNS.
CREATE TABLE automation_hooks (
  id TEXT PRIMARY KEY,                  -- the hook id (in the URL and the Basic-auth user)
  installation_id TEXT NOT NULL UNIQUE REFERENCES installations (id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  rotated_at INTEGER NOT NULL
);
