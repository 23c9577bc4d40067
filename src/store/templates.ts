// Templates per connection. Sync writes are batched: one D1 round trip per page of rows, never per row.
import type { Template, TemplateStatus } from '../core/template';
import { randomId } from '../security/encoding';

export interface StoredTemplate extends Template {
  id: string;
  connectionId: string;
  removedAt: number | null;
  syncedAt: number | null;
  updatedAt: number;
}

interface TemplateRow {
  id: string;
  connection_id: string;
  provider_template_id: string;
  name: string;
  language: string;
  category: Template['category'];
  status: TemplateStatus;
  rejection_reason: string | null;
  parameter_format: Template['parameterFormat'];
  kind: Template['kind'];
  source: Template['source'];
  namespace: string | null;
  components: string;
  variables: string;
  content_hash: string;
  removed_at: number | null;
  synced_at: number | null;
  updated_at: number;
}

function toTemplate(row: TemplateRow, provider: Template['provider']): StoredTemplate {
  return {
    id: row.id,
    connectionId: row.connection_id,
    provider,
    providerTemplateId: row.provider_template_id,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    rejectionReason: row.rejection_reason ?? undefined,
    parameterFormat: row.parameter_format,
    kind: row.kind,
    source: row.source,
    namespace: row.namespace ?? undefined,
    components: JSON.parse(row.components) as Template['components'],
    variables: JSON.parse(row.variables) as Template['variables'],
    removedAt: row.removed_at,
    syncedAt: row.synced_at,
    updatedAt: row.updated_at,
  };
}

/** Stable fingerprint of everything a sync can change, to tell updated from unchanged. */
export function templateFingerprint(t: Template): string {
  return JSON.stringify([
    t.name,
    t.language,
    t.category,
    t.status,
    t.rejectionReason ?? null,
    t.parameterFormat,
    t.kind,
    t.namespace ?? null,
    t.components,
    t.variables,
  ]);
}

export interface TemplateIndexEntry {
  id: string;
  status: TemplateStatus;
  fingerprint: string;
  removed: boolean;
  manual: boolean;
}

export interface TemplateFilter {
  status?: TemplateStatus;
  language?: string;
  includeRemoved?: boolean;
}

const BATCH_ROWS = 100;

const UPSERT_SQL = `INSERT INTO templates (id, connection_id, provider_template_id, name, language, category, status,
     rejection_reason, parameter_format, kind, source, namespace, components, variables, content_hash,
     removed_at, synced_at, created_at, updated_at)
   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL, ?16, ?16, ?16)
   ON CONFLICT (connection_id, provider_template_id) DO UPDATE SET name = excluded.name,
     language = excluded.language, category = excluded.category, status = excluded.status,
     rejection_reason = excluded.rejection_reason, parameter_format = excluded.parameter_format,
     kind = excluded.kind, source = excluded.source, namespace = excluded.namespace,
     components = excluded.components, variables = excluded.variables, content_hash = excluded.content_hash,
     removed_at = NULL, synced_at = excluded.synced_at, updated_at = excluded.updated_at`;

export class TemplateStore {
  constructor(private readonly db: D1Database) {}

  /** One query: what the connection has now, keyed by provider template id. */
  async index(connectionId: string): Promise<Map<string, TemplateIndexEntry>> {
    const { results } = await this.db
      .prepare(
        'SELECT id, provider_template_id, status, content_hash, removed_at, source FROM templates WHERE connection_id = ?',
      )
      .bind(connectionId)
      .all<{
        id: string;
        provider_template_id: string;
        status: TemplateStatus;
        content_hash: string;
        removed_at: number | null;
        source: Template['source'];
      }>();
    return new Map(
      results.map((r) => [
        r.provider_template_id,
        {
          id: r.id,
          status: r.status,
          fingerprint: r.content_hash,
          removed: r.removed_at !== null,
          manual: r.source === 'manual',
        },
      ]),
    );
  }

  private upsertStatement(
    connectionId: string,
    t: Template,
    now: number,
    prepared?: D1PreparedStatement,
  ): D1PreparedStatement {
    // One prepared statement, bound once per row: preparing per row costs a round trip to the D1 proxy in tests.
    return (prepared ?? this.db.prepare(UPSERT_SQL)).bind(
      randomId('tpl'),
      connectionId,
      t.providerTemplateId,
      t.name,
      t.language,
      t.category,
      t.status,
      t.rejectionReason ?? null,
      t.parameterFormat,
      t.kind,
      t.source,
      t.namespace ?? null,
      JSON.stringify(t.components),
      JSON.stringify(t.variables),
      templateFingerprint(t),
      now,
    );
  }

