-- The outbox, continued (issue 17): CRM status reports are swept like the other owed work
-- (services/outbox-sweep.ts). A status report is owed while the message's effective status ranks above the
-- highest rank reported to (or claimed for) the CRM (crm_status_rank, migration 0005; core/status.ts ranks).
-- crm_status_next_at: when the sweep last handed the report out (or never again: a dead-lettered status job).
ALTER TABLE messages ADD COLUMN crm_status_next_at INTEGER;
-- History is taken as reported: only reports owed from now on are swept (no flood of old statuses after deploy).
UPDATE messages SET crm_status_rank =
  CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END
  WHERE direction = 'outbound' AND crm_message_id IS NOT NULL AND crm_status_rank IS NULL;
-- Partial index: only messages whose CRM status report is owed are in it.
CREATE INDEX messages_outbox_crm_status ON messages (crm_status_next_at, updated_at)
  WHERE direction = 'outbound' AND crm_message_id IS NOT NULL
    AND (CASE status WHEN 'sent' THEN 1 WHEN 'failed' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
      > COALESCE(crm_status_rank, 0);

-- Campaign chains are swept too: chain_due_at is the latest time a campaign_send job of the campaign is expected to
-- run (set whenever a chain is started or re-enqueued, with its delay). A running or scheduled campaign whose
-- chain_due_at is older than the grace period lost its chain; the sweep starts one more (slices are claimed, so an
-- extra chain never sends a recipient twice).
ALTER TABLE campaigns ADD COLUMN chain_due_at INTEGER;
CREATE INDEX campaigns_chain_due ON campaigns (chain_due_at) WHERE status IN ('running', 'scheduled');
