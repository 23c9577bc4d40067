// Installations: one per CRM account (HighLevel location/company, Pipedrive company). Tokens sealed at rest.
import type { SecretBox } from '../security/secret-box';
import { randomId } from '../security/encoding';
import type { CrmName } from '../../adapters/crm/types';

// Defined once, beside the CRM adapter interface (the CRM registry is keyed by it).
export type { CrmName };

export interface InstallationTokens {
  accessToken: string;
  refreshToken: string;
}

export interface Installation {
  id: string;
  crm: CrmName;
  accountId: string;
  accountType: 'location' | 'company';
  companyId: string | null;
  name: string | null;
  apiDomain: string | null;
  tokenExpiresAt: number | null;
  tokenVersion: number;
  scopes: string[];
  status: 'active' | 'uninstalled';
  settings: InstallationSettings;
  hasTokens: boolean;
  createdAt: number;
}

export interface InstallationSettings {
  /** Pipedrive: create a person for an inbound message from an unknown number. */
  createUnknownPersons?: boolean;
  /** HighLevel: conversation provider id registered for this location. */
  conversationProviderId?: string;
  /** An account whose token is minted from its parent (company) install, without a refresh token of its own
   * (HighLevel: a location of an agency install, /oauth/locationToken): CrmModule.linkedAccounts. */
  viaCompany?: boolean;
}

interface InstallationRow {
  id: string;
  crm: CrmName;
  account_id: string;
  account_type: 'location' | 'company';
  company_id: string | null;
  name: string | null;
  api_domain: string | null;
  tokens_enc: string | null;
  token_expires_at: number | null;
  token_version: number;
  scopes: string;
  status: 'active' | 'uninstalled';
  settings: string;
  created_at: number;
}

const toInstallation = (row: InstallationRow): Installation => ({
  id: row.id,
  crm: row.crm,
  accountId: row.account_id,
  accountType: row.account_type,
  companyId: row.company_id,
  name: row.name,
  apiDomain: row.api_domain,
  tokenExpiresAt: row.token_expires_at,
  tokenVersion: row.token_version,
  scopes: row.scopes ? row.scopes.split(' ') : [],
  status: row.status,
  settings: JSON.parse(row.settings) as InstallationSettings,
  hasTokens: row.tokens_enc !== null,
  createdAt: row.created_at,
});

export interface UpsertInstallation {
  crm: CrmName;
  accountId: string;
  accountType: 'location' | 'company';
  companyId?: string | null;
  name?: string | null;
  apiDomain?: string | null;
  tokens: InstallationTokens;
  tokenExpiresAt: number;
  scopes: string[];
}

export class InstallationStore {
  constructor(
    private readonly db: D1Database,
    private readonly box: SecretBox,
  ) {}

  /** Install or re-install: a re-install of the same CRM account keeps its id, connections and history. */
  async upsert(input: UpsertInstallation, now: number): Promise<Installation> {
    const tokensEnc = await this.box.encryptJson(
      input.tokens,
      `installation:${input.crm}:${input.accountId}`,
    );
    const row = await this.db
      .prepare(
        `INSERT INTO installations (id, crm, account_id, account_type, company_id, name, api_domain, tokens_enc,
           token_expires_at, scopes, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'active', ?11, ?11)
         ON CONFLICT (crm, account_id) DO UPDATE SET account_type = excluded.account_type,
           company_id = COALESCE(excluded.company_id, company_id), name = COALESCE(excluded.name, name),
           api_domain = COALESCE(excluded.api_domain, api_domain), tokens_enc = excluded.tokens_enc,
           token_expires_at = excluded.token_expires_at, token_version = token_version + 1,
           refresh_lease_until = NULL, scopes = excluded.scopes, status = 'active', updated_at = excluded.updated_at
         RETURNING *`,
      )
      .bind(
        randomId('ins'),
        input.crm,
        input.accountId,
        input.accountType,
        input.companyId ?? null,
        input.name ?? null,
        input.apiDomain ?? null,
        tokensEnc,
        input.tokenExpiresAt,
        input.scopes.join(' '),
        now,
      )
      .first<InstallationRow>();
    return toInstallation(row!);
  }

  async get(id: string): Promise<Installation | null> {
    const row = await this.db
      .prepare('SELECT * FROM installations WHERE id = ?')
      .bind(id)
      .first<InstallationRow>();
    return row ? toInstallation(row) : null;
  }

