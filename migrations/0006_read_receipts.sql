-- The provider message id of the customer's latest message we marked read at the provider (blue ticks). An agent's
-- next reply marks read again only when a newer message came in; NULL: never marked.
ALTER TABLE contacts ADD COLUMN read_marked_message_id TEXT;
