-- HighLevel workflow triggers (issue 15): a workflow that uses one of our triggers subscribes to it; HighLevel tells
-- us the URL to POST to (targetUrl). One row per HighLevel trigger id per installation; an unsubscribe marks it gone.
CREATE TABLE automation_trigger_subscriptions (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
  trigger_key TEXT NOT NULL,            -- our trigger's key (manifest/highlevel/workflow-triggers.json)
  external_id TEXT NOT NULL,            -- HighLevel's id of this use of the trigger
  target_url TEXT NOT NULL,
  workflow_id TEXT,
  settings_json TEXT NOT NULL DEFAULT '{}', -- the trigger's filters (e.g. the window nudge's lead time)
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (installation_id, external_id)
);
CREATE INDEX automation_trigger_subscriptions_key
  ON automation_trigger_subscriptions (installation_id, trigger_key, active);

-- One firing per (subscription, event): the unique key is what makes a redelivered webhook, a second cron tick or a
-- replayed job fire nothing more. The payload is stored so the job (ids only in the queue) can be retried as is.
CREATE TABLE automation_trigger_firings (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES automation_trigger_subscriptions (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
  claimed_at INTEGER,                   -- lease of the job firing it, so two deliveries of the job never both POST
  attempts INTEGER NOT NULL DEFAULT 0,
  fired_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX automation_trigger_firings_pending ON automation_trigger_firings (state, created_at);
