-- Issue 12 items 5 and 6 (vendors/whatsapp-2026.md §1.2, §1.5, §1.6).
-- Coexistence: a number shared with the WhatsApp Business app. Its messages typed on the phone (`smb_message_echoes`)
-- and its imported past chats (`history`) are stored like ours, marked by where they came from; such a number is
-- paced at 20 msg/s. `coexistence_at` is when we learned it (first echo / history webhook, or the admin said so).
ALTER TABLE messages ADD COLUMN coexistence TEXT CHECK (coexistence IN ('echo', 'history'));
ALTER TABLE connections ADD COLUMN coexistence_at INTEGER;
ALTER TABLE connections ADD COLUMN coexistence_source TEXT CHECK (coexistence_source IN ('webhook', 'admin'));
-- Provider pricing replaces our estimate on the message (category, billable); the estimate is kept beside it so
-- estimated and provider-reported costs can be compared per campaign and per month. NULL = never replaced.
ALTER TABLE messages ADD COLUMN estimated_category TEXT;
ALTER TABLE messages ADD COLUMN estimated_billable INTEGER;
ALTER TABLE messages ADD COLUMN pricing_type TEXT;     -- provider: regular | free_customer_service | free_entry_point
