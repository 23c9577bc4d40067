// Idempotency keys for webhooks and deliveries, OAuth states, dead letters.
import { randomId } from '../security/encoding';

export class EventStore {
  constructor(private readonly db: D1Database) {}

  /** Statement claiming an event key; `meta.changes === 0` means it was seen before (duplicate). */
  claimStatement(key: string, now: number): D1PreparedStatement {
    return this.db
      .prepare('INSERT OR IGNORE INTO processed_events (key, received_at) VALUES (?, ?)')
      .bind(key, now);
  }

  /** True the first time a key is seen, false for duplicates. */
  async claim(key: string, now: number): Promise<boolean> {
    const result = await this.claimStatement(key, now).run();
    return result.meta.changes === 1;
  }

  async release(key: string): Promise<void> {
    await this.db.prepare('DELETE FROM processed_events WHERE key = ?').bind(key).run();
  }

  /**
   * Anyone can call /oauth/{crm}/start without a session, so what those calls may write is capped: at most
   * `maxLive` unexpired states per CRM (false when full, after dropping the expired ones once).
   */
  async createOAuthState(
    state: string,
    crm: string,
    codeVerifier: string,
    expiresAt: number,
    limits: { now: number; maxLive: number },
  ): Promise<boolean> {
    const insert = () =>
      this.db
        .prepare(
          `INSERT INTO oauth_states (state, crm, code_verifier, expires_at)
           SELECT ?, ?, ?, ? WHERE (SELECT COUNT(*) FROM oauth_states WHERE crm = ? AND expires_at >= ?) < ?`,
        )
        .bind(state, crm, codeVerifier, expiresAt, crm, limits.now, limits.maxLive)
        .run();
    if ((await insert()).meta.changes === 1) return true;
    await this.purgeExpiredOAuthStates(limits.now);
    return (await insert()).meta.changes === 1;
  }

  /** States nobody came back with (abandoned consents, unauthenticated starts): nothing reads them after expiry. */
  async purgeExpiredOAuthStates(now: number): Promise<number> {
    const result = await this.db.prepare('DELETE FROM oauth_states WHERE expires_at < ?').bind(now).run();
    return result.meta.changes;
  }

  /**
   * Drops up to `limit` keys starting with `prefix` first seen before `before` (a range on the primary key, so no
   * scan of the other keys). Returns how many went.
   */
  async purgeKeysSeenBefore(prefix: string, before: number, limit = 5_000): Promise<number> {
    // The prefix's range: every key from `prefix` up to (not including) the prefix with its last character bumped.
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const result = await this.db
      .prepare(
        `DELETE FROM processed_events WHERE key IN
           (SELECT key FROM processed_events WHERE key >= ?1 AND key < ?2 AND received_at < ?3 LIMIT ?4)`,
      )
      .bind(prefix, end, before, limit)
      .run();
    return result.meta.changes;
  }

  /** Single use: the state row is deleted as it is read. */
  async consumeOAuthState(state: string, crm: string, now: number): Promise<{ codeVerifier: string } | null> {
    const row = await this.db
      .prepare('DELETE FROM oauth_states WHERE state = ? AND crm = ? RETURNING code_verifier, expires_at')
      .bind(state, crm)
      .first<{ code_verifier: string; expires_at: number }>();
    if (!row || row.expires_at < now) return null;
    return { codeVerifier: row.code_verifier };
  }

  async addDeadLetter(
    installationId: string | null,
    jobType: string,
    job: unknown,
    error: string,
    attempts: number,
    now: number,
  ): Promise<void> {
    await this.db
      .prepare(
        'INSERT INTO dead_letters (id, installation_id, job_type, job, error, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .bind(randomId('dlq'), installationId, jobType, JSON.stringify(job), error, attempts, now)
      .run();
  }

  async listDeadLetters(installationId: string, limit = 100) {
    const { results } = await this.db
      .prepare(
        `SELECT id, job_type, job, error, attempts, created_at FROM dead_letters
         WHERE installation_id = ? AND redriven_at IS NULL ORDER BY created_at DESC LIMIT ?`,
      )
      .bind(installationId, limit)
      .all<{
        id: string;
        job_type: string;
        job: string;
        error: string;
        attempts: number;
        created_at: number;
      }>();
    return results.map((r) => ({
      id: r.id,
      jobType: r.job_type,
      job: JSON.parse(r.job) as unknown,
      error: r.error,
      attempts: r.attempts,
      createdAt: r.created_at,
    }));
  }

  async addOptOut(installationId: string, phone: string, reason: string, now: number): Promise<void> {
    await this.db
      .prepare(
        'INSERT OR IGNORE INTO opt_outs (installation_id, phone, reason, created_at) VALUES (?, ?, ?, ?)',
      )
      .bind(installationId, phone, reason, now)
      .run();
  }

  async removeOptOut(installationId: string, phone: string): Promise<void> {
    await this.db
      .prepare('DELETE FROM opt_outs WHERE installation_id = ? AND phone = ?')
      .bind(installationId, phone)
      .run();
  }

  async optedOutPhones(installationId: string): Promise<Set<string>> {
    const { results } = await this.db
      .prepare('SELECT phone FROM opt_outs WHERE installation_id = ?')
      .bind(installationId)
      .all<{ phone: string }>();
    return new Set(results.map((r) => r.phone));
  }
}
