// Connections: one WhatsApp sender number of one installation, with its provider credentials sealed at rest.
import type { ProviderName } from '../core/template';
import { effectiveSendRate } from '../core/throughput';
import type { SecretBox } from '../security/secret-box';
import { randomId } from '../security/encoding';

export interface Connection {
  id: string;
  installationId: string;
  provider: ProviderName;
  label: string;
  senderPhone: string;
  routingKey: string;
  providerAccountId: string | null;
  crmProviderId: string | null;
  /** The pace sends use: the configured rate, capped at 20 msg/s for a coexistence number (core/throughput.ts). */
  rateLimitPerSecond: number;
  /** Shared with the WhatsApp Business app since (learned from its echoes / history webhooks, or set by an admin). */
  coexistence: { since: number; source: 'webhook' | 'admin' } | null;
  /** Where the number's WhatsApp Business app history share is (migration 0026); null before any history webhook. */
  history?: ConnectionHistory | null;
  /** The admin's manual messaging limit (unique customers per 24 h); it overrides the provider's when set. */
  messagingTier: number | null;
  /** The business portfolio that owns the number, as the provider reported it (migration 0019). */
  businessPortfolioId: string | null;
  /** The portfolio's messaging limit as the provider reported it: -1 = unlimited, null = not reported. */
  providerMessagingLimit: number | null;
  status: 'active' | 'disabled';
  templatesSyncedAt: number | null;
  hasCredentials: boolean;
  /** The number is proven to belong to the credentials (CM.com: a one-time code; others: when connected). */
  verified: boolean;
  createdAt: number;
}

export interface ConnectionHistory {
  /** Phase of the latest chunk: 0 = day 0–1, 1 = day 1–90, 2 = day 90–180 before onboarding. */
  phase: number | null;
  chunkOrder: number | null;
  /** Overall percent as the provider reports it; 100 = the share is complete. */
  progress: number | null;
  updatedAt: number;
  /** The business declined to share its history (Meta error 2593109): no messages will come. */
  declined: { code: number; reason: string | null; at: number } | null;
}

interface ConnectionRow {
  id: string;
  installation_id: string;
  provider: ProviderName;
  label: string;
  sender_phone: string;
  routing_key: string;
  provider_account_id: string | null;
  credentials_enc: string | null;
  webhook_token_enc: string | null;
  crm_provider_id: string | null;
  rate_limit_per_second: number;
  coexistence_at?: number | null;
  coexistence_source?: 'webhook' | 'admin' | null;
  history_phase?: number | null;
  history_chunk_order?: number | null;
  history_progress?: number | null;
  history_updated_at?: number | null;
  history_declined_code?: number | null;
  history_declined_reason?: string | null;
  history_declined_at?: number | null;
  messaging_tier: number | null;
  business_portfolio_id: string | null;
  provider_messaging_limit: number | null;
  status: 'active' | 'disabled';
  templates_synced_at: number | null;
  created_at: number;
  verified_at: number | null;
  proof_code_hash: string | null;
  proof_expires_at: number | null;
  proof_attempts: number;
}

const toConnection = (row: ConnectionRow): Connection => ({
  id: row.id,
  installationId: row.installation_id,
  provider: row.provider,
  label: row.label,
  senderPhone: row.sender_phone,
  routingKey: row.routing_key,
  providerAccountId: row.provider_account_id,
  crmProviderId: row.crm_provider_id,
  rateLimitPerSecond: effectiveSendRate(row.rate_limit_per_second, row.coexistence_at != null),
  coexistence:
    row.coexistence_at != null
      ? { since: row.coexistence_at, source: row.coexistence_source ?? 'webhook' }
      : null,
  history:
    row.history_updated_at != null
      ? {
          phase: row.history_phase ?? null,
          chunkOrder: row.history_chunk_order ?? null,
          progress: row.history_progress ?? null,
          updatedAt: row.history_updated_at,
          declined:
            row.history_declined_code != null
              ? {
                  code: row.history_declined_code,
                  reason: row.history_declined_reason ?? null,
                  at: row.history_declined_at ?? row.history_updated_at,
                }
              : null,
        }
      : null,
  messagingTier: row.messaging_tier,
  businessPortfolioId: row.business_portfolio_id ?? null,
  providerMessagingLimit: row.provider_messaging_limit ?? null,
  status: row.status,
  templatesSyncedAt: row.templates_synced_at,
  hasCredentials: row.credentials_enc !== null,
  verified: row.verified_at !== null,
  createdAt: row.created_at,
});