  /**
   * Upserts in batches of BATCH_ROWS rows: one round trip per batch. `before` may give a row a statement that runs
   * in the same batch just ahead of its upsert (its status change's trigger firings); their results are returned.
   */
  async upsertMany(
    connectionId: string,
    templates: Template[],
    now: number,
    before?: (t: Template) => D1PreparedStatement | null,
  ): Promise<D1Result<{ id: string }>[]> {
    const ahead: D1Result<{ id: string }>[] = [];
    if (!templates.length) return ahead;
    const prepared = this.db.prepare(UPSERT_SQL);
    for (let i = 0; i < templates.length; i += BATCH_ROWS) {
      const statements: D1PreparedStatement[] = [];
      const aheadAt: number[] = [];
      for (const t of templates.slice(i, i + BATCH_ROWS)) {
        const first = before?.(t);
        if (first) {
          aheadAt.push(statements.length);
          statements.push(first);
        }
        statements.push(this.upsertStatement(connectionId, t, now, prepared));
      }
      const results = await this.db.batch<{ id: string }>(statements);
      for (const at of aheadAt) ahead.push(results[at]!);
    }
    return ahead;
  }

  /** Marks synced templates the provider no longer lists as removed (kept for the history of sent messages). */
  async markRemoved(connectionId: string, providerTemplateIds: string[], now: number): Promise<void> {
    if (!providerTemplateIds.length) return;
    const prepared = this.db.prepare(
      `UPDATE templates SET removed_at = ?1, updated_at = ?1
       WHERE connection_id = ?2 AND provider_template_id = ?3 AND removed_at IS NULL AND source = 'synced'`,
    );
    const statements = providerTemplateIds.map((pid) => prepared.bind(now, connectionId, pid));
    for (let i = 0; i < statements.length; i += BATCH_ROWS)
      await this.db.batch(statements.slice(i, i + BATCH_ROWS));
  }

  async list(
    connectionId: string,
    provider: Template['provider'],
    filter: TemplateFilter = {},
  ): Promise<StoredTemplate[]> {
    const where = ['connection_id = ?'];
    const binds: unknown[] = [connectionId];
    if (filter.status) {
      where.push('status = ?');
      binds.push(filter.status);
    }
    if (filter.language) {
      where.push('language = ?');
      binds.push(filter.language);
    }
    if (!filter.includeRemoved) where.push('removed_at IS NULL');
    const { results } = await this.db
      .prepare(`SELECT * FROM templates WHERE ${where.join(' AND ')} ORDER BY name, language`)
      .bind(...binds)
      .all<TemplateRow>();
    return results.map((row) => toTemplate(row, provider));
  }

  private async one(
    where: string,
    binds: unknown[],
    provider: Template['provider'],
  ): Promise<StoredTemplate | null> {
    const row = await this.db
      .prepare(`SELECT * FROM templates WHERE ${where}`)
      .bind(...binds)
      .first<TemplateRow>();
    return row ? toTemplate(row, provider) : null;
  }

  get(connectionId: string, id: string, provider: Template['provider']): Promise<StoredTemplate | null> {
    return this.one('id = ? AND connection_id = ?', [id, connectionId], provider);
  }

  findByProviderId(
    connectionId: string,
    providerTemplateId: string,
    provider: Template['provider'],
  ): Promise<StoredTemplate | null> {
    return this.one(
      'connection_id = ? AND provider_template_id = ?',
      [connectionId, providerTemplateId],
      provider,
    );
  }

  /**
   * Incremental update from a template status webhook, as a statement for the caller's batch (with its trigger
   * firings): no row changed means the template is unknown.
   */
  applyStatusStatement(
    connectionId: string,
    providerTemplateId: string,
    status: TemplateStatus,
    reason: string | undefined,
    now: number,
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `UPDATE templates SET status = ?1, rejection_reason = COALESCE(?2, rejection_reason), updated_at = ?3,
           content_hash = content_hash || '~'
         WHERE connection_id = ?4 AND provider_template_id = ?5`,
      )
      .bind(status, reason ?? null, now, connectionId, providerTemplateId);
  }

  async insertManual(connectionId: string, template: Template, now: number): Promise<void> {
    await this.upsertStatement(connectionId, template, now).run();
  }
}
