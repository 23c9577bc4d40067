// Liveness of campaign job chains for the outbox sweep (migrations/0016): each chain promises when its next job runs;
// a running or scheduled campaign whose latest promise is long past lost its chain (a dropped queue message, a
// dead-lettered job) and is handed one more.

/** A campaign whose chain the sweep restarts, at its current generation. */
export interface StalledCampaign {
  id: string;
  generation: number;
}

export class CampaignChainStore {
  constructor(private readonly db: D1Database) {}

  /** A chain of the campaign will run by `at`; a later promise of another chain is kept. */
  async expectChainBy(campaignId: string, at: number): Promise<void> {
    await this.db
      .prepare('UPDATE campaigns SET chain_due_at = MAX(COALESCE(chain_due_at, 0), ?1) WHERE id = ?2')
      .bind(at, campaignId)
      .run();
  }

  /**
   * Running or scheduled campaigns no chain was expected for since `dueBefore`. Each returned one is stamped due
   * `now`, so concurrent sweeps, or the next one, restart it at most once per grace period.
   */
  async sweepStalled(now: number, dueBefore: number, limit: number): Promise<StalledCampaign[]> {
    const { results } = await this.db
      .prepare(
        `UPDATE campaigns SET chain_due_at = ?1
         WHERE id IN (SELECT id FROM campaigns WHERE status IN ('running', 'scheduled')
                        AND COALESCE(chain_due_at, start_at, created_at) <= ?2 LIMIT ?3)
           AND status IN ('running', 'scheduled') AND COALESCE(chain_due_at, start_at, created_at) <= ?2
         RETURNING id, generation`,
      )
      .bind(now, dueBefore, limit)
      .all<{ id: string; generation: number }>();
    return results;
  }
}
