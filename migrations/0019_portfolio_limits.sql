-- Messaging limits per business portfolio (issue 12 item 2; vendors/whatsapp-2026.md §1.5). Since 2025-10-07 Meta
-- sets the limit (unique customers per rolling 24 h) on the business portfolio, shared by all its numbers; the
-- provider reports it (Graph API at connect time, the `business_capability_update` webhook afterwards).
-- messaging_tier (0001) stays the admin's manual value and overrides the reported one when set.
-- business_portfolio_id: the portfolio that owns the number (Meta: the WABA's owner business), shared by every
--   connection of every installation whose numbers belong to it: the tier check counts across all of them.
-- provider_messaging_limit: the portfolio's limit as the provider last reported it; -1 = unlimited, NULL = unknown.
-- provider_limit_at: when the provider said so (epoch ms): an older report never overwrites a newer one.
ALTER TABLE connections ADD COLUMN business_portfolio_id TEXT;
ALTER TABLE connections ADD COLUMN provider_messaging_limit INTEGER;
ALTER TABLE connections ADD COLUMN provider_limit_at INTEGER;
CREATE INDEX connections_portfolio ON connections (business_portfolio_id) WHERE business_portfolio_id IS NOT NULL;