export interface NewConnection {
  installationId: string;
  provider: ProviderName;
  label: string;
  senderPhone: string;
  routingKey: string;
  providerAccountId?: string | null;
  credentials: unknown;
  webhookToken?: string;
  crmProviderId?: string | null;
  rateLimitPerSecond?: number;
  messagingTier?: number | null;
  /** False for a CM.com number until its one-time code comes back (migration 0014); true by default. */
  verified?: boolean;
}

/** A CM.com number waiting for its proof: whether its code is still open, and how many tries are left. */
export interface PendingProof {
  codeHash: string | null;
  expiresAt: number | null;
  attempts: number;
}

/**
 * A pending CM.com row's routing key: one per installation, so several installations can wait for their proof of
 * the same number without the unique (provider, routing_key) key locking anyone out (migration 0014).
 */
export const pendingRoutingKey = (routingKey: string, installationId: string) =>
  `${routingKey}#pending:${installationId}`;

export const provenRoutingKey = (routingKey: string) => routingKey.split('#pending:')[0]!;

const aad = (id: string) => `connection:${id}`;

export class ConnectionStore {
  constructor(
    private readonly db: D1Database,
    private readonly box: SecretBox,
  ) {}

  async create(input: NewConnection, now: number): Promise<Connection> {
    const created = await this.tryCreate(input, now);
    if (!created) throw new Error(`connection ${input.provider}:${input.routingKey} already exists`);
    return created;
  }

