// ENCRYPTION_KEY rotation (docs/DEPLOY.md "Rotating ENCRYPTION_KEY"): re-seals every sealed column under the current
// key, a page at a time, while the Worker keeps serving (the previous key still opens what it sealed).
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';

interface SealedColumn {
  table: string;
  column: string;
  /** The associated data the owning store binds the value to (a value moved to another row does not open). */
  aad: (row: Record<string, unknown>) => string;
  /** Columns the aad needs. */
  select: string;
}

/** Every sealed column. The aad formulas are the stores' own (src/store/installations.ts, connections.ts). */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    table: 'installations',
    column: 'tokens_enc',
    select: 'crm, account_id',
    aad: (row) => `installation:${String(row.crm)}:${String(row.account_id)}`,
  },
  {
    table: 'connections',
    column: 'credentials_enc',
    select: 'id',
    aad: (row) => `connection:${String(row.id)}`,
  },
  {
    table: 'connections',
    column: 'webhook_token_enc',
    select: 'id',
    aad: (row) => `connection:${String(row.id)}`,
  },
  {
    table: 'automation_hooks',
    column: 'secret_sealed',
    select: 'id',
    aad: (row) => `automation_hook:${String(row.id)}`,
  },
];

export interface ResealPage {
  /** Rows looked at in this page. */
  checked: number;
  /** Rows whose value was sealed under the previous key and is now sealed under the current one. */
  resealed: number;
  /** Rows no configured key opens (left untouched; the previous key must stay until they are dealt with). */
  unreadable: { table: string; column: string; id: string }[];
  /** Where the next page starts; null when every column has been walked. */
  cursor: string | null;
}

const cursorPattern = /^(\d+):(.*)$/s;

/**
 * Re-seals up to `limit` rows from `cursor` on (`"<column index>:<last id>"`, null = the start). Each write is a
 * compare-and-swap on the old value, so a token refreshed meanwhile (already sealed under the current key) is kept.
 */
export async function resealPage(
  ctx: AppContext,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<ResealPage> {
  const box = await ctx.box();
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  let index = 0;
  let afterId = '';
  if (options.cursor) {
    const match = cursorPattern.exec(options.cursor);
    const parsed = match ? Number(match[1]) : NaN;
    if (!match || !(parsed < SEALED_COLUMNS.length))
      throw new AppError('invalid_request', 'Unknown reseal cursor', { cursor: options.cursor });
    index = parsed;
    afterId = match[2]!;
  }
  const page: ResealPage = { checked: 0, resealed: 0, unreadable: [], cursor: null };
  while (index < SEALED_COLUMNS.length && page.checked < limit) {
    const sealed = SEALED_COLUMNS[index]!;
    const { results } = await ctx.db
      .prepare(
        `SELECT id, ${sealed.select}, ${sealed.column} AS value FROM ${sealed.table}
         WHERE ${sealed.column} IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2`,
      )
      .bind(afterId, limit - page.checked)
      .all<Record<string, unknown> & { id: string; value: string }>();
    const updates: D1PreparedStatement[] = [];
    for (const row of results) {
      page.checked++;
      afterId = row.id;
      let next: string | null;
      try {
        next = await box.reseal(row.value, sealed.aad(row));
      } catch {
        page.unreadable.push({ table: sealed.table, column: sealed.column, id: row.id });
        continue;
      }
      if (next === null) continue;
      updates.push(
        ctx.db
          .prepare(`UPDATE ${sealed.table} SET ${sealed.column} = ?1 WHERE id = ?2 AND ${sealed.column} = ?3`)
          .bind(next, row.id, row.value),
      );
    }
    if (updates.length) {
      const written = await ctx.db.batch(updates);
      page.resealed += written.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
    }
    if (page.checked < limit) {
      // This column is exhausted: the next one starts from its first id.
      index++;
      afterId = '';
    }
  }
  page.cursor = index < SEALED_COLUMNS.length ? `${index}:${afterId}` : null;
  return page;
}
