// Crash recovery in local mode (issue 17, finding 6): a burst of customer messages to the HighLevel demo number
// while the Worker (workerd and its host) is SIGKILLed at random points. In-memory queue messages die with it; D1
// survives. Meta redelivers every webhook that got no 200 (same wamid). After the restart, the per-minute cron
// (triggered here through wrangler's /__scheduled, testScheduled in worker-host.ts) sweeps what was stranded. Every message must be
// in HighLevel exactly once (checked in the simulator's state by altId = wamid).
// Used by test/integration/local-mode-crash.test.ts and, with `npm run bench` (BENCH_ONLY=crash), for the figure in
// docs/BENCHMARKS.md. Run alone: `node --import tsx bench/crash-recovery.ts` prints the Markdown block.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalMode, type LocalMode } from '../scripts/local-mode/index';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../test/mocks/meta';

export interface CrashRecoveryOptions {
  messages: number;
  kills: number;
  /** Webhooks in flight at once. */
  concurrency?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export interface CrashRecoveryResult {
  messages: number;
  kills: number;
  /** Webhooks that got no answer (the Worker died under them) and were delivered again. */
  redelivered: number;
  /** Stored messages still missing from HighLevel once the restarted Worker's queue went quiet (before a sweep). */
  strandedBeforeSweep: number;
  /** Sweeps run until nothing was missing. */
  sweeps: number;
  /** From the first sweep to the last message in HighLevel (ms). */
  recoveryMs: number;
  inHighLevel: number;
  duplicates: number;
  missing: number;
}

/** Short leases and grace so a test sees the sweep act within seconds (production: 2 min / 15 min). */
const FAST_OUTBOX_VARS = {
  OUTBOX_GRACE_MS: '2000',
  SEND_CLAIM_LEASE_MS: '4000',
  CRM_CLAIM_LEASE_MS: '4000',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCrashRecovery(options: CrashRecoveryOptions): Promise<CrashRecoveryResult> {
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const stateDir = mkdtempSync(path.join(tmpdir(), 'wabridge-crash-'));
  writeFileSync(
    path.join(stateDir, 'local-mode.env'),
    Object.entries(FAST_OUTBOX_VARS)
      .map(([k, v]) => `${k}="${v}"`)
      .join('\n'),
  );
  let mode: LocalMode | undefined;
  try {
    mode = await startLocalMode({
      appPort: 0,
      simPort: 0,
      persistTo: stateDir,
      isolated: true,
      stdio: 'pipe',
    });
    const app = mode.urls.app;
    const secret = mode.vars.META_APP_SECRET!;
    const hl = mode.sims.highlevel.state;
    const meta = mode.sims.meta;

    // One message per customer, each a webhook of its own (its wamid is the HighLevel altId we look for).
    const bodies = await Promise.all(
      Array.from({ length: options.messages }, async (_, i) => {
        const from = `3725${String(6_000_000 + i)}`;
        meta.state.lastInbound.set(from, Date.now());
        const message = metaInbound.text({ from }, `crash burst ${i}`);
        const raw = JSON.stringify(metaMessagesWebhook(meta.config, [message], `Customer ${i}`));
        return { wamid: String(message.id), raw, signature: await signMetaWebhook(raw, secret) };
      }),
    );
    const post = async (b: (typeof bodies)[number]) => {
      try {
        const res = await fetch(`${app}/webhooks/meta`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': b.signature },
          body: b.raw,
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        return res.status === 200;
      } catch {
        return false; // no answer: Meta delivers it again later
      }
    };

    // The burst, with the Worker killed after a random number of webhooks each time (requests in flight die too).
    const killAt = new Set(
      Array.from({ length: options.kills }, () => 1 + Math.floor(random() * (options.messages - 2))),
    );
    const unanswered: typeof bodies = [];
    const concurrency = options.concurrency ?? 16;
    for (let start = 0; start < bodies.length; start += concurrency) {
      const wave = bodies.slice(start, start + concurrency);
      const kill = [...killAt].find((k) => k >= start && k < start + wave.length);
      const results = Promise.all(wave.map(post));
      if (kill !== undefined) {
        // Mid-wave: some webhooks are stored, some acknowledged, some neither.
        await sleep(Math.floor(random() * 60));
        log(`kill after ~${kill} webhooks`);
        await mode.crashAndRestart();
      }
      (await results).forEach((ok, i) => ok || unanswered.push(wave[i]!));
    }
    // Meta redelivers what got no 200 (the same payload; stored ones are duplicates and enqueue nothing).
    for (const b of unanswered) if (!(await post(b))) throw new Error('redelivery failed after the restart');

    const missing = () => bodies.filter((b) => hl.countByAltId(b.wamid) === 0).length;
    /** Waits until every message is in HighLevel or no HighLevel request came for 5 s (the queue went quiet:
     * CRM calls are paced at HighLevel's 8 requests/s per location, 5 per new customer). */
    const settle = async (maxMs: number) => {
      const deadline = Date.now() + maxMs;
      let seen = hl.requests.length;
      let quietSince = Date.now();
      while (missing() > 0 && Date.now() < deadline && Date.now() - quietSince < 5_000) {
        await sleep(250);
        if (hl.requests.length !== seen) {
          seen = hl.requests.length;
          quietSince = Date.now();
        }
      }
    };
    await settle(300_000);
    const strandedBeforeSweep = missing();
    log(`stranded before the sweep: ${strandedBeforeSweep}`);

    // The cron: wait out the grace period and the claims' lease, then sweep until nothing is missing.
    await sleep(Number(FAST_OUTBOX_VARS.CRM_CLAIM_LEASE_MS) + 500);
    const sweepStart = Date.now();
    let sweeps = 0;
    let lastArrival = sweepStart;
    for (let round = 0; round < 20 && missing() > 0; round++) {
      const res = await fetch(`${app}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      if (!res.ok) throw new Error(`the scheduled handler answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      sweeps++;
      await settle(300_000);
      lastArrival = Date.now();
      if (missing() > 0) await sleep(Number(FAST_OUTBOX_VARS.OUTBOX_GRACE_MS));
    }
    const counts = bodies.map((b) => hl.countByAltId(b.wamid));
    return {
      messages: options.messages,
      kills: options.kills,
      redelivered: unanswered.length,
      strandedBeforeSweep,
      sweeps,
      recoveryMs: strandedBeforeSweep === 0 ? 0 : lastArrival - sweepStart,
      inHighLevel: counts.filter((n) => n >= 1).length,
      duplicates: counts.filter((n) => n > 1).length,
      missing: counts.filter((n) => n === 0).length,
    };
  } finally {
    await mode?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export function crashRecoveryMarkdown(r: CrashRecoveryResult): string {
  return [
    `Local mode (workerd), ${r.messages} customer messages to the HighLevel demo number, the Worker SIGKILLed ${r.kills}×`,
    `at random points of the burst (in-memory queue lost, D1 kept), unanswered webhooks redelivered by "Meta",`,
    `then the per-minute outbox sweep (bench/crash-recovery.ts; grace 2 s and leases 4 s instead of 2 min / 15 min).`,
    '',
    '| messages | kills | webhooks redelivered | stranded after restart | sweeps | recovery after first sweep | in HighLevel | duplicates | missing |',
    '| -------: | ----: | -------------------: | ---------------------: | -----: | -------------------------: | -----------: | ---------: | ------: |',
    `| ${r.messages} | ${r.kills} | ${r.redelivered} | ${r.strandedBeforeSweep} | ${r.sweeps} | ${(r.recoveryMs / 1000).toFixed(1)} s | ${r.inHighLevel} | ${r.duplicates} | ${r.missing} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runCrashRecovery({
    messages: Number(process.env.BENCH_CRASH_MESSAGES ?? 300),
    kills: Number(process.env.BENCH_CRASH_KILLS ?? 3),
    log: (line) => console.error(line),
  });
  console.error(JSON.stringify(result));
  console.log(crashRecoveryMarkdown(result));
}