  /** A new number; null when (provider, routing key) is taken meanwhile (the caller answers 409, never a 500). */
  async tryCreate(input: NewConnection, now: number): Promise<Connection | null> {
    const { statement } = await this.insertStatement(input, now);
    const row = await statement.first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  private async insertStatement(input: NewConnection, now: number) {
    const id = randomId('con');
    const credentialsEnc = await this.box.encryptJson(input.credentials, aad(id));
    const webhookTokenEnc = input.webhookToken ? await this.box.encrypt(input.webhookToken, aad(id)) : null;
    const statement = this.db
      .prepare(
        `INSERT INTO connections (id, installation_id, provider, label, sender_phone, routing_key, credentials_enc,
           webhook_token_enc, crm_provider_id, rate_limit_per_second, messaging_tier, created_at, updated_at,
           provider_account_id, verified_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14)
         ON CONFLICT (provider, routing_key) DO NOTHING RETURNING *`,
      )
      .bind(
        id,
        input.installationId,
        input.provider,
        input.label,
        input.senderPhone,
        input.routingKey,
        credentialsEnc,
        webhookTokenEnc,
        input.crmProviderId ?? null,
        input.rateLimitPerSecond ?? 80,
        input.messagingTier ?? null,
        now,
        input.providerAccountId ?? null,
        input.verified === false ? null : now,
      );
    return { id, statement };
  }

  /**
   * Reconnecting a number this installation already has (after a reinstall, or new credentials): the same row is
   * updated and re-enabled, so its id, threads, windows, templates and campaigns stay. One statement: never
   * half-written. A CM.com webhook token still sealed is kept (the URL pasted in CM.com stays valid).
   */
  async reconnect(
    id: string,
    input: Omit<NewConnection, 'installationId' | 'provider' | 'routingKey' | 'crmProviderId'>,
    installationId: string,
    now: number,
  ): Promise<Connection | null> {
    const credentialsEnc = await this.box.encryptJson(input.credentials, aad(id));
    const webhookTokenEnc = input.webhookToken ? await this.box.encrypt(input.webhookToken, aad(id)) : null;
    const row = await this.db
      .prepare(
        `UPDATE connections SET label = ?1, sender_phone = ?2, credentials_enc = ?3,
           webhook_token_enc = COALESCE(webhook_token_enc, ?4), provider_account_id = ?5,
           rate_limit_per_second = COALESCE(?6, rate_limit_per_second),
           messaging_tier = CASE WHEN ?7 = 1 THEN ?8 ELSE messaging_tier END, status = 'active', updated_at = ?9
         WHERE id = ?10 AND installation_id = ?11 RETURNING *`,
      )
      .bind(
        input.label,
        input.senderPhone,
        credentialsEnc,
        webhookTokenEnc,
        input.providerAccountId ?? null,
        input.rateLimitPerSecond ?? null,
        input.messagingTier === undefined ? 0 : 1,
        input.messagingTier ?? null,
        now,
        id,
        installationId,
      )
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  /**
   * The number belonged to another installation that gave it up (uninstalled: disabled, no credentials): that row
   * keeps its history under a retired routing key, and the new owner gets a fresh row — in one batch.
   */
  async takeOverRetired(retiredId: string, input: NewConnection, now: number): Promise<Connection | null> {
    const { statement } = await this.insertStatement(input, now);
    const [retired, inserted] = await this.db.batch<ConnectionRow>([
      this.db
        .prepare(
          `UPDATE connections SET routing_key = routing_key || '#retired:' || id, status = 'disabled',
             credentials_enc = NULL, webhook_token_enc = NULL, updated_at = ?1
           WHERE id = ?2 AND status = 'disabled' AND credentials_enc IS NULL RETURNING id`,
        )
        .bind(now, retiredId),
      statement,
    ]);
    if (!retired?.results.length) return null;
    const row = inserted?.results[0];
    return row ? toConnection(row) : null;
  }

  /** Opens a one-time code for a pending number (a new code replaces the last one and its tries). */
  async openProof(id: string, codeHash: string, expiresAt: number, now: number): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE connections SET proof_code_hash = ?1, proof_expires_at = ?2, proof_attempts = 0, updated_at = ?3
         WHERE id = ?4 AND verified_at IS NULL`,
      )
      .bind(codeHash, expiresAt, now, id)
      .run();
    return result.meta.changes === 1;
  }

  async pendingProof(id: string): Promise<PendingProof | null> {
    const row = await this.db
      .prepare('SELECT proof_code_hash, proof_expires_at, proof_attempts FROM connections WHERE id = ?')
      .bind(id)
      .first<Pick<ConnectionRow, 'proof_code_hash' | 'proof_expires_at' | 'proof_attempts'>>();
    return row
      ? { codeHash: row.proof_code_hash, expiresAt: row.proof_expires_at, attempts: row.proof_attempts }
      : null;
  }

  /** Counts one wrong try; the code is closed once the tries are used up. */
  async countProofAttempt(id: string, maxAttempts: number, now: number): Promise<void> {
    await this.db
      .prepare(
        `UPDATE connections SET proof_attempts = proof_attempts + 1, updated_at = ?1,
           proof_code_hash = CASE WHEN proof_attempts + 1 >= ?2 THEN NULL ELSE proof_code_hash END
         WHERE id = ?3 AND verified_at IS NULL`,
      )
      .bind(now, maxAttempts, id)
      .run();
  }

  /**
   * The code came back: the pending row takes the number's real routing key and becomes proven, in one batch. A
   * number an uninstalled installation gave up is retired first (as takeOverRetired); a number another installation
   * holds and uses (proven before) is not taken: null, nothing written (UPDATE OR IGNORE on the unique key).
   */
  async claimProven(id: string, routingKey: string, now: number): Promise<Connection | null> {
    const [, claimed] = await this.db.batch<ConnectionRow>([
      this.db
        .prepare(
          `UPDATE connections SET routing_key = routing_key || '#retired:' || id, updated_at = ?1
           WHERE provider = 'cm' AND routing_key = ?2 AND id <> ?3 AND status = 'disabled'
             AND credentials_enc IS NULL`,
        )
        .bind(now, routingKey, id),
      this.db
        .prepare(
          `UPDATE OR IGNORE connections SET routing_key = ?1, verified_at = ?2, proof_code_hash = NULL,
             proof_expires_at = NULL, proof_attempts = 0, updated_at = ?2
           WHERE id = ?3 AND verified_at IS NULL RETURNING *`,
        )
        .bind(routingKey, now, id),
    ]);
    const row = claimed?.results[0];
    return row ? toConnection(row) : null;
  }

  async get(id: string): Promise<Connection | null> {
    const row = await this.db
      .prepare('SELECT * FROM connections WHERE id = ?')
      .bind(id)
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  /** Tenant-scoped lookup: another installation's id is simply not found. */
  async getForInstallation(installationId: string, id: string): Promise<Connection | null> {
    const row = await this.db
      .prepare('SELECT * FROM connections WHERE id = ? AND installation_id = ?')
      .bind(id, installationId)
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  async listForInstallation(installationId: string): Promise<Connection[]> {
    const { results } = await this.db
      .prepare('SELECT * FROM connections WHERE installation_id = ? ORDER BY created_at')
      .bind(installationId)
      .all<ConnectionRow>();
    return results.map(toConnection);
  }

  /** The row holding (provider, routing key), whatever its status: the unique key of the table. */
  async findClaim(provider: ProviderName, routingKey: string): Promise<Connection | null> {
    const row = await this.db
      .prepare('SELECT * FROM connections WHERE provider = ? AND routing_key = ?')
      .bind(provider, routingKey)
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  async findByRoutingKey(provider: ProviderName, routingKey: string): Promise<Connection | null> {
    const row = await this.db
      .prepare("SELECT * FROM connections WHERE provider = ? AND routing_key = ? AND status = 'active'")
      .bind(provider, routingKey)
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }

  async credentials(connection: Connection): Promise<unknown> {
    const row = await this.db
      .prepare('SELECT credentials_enc FROM connections WHERE id = ?')
      .bind(connection.id)
      .first<{ credentials_enc: string | null }>();
    return row?.credentials_enc ? this.box.decryptJson(row.credentials_enc, aad(connection.id)) : null;
  }

  /** Credentials and, when `withWebhookToken`, the webhook path token: one read of the row (every send builds an adapter). */
  async secrets(
    connection: Connection,
    withWebhookToken: boolean,
  ): Promise<{ credentials: unknown; webhookToken: string | null }> {
    const row = await this.db
      .prepare('SELECT credentials_enc, webhook_token_enc FROM connections WHERE id = ?')
      .bind(connection.id)
      .first<{ credentials_enc: string | null; webhook_token_enc: string | null }>();
    return {
      credentials: row?.credentials_enc
        ? await this.box.decryptJson(row.credentials_enc, aad(connection.id))
        : null,
      webhookToken:
        withWebhookToken && row?.webhook_token_enc
          ? await this.box.decrypt(row.webhook_token_enc, aad(connection.id))
          : null,
    };
  }

  async webhookToken(connection: Connection): Promise<string | null> {
    const row = await this.db
      .prepare('SELECT webhook_token_enc FROM connections WHERE id = ?')
      .bind(connection.id)
      .first<{ webhook_token_enc: string | null }>();
    return row?.webhook_token_enc ? this.box.decrypt(row.webhook_token_enc, aad(connection.id)) : null;
  }

  async delete(installationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .prepare('DELETE FROM connections WHERE id = ? AND installation_id = ?')
      .bind(id, installationId)
      .run();
    return result.meta.changes === 1;
  }

  async setCrmProviderId(id: string, crmProviderId: string, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE connections SET crm_provider_id = ?1, updated_at = ?2 WHERE id = ?3')
      .bind(crmProviderId, now, id)
      .run();
  }

  async markTemplatesSynced(id: string, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE connections SET templates_synced_at = ?1 WHERE id = ?2')
      .bind(now, id)
      .run();
  }

  /** Active connections whose templates are stalest first (cron sync), bounded per run. */
  async listForSync(limit: number): Promise<Connection[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM connections WHERE status = 'active' AND credentials_enc IS NOT NULL
         ORDER BY COALESCE(templates_synced_at, 0) ASC LIMIT ?`,
      )
      .bind(limit)
      .all<ConnectionRow>();
    return results.map(toConnection);
  }

  async listByProviderAccount(provider: ProviderName, providerAccountId: string): Promise<Connection[]> {
    const { results } = await this.db
      .prepare(
        "SELECT * FROM connections WHERE provider = ? AND provider_account_id = ? AND status = 'active'",
      )
      .bind(provider, providerAccountId)
      .all<ConnectionRow>();
    return results.map(toConnection);
  }

  /** The connection an installation uses by default (first created; a proven one before a pending CM.com one). */
  async firstForInstallation(installationId: string): Promise<Connection | null> {
    const row = await this.db
      .prepare(
        `SELECT * FROM connections WHERE installation_id = ? AND status = 'active'
         ORDER BY verified_at IS NULL, created_at LIMIT 1`,
      )
      .bind(installationId)
      .first<ConnectionRow>();
    return row ? toConnection(row) : null;
  }
}
