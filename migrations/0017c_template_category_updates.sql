-- Template re-categorisations announced by the provider (Meta `template_category_update`, issue 12 item 4): both
-- shapes, impending (the change takes effect at `effective_at`) and completed, kept per number for the admin.
-- One row per (number, template, phase, announced time): a redelivered webhook changes nothing.
CREATE TABLE template_category_updates (
  id TEXT PRIMARY KEY,
  connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  provider_template_id TEXT NOT NULL,
  name TEXT,
  language TEXT,
  phase TEXT NOT NULL CHECK (phase IN ('impending', 'completed')),
  previous_category TEXT,
  next_category TEXT NOT NULL,
  effective_at INTEGER,                  -- impending: when the new category applies (epoch ms)
  announced_at INTEGER NOT NULL,         -- the provider's time of the notice
  campaigns_paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (connection_id, provider_template_id, phase, announced_at)
);
CREATE INDEX template_category_updates_connection ON template_category_updates (connection_id, announced_at);
