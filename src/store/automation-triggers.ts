// HighLevel workflow trigger subscriptions (migration 0015) and their firings, one per (subscription, event id).
import { randomId } from '../security/encoding';

export interface TriggerSubscription {
  id: string;
  installationId: string;
  triggerKey: string;
  externalId: string;
  targetUrl: string;
  workflowId: string | null;
  settings: Record<string, string>;
  active: boolean;
}

interface SubscriptionRow {
  id: string;
  installation_id: string;
  trigger_key: string;
  external_id: string;
  target_url: string;
  workflow_id: string | null;
  settings_json: string;
  active: number;
}

const toSubscription = (r: SubscriptionRow): TriggerSubscription => ({
  id: r.id,
  installationId: r.installation_id,
  triggerKey: r.trigger_key,
  externalId: r.external_id,
  targetUrl: r.target_url,
  workflowId: r.workflow_id,
  settings: JSON.parse(r.settings_json) as Record<string, string>,
  active: r.active === 1,
});

export interface TriggerFiring {
  id: string;
  subscriptionId: string;
  eventId: string;
  payload: unknown;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  firedAt: number | null;
}

interface FiringRow {
  id: string;
  subscription_id: string;
  event_id: string;
  payload_json: string;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  fired_at: number | null;
}

const toFiring = (r: FiringRow): TriggerFiring => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  payload: JSON.parse(r.payload_json) as unknown,
  state: r.state,
  attempts: r.attempts,
  firedAt: r.fired_at,
});

/** What must hold for a batched firing to be written (see `firingsStatement`). */
export type FiringGuard =
  | { messageId: string; statusTimesJson?: string }
  | { connectionId: string; providerTemplateId: string; status: string };

export interface TriggerUsage {
  key: string;
  workflows: number;
  lastFiredAt: number | null;
  failed: number;
}

export class AutomationTriggerStore {
  constructor(private readonly db: D1Database) {}

  /** Per trigger key: workflows using it now, the last firing that landed, firings that could not land. */
  async usage(installationId: string): Promise<TriggerUsage[]> {
    const { results } = await this.db
      .prepare(
        `SELECT s.trigger_key AS key, COUNT(DISTINCT CASE WHEN s.active = 1 THEN s.id END) AS workflows,
                MAX(CASE WHEN f.state = 'done' THEN f.fired_at END) AS lastFiredAt, COALESCE(SUM(f.state = 'dead'), 0) AS failed
         FROM automation_trigger_subscriptions s LEFT JOIN automation_trigger_firings f ON f.subscription_id = s.id
         WHERE s.installation_id = ? GROUP BY s.trigger_key ORDER BY s.trigger_key`,
      )
      .bind(installationId)
      .all<TriggerUsage>();
    return results;
  }

  /** Subscribes (or re-points) one use of a trigger; the same HighLevel trigger id updates its row. */
  async subscribe(
    input: Omit<TriggerSubscription, 'id' | 'active'>,
    now: number,
  ): Promise<TriggerSubscription> {
    const row = await this.db
      .prepare(
        `INSERT INTO automation_trigger_subscriptions
           (id, installation_id, trigger_key, external_id, target_url, workflow_id, settings_json, active,
            created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT (installation_id, external_id) DO UPDATE SET trigger_key = excluded.trigger_key,
           target_url = excluded.target_url, workflow_id = excluded.workflow_id,
           settings_json = excluded.settings_json, active = 1, updated_at = excluded.updated_at
         RETURNING *`,
      )
      .bind(
        randomId('trs'),
        input.installationId,
        input.triggerKey,
        input.externalId,
        input.targetUrl,
        input.workflowId,
        JSON.stringify(input.settings),
        now,
        now,
      )
      .first<SubscriptionRow>();
    return toSubscription(row!);
  }

