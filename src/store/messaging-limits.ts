// Messaging limits per business portfolio (issue 12 item 2, migration 0019): the portfolio and limit the provider
// reported, kept on every connection of the portfolio (any installation), newest report wins; the admin's manual
// value (connections.messaging_tier); and the tier's scope, every number of the portfolio.
import type { ProviderName } from '../core/template';

/** Stored for "unlimited" (Meta's own -1); NULL means nothing was reported. */
export const UNLIMITED = -1;

/** Numbers whose sends count against one tier, and their installations (automation reservations are per installation). */
export interface TierScope {
  connectionIds: string[];
  installationIds: string[];
}

const encode = (limit: number | null) => (limit === null ? UNLIMITED : limit);

export class MessagingLimitStore {
  constructor(private readonly db: D1Database) {}

  /**
   * What the provider said of one number at `at`: its portfolio (kept), and the portfolio's limit, written on every
   * connection of that portfolio whose last report is older — one batch, never half-written.
   */
  async recordForConnection(
    connectionId: string,
    reported: { portfolioId?: string; limit?: number | null },
    at: number,
  ): Promise<void> {
    const statements: D1PreparedStatement[] = [];
    if (reported.portfolioId)
      statements.push(
        this.db
          .prepare('UPDATE connections SET business_portfolio_id = ?1, updated_at = ?2 WHERE id = ?3')
          .bind(reported.portfolioId, at, connectionId),
      );
    if (reported.limit !== undefined)
      statements.push(
        this.db
          .prepare(
            `UPDATE connections SET provider_messaging_limit = ?1, provider_limit_at = ?2, updated_at = ?2
             WHERE (id = ?3 OR business_portfolio_id = (SELECT business_portfolio_id FROM connections WHERE id = ?3))
               AND COALESCE(provider_limit_at, 0) <= ?2`,
          )
          .bind(encode(reported.limit), at, connectionId),
      );
    if (statements.length) await this.db.batch(statements);
  }

  /**
   * A limit announced for a provider account (Meta: a WABA): every connection of that account and of the portfolios
   * those belong to, unless a newer report is already stored. Answers how many connections took it.
   */
  async recordForAccount(
    provider: ProviderName,
    accountId: string,
    limit: number | null,
    at: number,
  ): Promise<number> {
    const result = await this.db
      .prepare(
        `UPDATE connections SET provider_messaging_limit = ?1, provider_limit_at = ?2, updated_at = ?2
         WHERE provider = ?3 AND (provider_account_id = ?4 OR business_portfolio_id IN (
             SELECT business_portfolio_id FROM connections
             WHERE provider = ?3 AND provider_account_id = ?4 AND business_portfolio_id IS NOT NULL))
           AND COALESCE(provider_limit_at, 0) <= ?2`,
      )
      .bind(encode(limit), at, provider, accountId)
      .run();
    return result.meta.changes;
  }

  /** The admin's manual value (null clears it: the provider's limit applies again). */
  async setManual(installationId: string, connectionId: string, limit: number | null, now: number) {
    const result = await this.db
      .prepare(
        'UPDATE connections SET messaging_tier = ?1, updated_at = ?2 WHERE id = ?3 AND installation_id = ?4',
      )
      .bind(limit, now, connectionId, installationId)
      .run();
    return result.meta.changes === 1;
  }

  /**
   * Every number sharing the tier with `connection`: all connections of all installations with the same business
   * portfolio (disabled ones too: what they sent in the last 24 h still counts); just the number without one.
   */
  async scope(connection: {
    id: string;
    installationId: string;
    businessPortfolioId: string | null;
  }): Promise<TierScope> {
    if (!connection.businessPortfolioId)
      return { connectionIds: [connection.id], installationIds: [connection.installationId] };
    const { results } = await this.db
      .prepare('SELECT id, installation_id FROM connections WHERE business_portfolio_id = ?')
      .bind(connection.businessPortfolioId)
      .all<{ id: string; installation_id: string }>();
    const ids = new Set([connection.id, ...results.map((r) => r.id)]);
    const installations = new Set([connection.installationId, ...results.map((r) => r.installation_id)]);
    return { connectionIds: [...ids], installationIds: [...installations] };
  }
}