  async findByAccount(crm: CrmName, accountId: string): Promise<Installation | null> {
    const row = await this.db
      .prepare('SELECT * FROM installations WHERE crm = ? AND account_id = ?')
      .bind(crm, accountId)
      .first<InstallationRow>();
    return row ? toInstallation(row) : null;
  }

  /** An active parent (company) install and the active accounts whose tokens are minted from it (`viaCompany`). */
  async activeIdsOfParent(crm: CrmName, parentAccountId: string): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT id FROM installations WHERE crm = ?1 AND status = 'active'
           AND ((account_type = 'company' AND account_id = ?2)
             OR (company_id = ?2 AND json_extract(settings, '$.viaCompany') = 1))`,
      )
      .bind(crm, parentAccountId)
      .all<{ id: string }>();
    return results.map((r) => r.id);
  }

  async tokens(installation: Installation): Promise<InstallationTokens | null> {
    const row = await this.db
      .prepare('SELECT tokens_enc FROM installations WHERE id = ?')
      .bind(installation.id)
      .first<{ tokens_enc: string | null }>();
    if (!row?.tokens_enc) return null;
    return this.box.decryptJson<InstallationTokens>(
      row.tokens_enc,
      `installation:${installation.crm}:${installation.accountId}`,
    );
  }

  /**
   * Claims the refresh lease (compare-and-swap): true for exactly one caller while the lease runs.
   * HighLevel rotates refresh tokens, so two concurrent refreshes would lose the installation.
   */
  async claimRefreshLease(
    id: string,
    expectedVersion: number,
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const result = await this.db
      .prepare(
        `UPDATE installations SET refresh_lease_until = ?1
         WHERE id = ?2 AND token_version = ?3 AND (refresh_lease_until IS NULL OR refresh_lease_until < ?4)`,
      )
      .bind(now + leaseMs, id, expectedVersion, now)
      .run();
    return result.meta.changes === 1;
  }

  async storeRefreshedTokens(
    installation: Installation,
    tokens: InstallationTokens,
    expiresAt: number,
    now: number,
  ): Promise<void> {
    const sealed = await this.box.encryptJson(
      tokens,
      `installation:${installation.crm}:${installation.accountId}`,
    );
    await this.db
      .prepare(
        `UPDATE installations SET tokens_enc = ?1, token_expires_at = ?2, token_version = token_version + 1,
           refresh_lease_until = NULL, updated_at = ?3 WHERE id = ?4`,
      )
      .bind(sealed, expiresAt, now, installation.id)
      .run();
  }

  async releaseRefreshLease(id: string): Promise<void> {
    await this.db.prepare('UPDATE installations SET refresh_lease_until = NULL WHERE id = ?').bind(id).run();
  }

  async updateSettings(id: string, settings: InstallationSettings, now: number): Promise<void> {
    await this.db
      .prepare('UPDATE installations SET settings = ?1, updated_at = ?2 WHERE id = ?3')
      .bind(JSON.stringify(settings), now, id)
      .run();
  }

  /**
   * Uninstall: tokens and every connection credential are deleted in one batch and the connections disabled; live
   * campaigns pause (a new generation, so their job chains stop). History stays, so a reinstall of the same account
   * finds its installation, numbers, threads, windows and campaigns again (credentials are re-entered).
   */
  async uninstall(id: string, now: number): Promise<void> {
    await this.db.batch([
      this.db
        .prepare(
          `UPDATE installations SET tokens_enc = NULL, token_expires_at = NULL, refresh_lease_until = NULL,
             status = 'uninstalled', updated_at = ?1 WHERE id = ?2`,
        )
        .bind(now, id),
      this.db
        .prepare(
          `UPDATE connections SET credentials_enc = NULL, webhook_token_enc = NULL, status = 'disabled',
             updated_at = ?1 WHERE installation_id = ?2`,
        )
        .bind(now, id),
      this.db
        .prepare(
          `UPDATE campaigns SET status = 'paused', generation = generation + 1, status_reason = ?1, updated_at = ?2
           WHERE installation_id = ?3 AND status IN ('running', 'scheduled')`,
        )
        .bind(UNINSTALL_PAUSE_REASON, now, id),
    ]);
  }
}

export const UNINSTALL_PAUSE_REASON =
  'Paused because the app was uninstalled: reconnect the WhatsApp number, then resume the campaign.';
