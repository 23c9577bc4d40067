// The history_import job (issue 12 item 5): one page of a stored history chunk's messages, in time order, through
// the same path as any webhook item (relay-inbound: coexistence messages stored once each and owed to the CRM on the
// bulk lane, unreadable items kept for support), then the cursor moves and the next page is enqueued. Exactly once
// per message: the cursor moves only after its page, a page redone after a crash stores nothing twice (messages are
// unique per provider id; one stored but not yet sent to the CRM is found by the outbox sweep), and a job that finds
// the cursor moved by another copy of itself moves nothing.
import type { AppContext } from '../../context';
import { HistoryImportStore } from '../../store/history-imports';
import type { JobOutcome } from '../job-outcome';
import { bareProviderAdapter } from './providers';
import { ingestEvents } from './relay-inbound';

/** Messages per job: each costs a few D1 trips, well inside one queue invocation's limits. */
export const HISTORY_PAGE = 100;

export async function runHistoryImport(ctx: AppContext, importId: string): Promise<JobOutcome> {
  const store = new HistoryImportStore(ctx.db);
  const row = await store.get(importId);
  if (!row || row.done_at !== null) return { kind: 'done' };
  const { connections } = await ctx.secretStores();
  const connection = await connections.get(row.connection_id);
  const adapter = connection ? bareProviderAdapter(ctx, connection.provider) : null;
  const items = adapter?.parseHistoryChunk?.(row.raw) ?? [];
  const next = Math.min(row.cursor + HISTORY_PAGE, items.length);
  if (connection) await ingestEvents(ctx, items.slice(row.cursor, next), async () => connection);
  const moved = await store.advance(row.id, row.cursor, next, items.length, ctx.now());
  if (moved && next < items.length) await ctx.queue.send({ type: 'history_import', importId: row.id });
  return { kind: 'done' };
}

/** Imports that stopped moving, enqueued again (outbox sweep). */
export async function sweepHistoryImports(
  ctx: AppContext,
  dueBefore: number,
  limit: number,
): Promise<number> {
  const ids = await new HistoryImportStore(ctx.db).sweep(dueBefore, ctx.now(), limit);
  if (ids.length)
    await ctx.queue.sendBatch(ids.map((importId) => ({ type: 'history_import' as const, importId })));
  return ids.length;
}
