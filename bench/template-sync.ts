// Template sync (DESIGN.md §8): 6,000 templates (Meta's and Twilio's ceiling) through the real sync service over
// local D1, against the Meta simulator. Counts provider calls and D1 round trips; the baseline writes the same
// rows one statement per round trip in the same process, which is what batching avoids.
import { setupServer } from 'msw/node';
import { AppContext } from '../src/context';
import { syncTemplates } from '../src/services/templates/template-sync';
import { countingD1 } from '../test/helpers/counting-d1';
import { createTestPlatform } from '../test/helpers/platform';
import { createMetaSimulator, metaSimConnection } from '../test/mocks/meta';

const TEMPLATES = 6_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchTemplateSync(runs = 3) {
  const sim = createMetaSimulator({ baseUrl: 'https://graph.facebook.com', defaultPageSize: 100 });
  sim.state.seedTemplates(TEMPLATES);
  const server = setupServer(...sim.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const t = await createTestPlatform();
  try {
    const { db, counter } = countingD1(t.db);
    const ctx = new AppContext({ ...t.platform, db });
    const { installations, connections } = await ctx.secretStores();
    const installation = await installations.upsert(
      {
        crm: 'highlevel',
        accountId: 'bench-location',
        accountType: 'location',
        tokens: { accessToken: 'bench-crm-access', refreshToken: 'bench-crm-refresh' },
        tokenExpiresAt: ctx.now() + 3_600_000,
        scopes: [],
      },
      ctx.now(),
    );
    const connection = await connections.create(
      metaSimConnection(installation.id, { label: 'bench', senderPhone: '+14155550100' }),
      ctx.now(),
    );

    const syncMs: number[] = [];
    let trips = 0;
    let providerCalls = 0;
    for (let run = 0; run < runs; run++) {
      await t.db.prepare('DELETE FROM templates WHERE connection_id = ?').bind(connection.id).run();
      counter.reset();
      const callsBefore = sim.state.calls.listTemplates;
      const started = performance.now();
      const summary = await syncTemplates(ctx, connection);
      syncMs.push(performance.now() - started);
      if (summary.added !== TEMPLATES) throw new Error(`sync added ${summary.added}, expected ${TEMPLATES}`);
      trips = counter.trips;
      providerCalls = sim.state.calls.listTemplates - callsBefore;
    }

    // Baseline: the same rows, one INSERT per round trip.
    const rows = await t.db
      .prepare('SELECT * FROM templates WHERE connection_id = ?')
      .bind(connection.id)
      .all<Record<string, unknown>>();
    const naiveMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      await t.db.prepare('DELETE FROM templates WHERE connection_id = ?').bind(connection.id).run();
      const started = performance.now();
      for (const row of rows.results) {
        const columns = Object.keys(row);
        await t.db
          .prepare(
            `INSERT INTO templates (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`,
          )
          .bind(...columns.map((c) => row[c]))
          .run();
      }
      naiveMs.push(performance.now() - started);
    }
    return {
      templates: TEMPLATES,
      pages: Math.ceil(TEMPLATES / 100),
      providerCalls,
      trips,
      syncMs: median(syncMs),
      naiveWriteMs: median(naiveMs),
      runs,
    };
  } finally {
    server.close();
    await t.dispose();
  }
}

export function templateSyncMarkdown(r: Awaited<ReturnType<typeof benchTemplateSync>>): string {
  return [
    `${r.templates} Meta templates in ${r.pages} pages of 100, synced into an empty local D1 (median of ${r.runs}).`,
    '',
    '| measure | value |',
    '|---|---|',
    `| provider calls (list pages) | ${r.providerCalls} |`,
    `| D1 round trips, whole sync | ${r.trips} (${(r.trips / r.pages).toFixed(2)} per page, ${(r.trips / r.templates).toFixed(3)} per template) |`,
    `| sync wall time (list + map + write) | ${(r.syncMs / 1000).toFixed(2)} s |`,
    `| baseline: writing the same rows one statement per round trip | ${(r.naiveWriteMs / 1000).toFixed(2)} s |`,
    `| sync time / per-row-write baseline | ${(r.syncMs / r.naiveWriteMs).toFixed(2)}× |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(templateSyncMarkdown(await benchTemplateSync()));
}
