// Inbound relay (DESIGN.md §8): signed Meta webhook → 200 on `wrangler dev` (local mode, real local D1),
// next to a bare Hono handler in the same runtime on the same machine. Reports p50/p99 and requests/s as ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalMode } from '../scripts/local-mode/index';
import { metaInbound, metaMessagesWebhook, nextWamid } from '../test/mocks/meta/meta-webhooks';
import { signMetaBody } from '../adapters/providers/meta/meta-signature';

export interface LatencyRun {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  errors: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function drive(
  url: string,
  bodies: () => Promise<{ body: string; headers: Record<string, string> }>,
  count: number,
  concurrency: number,
): Promise<LatencyRun> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const { body, headers } = await bodies();
        const t0 = performance.now();
        const res = await fetch(url, { method: 'POST', body, headers });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    requestsPerSecond: count / seconds,
    errors,
  };
}

async function measure(
  entry: string | undefined,
  count: number,
  concurrency: number,
): Promise<{ sequential: LatencyRun; concurrent: LatencyRun }> {
  const persistTo = mkdtempSync(path.join(tmpdir(), 'wabridge-bench-'));
  const local = await startLocalMode({
    isolated: true,
    persistTo,
    appPort: 0,
    simPort: 0,
    stdio: 'pipe',
    ...(entry ? { entry } : {}),
  });
  try {
    const secret = local.vars.META_APP_SECRET!;
    const phoneNumberId = local.sims.meta.config.phoneNumberId;
    let customer = 0;
    const bodies = async () => {
      customer = (customer + 1) % 50;
      const from = `+3933312${String(customer).padStart(5, '0')}`;
      const body = JSON.stringify(
        metaMessagesWebhook({ phoneNumberId }, [
          metaInbound.text({ from, id: nextWamid() }, 'Hello, is the order ready?'),
        ]),
      );
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': await signMetaBody(body, secret),
        },
      };
    };
    const url = `${local.urls.app}/webhooks/meta`;
    await drive(url, bodies, 30, 1); // warm-up: isolate start, D1 open, JIT
    const sequential = await drive(url, bodies, count, 1);
    const concurrent = await drive(url, bodies, count, concurrency);
    return { sequential, concurrent };
  } finally {
    await local.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export async function benchInboundRelay(count = 300, concurrency = 8) {
  const baseline = await measure(path.resolve(import.meta.dirname, 'bare-worker.ts'), count, concurrency);
  const relay = await measure(undefined, count, concurrency);
  return { baseline, relay, count, concurrency };
}

export function inboundRelayMarkdown(r: Awaited<ReturnType<typeof benchInboundRelay>>): string {
  const f = (n: number) => n.toFixed(2);
  const row = (name: string, run: LatencyRun, base: LatencyRun) =>
    `| ${name} | ${f(run.p50)} | ${f(run.p99)} | ${run.requestsPerSecond.toFixed(0)} | ${run.errors} | ${f(run.p50 / base.p50)}× | ${f(run.requestsPerSecond / base.requestsPerSecond)}× |`;
  return [
    `Signed Meta inbound webhook → 200, ${r.count} requests after 30 warm-up, on \`wrangler dev\` (local D1).`,
    'Baseline: a bare Hono handler on `wrangler dev` reading the body and answering 200.',
    '',
    '| run | p50 ms | p99 ms | req/s | non-200 | p50 vs baseline | req/s vs baseline |',
    '|---|---|---|---|---|---|---|',
    row('baseline, 1 at a time', r.baseline.sequential, r.baseline.sequential),
    row('wabridge, 1 at a time', r.relay.sequential, r.baseline.sequential),
    row(`baseline, ${r.concurrency} concurrent`, r.baseline.concurrent, r.baseline.concurrent),
    row(`wabridge, ${r.concurrency} concurrent`, r.relay.concurrent, r.baseline.concurrent),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchInboundRelay();
  console.log(inboundRelayMarkdown(result));
}