  async unsubscribe(installationId: string, externalId: string, now: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE automation_trigger_subscriptions SET active = 0, updated_at = ?
         WHERE installation_id = ? AND external_id = ?`,
      )
      .bind(now, installationId, externalId)
      .run();
  }

  async active(installationId: string, triggerKey: string): Promise<TriggerSubscription[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM automation_trigger_subscriptions
         WHERE installation_id = ? AND trigger_key = ? AND active = 1`,
      )
      .bind(installationId, triggerKey)
      .all<SubscriptionRow>();
    return results.map(toSubscription);
  }

  /** Every active subscription of a trigger, all installations (the cron's window nudge). */
  async allActive(triggerKey: string, limit: number): Promise<TriggerSubscription[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM automation_trigger_subscriptions WHERE trigger_key = ? AND active = 1
         ORDER BY created_at LIMIT ?`,
      )
      .bind(triggerKey, limit)
      .all<SubscriptionRow>();
    return results.map(toSubscription);
  }

  async subscription(id: string): Promise<TriggerSubscription | null> {
    const row = await this.db
      .prepare('SELECT * FROM automation_trigger_subscriptions WHERE id = ?')
      .bind(id)
      .first<SubscriptionRow>();
    return row ? toSubscription(row) : null;
  }

  /** Records a firing unless this subscription already has one for the event. Returns the new id, or null. */
  async addFiring(
    subscriptionId: string,
    eventId: string,
    payload: unknown,
    now: number,
  ): Promise<string | null> {
    const row = await this.db
      .prepare(
        `INSERT INTO automation_trigger_firings (id, subscription_id, event_id, payload_json, state, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      )
      .bind(randomId('trf'), subscriptionId, eventId, JSON.stringify(payload), now)
      .first<{ id: string }>();
    return row?.id ?? null;
  }

  /**
   * The firings of one event as a statement for the caller's D1 batch: a row per active subscription of the trigger
   * (none twice for the same event), written only if `onlyIf` holds when the statement runs, so the event and its
   * firings are stored together: the message row is there (with those status times), or the template's stored
   * status is not yet `status` (the statement goes before the update that sets it: a status seen again, by a
   * redelivered webhook or the next sync, fires nothing). RETURNING the new ids lets the caller enqueue them at once.
   */
  firingsStatement(
    installationId: string,
    triggerKey: string,
    eventId: string,
    payload: unknown,
    now: number,
    onlyIf: FiringGuard,
  ): D1PreparedStatement {
    const [guard, binds] =
      'messageId' in onlyIf
        ? [
            'EXISTS (SELECT 1 FROM messages m WHERE m.id = ?6 AND (?7 IS NULL OR m.status_times = ?7))',
            [onlyIf.messageId, onlyIf.statusTimesJson ?? null],
          ]
        : [
            `EXISTS (SELECT 1 FROM templates t WHERE t.connection_id = ?6 AND t.provider_template_id = ?7
               AND t.status <> ?8)`,
            [onlyIf.connectionId, onlyIf.providerTemplateId, onlyIf.status],
          ];
    return this.db
      .prepare(
        `INSERT INTO automation_trigger_firings (id, subscription_id, event_id, payload_json, state, created_at)
         SELECT 'trf_' || lower(hex(randomblob(12))), s.id, ?1, ?2, 'pending', ?3
         FROM automation_trigger_subscriptions s
         WHERE s.installation_id = ?4 AND s.trigger_key = ?5 AND s.active = 1 AND ${guard}
         ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
      )
      .bind(eventId, JSON.stringify(payload), now, installationId, triggerKey, ...binds);
  }

  async firing(id: string): Promise<TriggerFiring | null> {
    const row = await this.db
      .prepare('SELECT * FROM automation_trigger_firings WHERE id = ?')
      .bind(id)
      .first<FiringRow>();
    return row ? toFiring(row) : null;
  }

  /** Takes the firing for one POST: pending and not leased by another delivery of the job since `staleBefore`. */
  async claim(id: string, staleBefore: number, now: number): Promise<boolean> {
    const res = await this.db
      .prepare(
        `UPDATE automation_trigger_firings SET claimed_at = ?
         WHERE id = ? AND state = 'pending' AND (claimed_at IS NULL OR claimed_at <= ?)`,
      )
      .bind(now, id, staleBefore)
      .run();
    return (res.meta.changes ?? 0) > 0;
  }

  /** Gives the firing back until its retry: `leaseFrom` is set so that the lease runs out when the retry is due. */
  async release(id: string, attempts: number, leaseFrom: number): Promise<void> {
    await this.db
      .prepare(`UPDATE automation_trigger_firings SET claimed_at = ?, attempts = ? WHERE id = ?`)
      .bind(leaseFrom, attempts, id)
      .run();
  }

  async finish(id: string, state: 'done' | 'dead', now: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE automation_trigger_firings SET state = ?, fired_at = ?, claimed_at = NULL WHERE id = ?`,
      )
      .bind(state, now, id)
      .run();
  }

  /** Redrive from the dead letters: the firing is owed again, fresh budget (the stranded-firings cron finds it). */
  reopenStatement(id: string): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE automation_trigger_firings SET state = 'pending', claimed_at = NULL, attempts = 0, fired_at = NULL
         WHERE id = ? AND state = 'dead'`,
      )
      .bind(id);
  }

  /** Pending firings created before `createdBefore` whose lease ran out by `staleBefore` (their job was lost). */
  async stranded(createdBefore: number, staleBefore: number, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT id FROM automation_trigger_firings WHERE state = 'pending' AND created_at < ?
           AND (claimed_at IS NULL OR claimed_at <= ?) ORDER BY created_at LIMIT ?`,
      )
      .bind(createdBefore, staleBefore, limit)
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }
}
