-- Bulk campaigns (issue 7, DESIGN.md §3.5). Recipients are claimed and written in slices (json_each bulk
-- statements), so the columns below are what one slice needs without a per-row round trip.

-- `generation` names the live chain of campaign_send jobs: pause/resume starts a new one, stale jobs stop.
ALTER TABLE campaigns ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN status_reason TEXT;
ALTER TABLE campaigns ADD COLUMN started_at INTEGER;
ALTER TABLE campaigns ADD COLUMN finished_at INTEGER;
ALTER TABLE campaigns ADD COLUMN header_media_url TEXT;
CREATE INDEX campaigns_installation ON campaigns (installation_id, created_at);

-- `seq`: the row order of the upload (sends and reports follow it); `input`: the phone as the admin wrote it.
ALTER TABLE campaign_recipients ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_recipients ADD COLUMN input TEXT;
ALTER TABLE campaign_recipients ADD COLUMN name TEXT;
CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign_id, state, send_after, seq);

-- Progress joins recipients to their messages; the tier check counts recent unique customers per sender.
CREATE INDEX messages_campaign ON messages (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX messages_sender_recent ON messages (connection_id, direction, occurred_at);
