-- Frequency caps (issue 12 item 3): Meta 131049 ("per-user marketing limit") is outcome `capped`, not `failed`.
-- A campaign may retry capped recipients later: after `capped_retry_after_ms`, at most `capped_retry_max` times,
-- all within 7 days of the first cap (NULL after: off). Each retry is a new message (the capped one stays as
-- history); `capped_count` counts the caps, `first_capped_at` starts the 7 days.
ALTER TABLE campaigns ADD COLUMN capped_retry_after_ms INTEGER;
ALTER TABLE campaigns ADD COLUMN capped_retry_max INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_recipients ADD COLUMN capped_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_recipients ADD COLUMN first_capped_at INTEGER;
