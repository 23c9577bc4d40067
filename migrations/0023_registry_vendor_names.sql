-- Issue 13: a provider or CRM added to the registries (adapters/providers/registry.ts, adapters/crm/registry.ts)
-- can be stored: installations.crm and connections.provider lose their CHECK over today's names; the app writes
-- only registry names (sessions, routes and stores take them from the registries).
-- SQLite drops a CHECK only by rebuilding the table, and D1 keeps foreign keys on: dropping `installations` or
-- `connections` would cascade-delete every row that references them, even under defer_foreign_keys (that defers
-- checks, not ON DELETE actions). So every table in their foreign-key closure is rebuilt together: each copy
-- references the other copies, the old tables are dropped children first (nothing of theirs is referenced any
-- more), and the renames carry the references back to the usual names. Same columns, same order, same indexes;
-- generated from the schema after 0022 and checked by test/integration/migration-0023.test.ts.
-- A migration before this one that adds a column to one of these tables after it landed makes the copy fail
-- loudly (column count), and a new table referencing them fails the test's closure check: regenerate then.
PRAGMA defer_foreign_keys = true;
CREATE TABLE installations__new (
  id TEXT PRIMARY KEY,
  crm TEXT NOT NULL,
  account_id TEXT NOT NULL,
  account_type TEXT NOT NULL CHECK (account_type IN ('location', 'company')),
  company_id TEXT,
  name TEXT,
  api_domain TEXT,
  tokens_enc TEXT,
  token_expires_at INTEGER,
  token_version INTEGER NOT NULL DEFAULT 0,
  refresh_lease_until INTEGER,
  scopes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (crm, account_id)
);
INSERT INTO installations__new SELECT * FROM installations;
CREATE TABLE connections__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  label TEXT NOT NULL,
  sender_phone TEXT NOT NULL,
  routing_key TEXT NOT NULL,
  provider_account_id TEXT,
  credentials_enc TEXT,
  webhook_token_enc TEXT,
  crm_provider_id TEXT,
  rate_limit_per_second INTEGER NOT NULL DEFAULT 80 CHECK (rate_limit_per_second BETWEEN 1 AND 1000),
  messaging_tier INTEGER,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  templates_synced_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, verified_at INTEGER, proof_code_hash TEXT, proof_expires_at INTEGER, proof_attempts INTEGER NOT NULL DEFAULT 0, coexistence_at INTEGER, coexistence_source TEXT CHECK (coexistence_source IN ('webhook', 'admin')), business_portfolio_id TEXT, provider_messaging_limit INTEGER, provider_limit_at INTEGER,
  UNIQUE (provider, routing_key)
);
INSERT INTO connections__new SELECT * FROM connections;
CREATE TABLE templates__new (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  provider_template_id TEXT NOT NULL,
  name TEXT NOT NULL,
  language TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  rejection_reason TEXT,
  parameter_format TEXT NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('synced', 'manual')),
  namespace TEXT,
  components TEXT NOT NULL,
  variables TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  removed_at INTEGER,
  synced_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connection_id, provider_template_id)
);
INSERT INTO templates__new SELECT * FROM templates;
CREATE TABLE contacts__new (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,
  name TEXT,
  crm_contact_id TEXT,
  crm_conversation_id TEXT,
  last_inbound_at INTEGER,
  free_entry_point_until INTEGER,
  referral_at INTEGER,
  opted_in_at INTEGER,
  opted_out_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, read_marked_message_id TEXT, user_id TEXT, parent_user_id TEXT, username TEXT,
  UNIQUE (connection_id, phone)
);
INSERT INTO contacts__new SELECT * FROM contacts;
CREATE TABLE messages__new (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  contact_id TEXT NOT NULL REFERENCES contacts__new (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  origin TEXT NOT NULL CHECK (origin IN ('customer', 'crm', 'app', 'campaign')),
  provider_message_id TEXT,
  crm_message_id TEXT,
  crm_deal_id TEXT,
  type TEXT NOT NULL,
  content TEXT,
  status TEXT NOT NULL,
  status_times TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  category TEXT,
  billable INTEGER,
  pricing TEXT,
  warning TEXT,
  campaign_id TEXT,
  send_state TEXT CHECK (send_state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
  crm_sync TEXT NOT NULL DEFAULT 'none' CHECK (crm_sync IN ('none', 'pending', 'done', 'dead')),
  edited_at INTEGER,
  deleted_at INTEGER,
  occurred_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, crm_status_rank INTEGER, crm_write_uncertain_at INTEGER, send_claimed_at INTEGER, send_next_at INTEGER, send_attempts INTEGER NOT NULL DEFAULT 0, send_retry_reason TEXT, crm_claimed_at INTEGER, crm_next_at INTEGER, crm_attempts INTEGER NOT NULL DEFAULT 0, crm_status_next_at INTEGER, coexistence TEXT CHECK (coexistence IN ('echo', 'history')), estimated_category TEXT, estimated_billable INTEGER, pricing_type TEXT,
  UNIQUE (connection_id, provider_message_id),
  UNIQUE (connection_id, crm_message_id)
);
INSERT INTO messages__new SELECT * FROM messages;
CREATE TABLE opt_outs__new (
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (installation_id, phone)
);
INSERT INTO opt_outs__new SELECT * FROM opt_outs;
CREATE TABLE campaigns__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  template_id TEXT NOT NULL REFERENCES templates__new (id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_at INTEGER,
  over_tier_policy TEXT NOT NULL DEFAULT 'refuse',
  preflight TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
, generation INTEGER NOT NULL DEFAULT 0, status_reason TEXT, started_at INTEGER, finished_at INTEGER, header_media_url TEXT, chain_due_at INTEGER, capped_retry_after_ms INTEGER, capped_retry_max INTEGER NOT NULL DEFAULT 0);
INSERT INTO campaigns__new SELECT * FROM campaigns;
CREATE TABLE campaign_recipients__new (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns__new (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,
  variables TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  reason TEXT,
  message_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  send_after INTEGER,
  updated_at INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0, input TEXT, name TEXT, capped_count INTEGER NOT NULL DEFAULT 0, first_capped_at INTEGER,
  UNIQUE (campaign_id, phone)
);
INSERT INTO campaign_recipients__new SELECT * FROM campaign_recipients;
CREATE TABLE crm_deliveries__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  crm_message_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done')),
  outcome TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, next_at INTEGER,
  UNIQUE (installation_id, crm_message_id)
);
INSERT INTO crm_deliveries__new SELECT * FROM crm_deliveries;
CREATE TABLE message_changes__new (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages__new (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('edited', 'deleted')),
  occurred_at INTEGER NOT NULL,
  crm_sync TEXT NOT NULL DEFAULT 'pending' CHECK (crm_sync IN ('pending', 'done', 'dead')),
  crm_message_id TEXT,
  crm_write_uncertain_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (message_id, kind, occurred_at)
);
INSERT INTO message_changes__new SELECT * FROM message_changes;
CREATE TABLE revoked_media__new (
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  media_id TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, media_id)
);
INSERT INTO revoked_media__new SELECT * FROM revoked_media;
CREATE TABLE unreadable_webhook_items__new (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  connection_id TEXT REFERENCES connections__new (id) ON DELETE CASCADE,
  routing_key TEXT,
  provider_message_id TEXT,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL
);
INSERT INTO unreadable_webhook_items__new SELECT * FROM unreadable_webhook_items;
CREATE TABLE automation_executions__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  execution_key TEXT NOT NULL,
  action TEXT NOT NULL,
  message_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),
  status TEXT,
  reason_code TEXT,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, recipient TEXT, recipient_username TEXT,
  UNIQUE (installation_id, source, execution_key)
);
INSERT INTO automation_executions__new SELECT * FROM automation_executions;
CREATE TABLE automation_hooks__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL UNIQUE REFERENCES installations__new (id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  rotated_at INTEGER NOT NULL
);
INSERT INTO automation_hooks__new SELECT * FROM automation_hooks;
CREATE TABLE automation_trigger_subscriptions__new (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations__new (id) ON DELETE CASCADE,
  trigger_key TEXT NOT NULL,
  external_id TEXT NOT NULL,
  target_url TEXT NOT NULL,
  workflow_id TEXT,
  settings_json TEXT NOT NULL DEFAULT '{}',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (installation_id, external_id)
);
INSERT INTO automation_trigger_subscriptions__new SELECT * FROM automation_trigger_subscriptions;
CREATE TABLE automation_trigger_firings__new (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES automation_trigger_subscriptions__new (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
  claimed_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  fired_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (subscription_id, event_id)
);
INSERT INTO automation_trigger_firings__new SELECT * FROM automation_trigger_firings;
CREATE TABLE marketing_preferences__new (
  contact_id TEXT PRIMARY KEY REFERENCES contacts__new (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  stopped INTEGER NOT NULL CHECK (stopped IN (0, 1)),
  source TEXT NOT NULL,
  detail TEXT,
  changed_at INTEGER NOT NULL,
  crm_sync TEXT NOT NULL DEFAULT 'pending' CHECK (crm_sync IN ('pending', 'done', 'dead')),
  updated_at INTEGER NOT NULL
);
INSERT INTO marketing_preferences__new SELECT * FROM marketing_preferences;
CREATE TABLE template_category_updates__new (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections__new (id) ON DELETE CASCADE,
  provider_template_id TEXT NOT NULL,
  name TEXT,
  language TEXT,
  phase TEXT NOT NULL CHECK (phase IN ('impending', 'completed')),
  previous_category TEXT,
  next_category TEXT NOT NULL,
  effective_at INTEGER,
  announced_at INTEGER NOT NULL,
  campaigns_paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (connection_id, provider_template_id, phase, announced_at)
);
INSERT INTO template_category_updates__new SELECT * FROM template_category_updates;
DROP TABLE template_category_updates;
DROP TABLE marketing_preferences;
DROP TABLE automation_trigger_firings;
DROP TABLE automation_trigger_subscriptions;
DROP TABLE automation_hooks;
DROP TABLE automation_executions;
DROP TABLE unreadable_webhook_items;
DROP TABLE revoked_media;
DROP TABLE message_changes;
DROP TABLE crm_deliveries;
DROP TABLE campaign_recipients;
DROP TABLE campaigns;
DROP TABLE opt_outs;
DROP TABLE messages;
DROP TABLE contacts;
DROP TABLE templates;
DROP TABLE connections;
DROP TABLE installations;
ALTER TABLE installations__new RENAME TO installations;
ALTER TABLE connections__new RENAME TO connections;
ALTER TABLE templates__new RENAME TO templates;
ALTER TABLE contacts__new RENAME TO contacts;
ALTER TABLE messages__new RENAME TO messages;
ALTER TABLE opt_outs__new RENAME TO opt_outs;
ALTER TABLE campaigns__new RENAME TO campaigns;
ALTER TABLE campaign_recipients__new RENAME TO campaign_recipients;
ALTER TABLE crm_deliveries__new RENAME TO crm_deliveries;
ALTER TABLE message_changes__new RENAME TO message_changes;
ALTER TABLE revoked_media__new RENAME TO revoked_media;
ALTER TABLE unreadable_webhook_items__new RENAME TO unreadable_webhook_items;
ALTER TABLE automation_executions__new RENAME TO automation_executions;
ALTER TABLE automation_hooks__new RENAME TO automation_hooks;
ALTER TABLE automation_trigger_subscriptions__new RENAME TO automation_trigger_subscriptions;
ALTER TABLE automation_trigger_firings__new RENAME TO automation_trigger_firings;
ALTER TABLE marketing_preferences__new RENAME TO marketing_preferences;
ALTER TABLE template_category_updates__new RENAME TO template_category_updates;
CREATE INDEX connections_installation ON connections (installation_id);
CREATE INDEX connections_account ON connections (provider, provider_account_id);
CREATE INDEX templates_lookup ON templates (connection_id, status, language);
CREATE INDEX messages_thread ON messages (contact_id, occurred_at);
CREATE INDEX campaign_recipients_state ON campaign_recipients (campaign_id, state);
CREATE INDEX campaigns_installation ON campaigns (installation_id, created_at);
CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign_id, state, send_after, seq);
CREATE INDEX messages_campaign ON messages (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX messages_sender_recent ON messages (connection_id, direction, occurred_at);
CREATE INDEX messages_outbox_queued ON messages (send_next_at, created_at)
  WHERE send_state = 'queued' AND campaign_id IS NULL;
CREATE INDEX messages_outbox_sending ON messages (send_claimed_at, updated_at)
  WHERE send_state = 'sending' AND campaign_id IS NULL;
CREATE INDEX messages_outbox_crm ON messages (crm_next_at, created_at) WHERE crm_sync = 'pending';
CREATE INDEX crm_deliveries_outbox ON crm_deliveries (next_at, created_at) WHERE state = 'queued';
CREATE INDEX message_changes_pending ON message_changes (created_at) WHERE crm_sync = 'pending';
CREATE UNIQUE INDEX contacts_user_id ON contacts (connection_id, user_id);
CREATE INDEX contacts_parent_user_id ON contacts (connection_id, parent_user_id);
CREATE INDEX unreadable_webhook_items_connection ON unreadable_webhook_items (connection_id, received_at);
CREATE INDEX automation_executions_recent ON automation_executions (installation_id, created_at);
CREATE INDEX automation_trigger_subscriptions_key
  ON automation_trigger_subscriptions (installation_id, trigger_key, active);
CREATE INDEX automation_trigger_firings_pending ON automation_trigger_firings (state, created_at);
CREATE INDEX messages_outbox_crm_status ON messages (crm_status_next_at, updated_at)
  WHERE direction = 'outbound' AND crm_message_id IS NOT NULL
    AND (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
      > COALESCE(crm_status_rank, 0);
CREATE INDEX campaigns_chain_due ON campaigns (chain_due_at) WHERE status IN ('running', 'scheduled');
CREATE INDEX marketing_preferences_stopped ON marketing_preferences (connection_id, stopped);
CREATE INDEX template_category_updates_connection ON template_category_updates (connection_id, announced_at);
CREATE INDEX connections_portfolio ON connections (business_portfolio_id) WHERE business_portfolio_id IS NOT NULL;
