// A shared number's history chunk as received (issue 12 item 5): kept raw in one D1 write and acknowledged; its
// messages are imported later, page by page, by the history_import job (history-import.ts). A chunk may describe
// thousands of messages — importing them inside the webhook request would outlast the provider's time limit and the
// provider would send it again (Meta's history reference: capture first, then process asynchronously).
import type { ProviderEvent } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { sha256Hex } from '../../security/encoding';
import type { Connection } from '../../store/connections';
import { HistoryImportStore } from '../../store/history-imports';

type HistoryChunkEvent = Extract<ProviderEvent, { kind: 'history_chunk' }>;

/** 'stored' when new (its import job enqueued), 'duplicate' for a redelivered chunk, 'declined' for a declined share. */
export async function receiveHistoryChunk(
  ctx: AppContext,
  connection: Connection,
  event: HistoryChunkEvent,
): Promise<'stored' | 'duplicate' | 'declined'> {
  const store = new HistoryImportStore(ctx.db);
  const now = ctx.now();
  const mark = store.markStatement(connection.id, event, now);
  if (event.declined) {
    // Recorded on the number and shown to admins (GET /api/connections): no messages will come.
    await mark.run();
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'history share declined',
        connectionId: connection.id,
        code: event.declined.code,
      }),
    );
    return 'declined';
  }
  const digest = await sha256Hex(event.raw);
  const id = `hist_${digest.slice(0, 40)}_${connection.id}`.slice(0, 120);
  const [inserted] = await ctx.db.batch<{ id: string }>([
    store.insertStatement(
      {
        id,
        connectionId: connection.id,
        digest,
        phase: event.phase,
        chunkOrder: event.chunkOrder,
        raw: event.raw,
      },
      now,
    ),
    mark,
  ]);
  if (!inserted?.results.length) return 'duplicate';
  // A lost send is found by the outbox sweep (the row is not done and stops moving).
  await ctx.queue.send({ type: 'history_import', importId: id });
  return 'stored';
}
