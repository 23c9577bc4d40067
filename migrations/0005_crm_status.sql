-- The highest status already reported to the CRM (core/status.ts rank). Status jobs claim a higher rank
-- before calling the CRM, so two jobs running at once can never report `delivered` after `read`.
ALTER TABLE messages ADD COLUMN crm_status_rank INTEGER;
