-- Issue 15: the admin's Automations table shows who each execution was for, also when it was refused and no message
-- row exists to join: the recipient as the step gave it or as we resolved it (E.164 phone or BSUID), and the
-- customer's WhatsApp username when known. NULL on rows written before this migration (the message join still works).
ALTER TABLE automation_executions ADD COLUMN recipient TEXT;
ALTER TABLE automation_executions ADD COLUMN recipient_username TEXT;
