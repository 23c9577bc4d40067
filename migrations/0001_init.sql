-- wabridge schema. Unique keys make duplicates impossible (DESIGN.md §6): a provider message,
-- a CRM message, a webhook event or a campaign recipient can each exist only once.

CREATE TABLE installations (
  id TEXT PRIMARY KEY,
  crm TEXT NOT NULL CHECK (crm IN ('highlevel', 'pipedrive')),
  account_id TEXT NOT NULL,              -- HighLevel location or company id; Pipedrive company id
  account_type TEXT NOT NULL CHECK (account_type IN ('location', 'company')),
  company_id TEXT,                       -- HighLevel agency (company) id
  name TEXT,
  api_domain TEXT,                       -- Pipedrive api_domain
  tokens_enc TEXT,                       -- AES-GCM JSON {accessToken, refreshToken}
  token_expires_at INTEGER,
  token_version INTEGER NOT NULL DEFAULT 0,
  refresh_lease_until INTEGER,           -- compare-and-swap lease: one refresh in flight per installation
  scopes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled')),
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (crm, account_id)
);

CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  provider TEXT NOT NULL CHECK (provider IN ('meta', 'twilio', 'cm')),
  label TEXT NOT NULL,
  sender_phone TEXT NOT NULL,            -- E.164
  routing_key TEXT NOT NULL,             -- Meta phone_number_id, Twilio/CM.com E.164 sender
  provider_account_id TEXT,              -- Meta WABA id (template status webhooks are per WABA)
  credentials_enc TEXT,                  -- AES-GCM JSON, provider-specific
  webhook_token_enc TEXT,                -- CM.com URL secret
  crm_provider_id TEXT,                  -- HighLevel conversationProviderId
  rate_limit_per_second INTEGER NOT NULL DEFAULT 80 CHECK (rate_limit_per_second BETWEEN 1 AND 1000),
  messaging_tier INTEGER,                -- unique customers per rolling 24 h; NULL = unlimited
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  templates_synced_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (provider, routing_key)
);
CREATE INDEX connections_installation ON connections (installation_id);
CREATE INDEX connections_account ON connections (provider, provider_account_id);

CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
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
  components TEXT NOT NULL,              -- JSON TemplateComponents
  variables TEXT NOT NULL,               -- JSON TemplateVariable[]
  content_hash TEXT NOT NULL,
  removed_at INTEGER,                    -- no longer listed by the provider; kept for message history
  synced_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connection_id, provider_template_id)
);
CREATE INDEX templates_lookup ON templates (connection_id, status, language);

CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,                   -- E.164
  name TEXT,
  crm_contact_id TEXT,
  crm_conversation_id TEXT,
  last_inbound_at INTEGER,
  free_entry_point_until INTEGER,
  referral_at INTEGER,                   -- Click-to-WhatsApp / Page CTA inbound not yet answered
  opted_in_at INTEGER,
  opted_out_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connection_id, phone)
);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  origin TEXT NOT NULL CHECK (origin IN ('customer', 'crm', 'app', 'campaign')),
  provider_message_id TEXT,
  crm_message_id TEXT,
  crm_deal_id TEXT,
  type TEXT NOT NULL,
  content TEXT,                          -- JSON MessageContent; NULL once the customer deleted it
  status TEXT NOT NULL,
  status_times TEXT NOT NULL DEFAULT '{}',
  error TEXT,                            -- JSON ProviderErrorInfo
  category TEXT,                         -- pricing category of the send
  billable INTEGER,
  pricing TEXT,                          -- JSON provider pricing from webhooks
  warning TEXT,
  campaign_id TEXT,
  -- Outbound only: claimed before the provider call so a redelivered job can never send twice.
  send_state TEXT CHECK (send_state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
  crm_sync TEXT NOT NULL DEFAULT 'none' CHECK (crm_sync IN ('none', 'pending', 'done', 'dead')),
  edited_at INTEGER,
  deleted_at INTEGER,
  occurred_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (connection_id, provider_message_id),
  UNIQUE (connection_id, crm_message_id)
);
CREATE INDEX messages_thread ON messages (contact_id, occurred_at);

-- Processed webhook / delivery events, for idempotency and replay protection.
CREATE TABLE processed_events (
  key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);

CREATE TABLE oauth_states (
  state TEXT PRIMARY KEY,
  crm TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE opt_outs (
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (installation_id, phone)
);

CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  installation_id TEXT,
  job_type TEXT NOT NULL,
  job TEXT NOT NULL,                     -- JSON job (ids only, never secrets)
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX dead_letters_installation ON dead_letters (installation_id, created_at);

CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  template_id TEXT NOT NULL REFERENCES templates (id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_at INTEGER,
  over_tier_policy TEXT NOT NULL DEFAULT 'refuse',
  preflight TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE campaign_recipients (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  phone TEXT NOT NULL,
  variables TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  reason TEXT,
  message_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  send_after INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (campaign_id, phone)
);
CREATE INDEX campaign_recipients_state ON campaign_recipients (campaign_id, state);
