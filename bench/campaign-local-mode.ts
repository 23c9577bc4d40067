// A 10,000-recipient campaign inside `wrangler dev` (local mode, DESIGN.md §5): the API creates it, the queue
// consumers run its `campaign_send` chains in workerd over local D1, pacing through the `SendLimiterObject`
// Durable Object; only the Meta simulator is in this Node process, over real HTTP on loopback, capped at
// BENCH_CAP msg/s (token bucket of one second's worth, Graph's 130429 over it, as bench/capped-simulator.ts).
// Measured from the simulator's request timestamps (first to last send), the simulator's accepted sends
// (duplicates) and GET /api/campaigns/:id/recipients (lost). Runnable alone:
//   node --import tsx bench/campaign-local-mode.ts
// Knobs (env): BENCH_RECIPIENTS (10000), BENCH_CAP (1000), BENCH_LOCAL_REPS (3).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMetaAdapter } from '../adapters/providers/meta/meta-adapter';
import { startLocalMode, type LocalMode } from '../scripts/local-mode/index';
import { MemorySendLimiter } from '../src/platform/send-limiter';
import { REPO_ROOT } from '../scripts/local-mode/wrangler';

const N = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const CAP = Number(process.env.BENCH_CAP ?? 1_000);
const REPS = Number(process.env.BENCH_LOCAL_REPS ?? 3);
const FINAL = new Set(['sent', 'failed', 'unknown']);

export interface LocalCampaignRun {
  recipients: number;
  /** First to last send request seen by the simulator. */
  elapsedMs: number;
  /** Campaign creation (POST answered) to `completed`. */
  wallMs: number;
  requests: number;
  accepted: number;
  capRejections: number;
  /** Sends the capped simulator accepted, per second from first to last send. */
  acceptedPerSecond: number;
  rateVsCap: number;
  /** Accepted sends per second between the 10th and 90th percentile send (see steadyRate), ÷ cap. */
  steadyVsCap: number;
  duplicates: number;
  lost: number;
  states: Record<string, number>;
}

interface Stats {
  requests: number;
  capRejections: number;
  firstAt: number;
  lastAt: number;
  /** When each send the cap let through arrived (ms, performance clock). */
  acceptedAt: number[];
}

/**
 * Sends per second between the 10th and the 90th percentile send: the pace once every chain runs, without the
 * queue's start-up hop, the bucket's initial one-second burst or the last chains draining.
 */
export function steadyRate(acceptedAt: number[]): number {
  if (acceptedAt.length < 10) return 0;
  const sorted = [...acceptedAt].sort((a, b) => a - b);
  const from = Math.floor(sorted.length * 0.1);
  const to = Math.floor(sorted.length * 0.9);
  return ((to - from) * 1000) / Math.max(1, sorted[to]! - sorted[from]!);
}

/** The cap as a fault on the local-mode Meta simulator's send endpoint (the simulator itself is unchanged). */
function installCap(local: LocalMode, cap: number): { stats: Stats; reset(): void } {
  const stats: Stats = { requests: 0, capRejections: 0, firstAt: 0, lastAt: 0, acceptedAt: [] };
  let tokens = cap;
  let updatedAt = performance.now();
  const meta = local.sims.meta;
  meta.faults.add({
    match: (request) => {
      if (request.method !== 'POST' || !new URL(request.url).pathname.endsWith('/messages')) return false;
      const now = performance.now();
      stats.requests++;
      stats.firstAt ||= Date.now();
      stats.lastAt = Date.now();
      tokens = Math.min(cap, tokens + ((now - updatedAt) * cap) / 1000);
      updatedAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        stats.acceptedAt.push(now);
        return false;
      }
      stats.capRejections++;
      return true;
    },
    times: Number.POSITIVE_INFINITY,
    status: 400,
    body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
  });
  return {
    stats,
    reset() {
      Object.assign(stats, { requests: 0, capRejections: 0, firstAt: 0, lastAt: 0, acceptedAt: [] });
      tokens = cap;
      updatedAt = performance.now();
      meta.state.sent = [];
      meta.state.sentCountByRecipient.clear();
    },
  };
}

/** The demo Meta connection paces at `cap` (the API only sets the rate at creation; local D1 directly). */
function setRate(persistTo: string, connectionId: string, cap: number): void {
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'd1',
      'execute',
      'DB',
      '--local',
      '--persist-to',
      persistTo,
      '--command',
      `UPDATE connections SET rate_limit_per_second = ${Math.floor(cap)} WHERE id = '${connectionId.replace(/'/g, '')}'`,
    ],
    {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        CI: 'true',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      },
    },
  );
}

const phone = (run: number, i: number) => `+4479${String(20_000_000 + run * 100_000 + i).padStart(8, '0')}`;

export interface BaselineRun {
  acceptedPerSecond: number;
  rateVsCap: number;
  steadyVsCap: number;
}

/**
 * Baseline, same session and same capped simulator over HTTP: the Meta adapter and an in-memory token bucket at the
 * cap in this Node process, 64 sends in flight, no Worker, queue, D1 or Durable Object. What the machine and the
 * simulator allow; the campaign is quoted against it.
 */
async function baseline(
  local: LocalMode,
  n: number,
  cap: number,
  run: number,
  stats: Stats,
): Promise<BaselineRun> {
  const limiter = new MemorySendLimiter();
  const adapter = createMetaAdapter({
    credentials: { ...local.sims.meta.config, apiVersion: 'v23.0' },
    http: { baseUrl: `${local.urls.simulator}/meta`, timeoutMs: 10_000 },
  });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const wait = await limiter.reserve('baseline', cap);
      const until = Date.now() + wait;
      for (let left = wait; left > 0; left = until - Date.now())
        await new Promise((r) => setTimeout(r, left));
      await adapter
        .send({ reference: `b${i}`, to: phone(run + 50, i), content: { type: 'text', text: `Hi ${i}` } })
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const acceptedPerSecond = (stats.acceptedAt.length * 1000) / Math.max(1, stats.lastAt - stats.firstAt);
  return {
    acceptedPerSecond,
    rateVsCap: acceptedPerSecond / cap,
    steadyVsCap: steadyRate(stats.acceptedAt) / cap,
  };
}

export async function benchCampaignLocalMode(n = N, cap = CAP, reps = REPS) {
  const persistTo = mkdtempSync(path.join(tmpdir(), 'wabridge-bench-campaign-'));
  const local = await startLocalMode({
    isolated: true,
    persistTo,
    appPort: 0,
    simPort: 0,
    stdio: process.env.BENCH_DEBUG ? 'inherit' : 'pipe',
  });
  try {
    const meta = local.seed.highlevel.connections.meta;
    setRate(persistTo, meta.id, cap);
    const token = await local.session({
      installationId: local.seed.highlevel.installation.id,
      crm: 'highlevel',
      role: 'admin',
      userId: 'bench-admin',
    });
    const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${local.urls.app}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as T;
    };
    await api('POST', '/api/templates/sync', { connectionId: meta.id });
    const { templates } = await api<{
      templates: { id: string; name: string; status: string; variables: { key: string }[] }[];
    }>('GET', `/api/templates?connectionId=${meta.id}&status=APPROVED`);
    const template =
      templates.find((t) => t.name === 'appointment_reminder') ??
      templates.find((t) => t.status === 'APPROVED');
    if (!template) throw new Error('no APPROVED Meta template after sync');
    const cap$ = installCap(local, cap);

    const runs: LocalCampaignRun[] = [];
    const baselines: BaselineRun[] = [];
    for (let run = 1; run <= reps; run++) {
      cap$.reset();
      const recipients = Array.from({ length: n }, (_, i) => ({
        phone: phone(run, i),
        variables: Object.fromEntries(template.variables.map((v, k) => [v.key, k ? `C${i}` : 'Anna'])),
      }));
      const created = await api<{ campaign: { id: string } }>('POST', '/api/campaigns', {
        connectionId: meta.id,
        templateId: template.id,
        name: `bench ${run}`,
        recipients,
      });
      const t0 = Date.now();
      const id = created.campaign.id;
      let status = '';
      for (let polls = 0; status !== 'completed'; polls++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const got = await api<{ campaign: { status: string }; progress: unknown }>(
          'GET',
          `/api/campaigns/${id}`,
        );
        status = got.campaign.status;
        if (process.env.BENCH_DEBUG && polls % 5 === 0)
          console.error(Date.now() - t0, cap$.stats.requests, status, JSON.stringify(got.progress));
        if (status === 'paused' || status === 'cancelled') throw new Error(`campaign ${status}`);
        if (Date.now() - t0 > Math.max(300_000, (n / cap) * 60_000))
          throw new Error(`campaign still ${status} after ${Date.now() - t0} ms`);
      }
      const wallMs = Date.now() - t0;
      // Let in-flight requests land before reading the simulator (none should be: the campaign is completed).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const rows: { phone: string | null; state: string }[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await api<{ recipients: { phone: string | null; state: string }[] }>(
          'GET',
          `/api/campaigns/${id}/recipients?limit=1000&offset=${offset}`,
        );
        rows.push(...page.recipients);
        if (page.recipients.length < 1000) break;
      }
      const { stats } = cap$;
      const sim = local.sims.meta.state;
      const accepted = new Set(sim.sent.map((m) => m.to));
      const duplicates = [...sim.sentCountByRecipient.values()].reduce((s, c) => s + Math.max(0, c - 1), 0);
      let lost = n - rows.length;
      const states: Record<string, number> = {};
      for (const r of rows) {
        states[r.state] = (states[r.state] ?? 0) + 1;
        const providerHas = r.phone !== null && accepted.has(r.phone.replace(/^\+/, ''));
        if (!FINAL.has(r.state) || (r.state === 'sent') !== providerHas) lost++;
      }
      const elapsedMs = Math.max(1, stats.lastAt - stats.firstAt);
      const acceptedPerSecond = (sim.sent.length * 1000) / elapsedMs;
      const result: LocalCampaignRun = {
        recipients: n,
        elapsedMs,
        wallMs,
        requests: stats.requests,
        accepted: sim.sent.length,
        capRejections: stats.capRejections,
        acceptedPerSecond,
        rateVsCap: acceptedPerSecond / cap,
        steadyVsCap: steadyRate(stats.acceptedAt) / cap,
        duplicates,
        lost,
        states,
      };
      console.error(JSON.stringify(result));
      runs.push(result);
      cap$.reset();
      baselines.push(await baseline(local, n, cap, run, cap$.stats));
      console.error(JSON.stringify({ baseline: baselines.at(-1) }));
    }
    return { runs, baselines, cap };
  } finally {
    await local.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function campaignLocalModeMarkdown(r: Awaited<ReturnType<typeof benchCampaignLocalMode>>): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const baseRate = median(r.baselines.map((b) => b.acceptedPerSecond));
  const row = (label: string, x: LocalCampaignRun) =>
    `| ${label} | ${f(x.acceptedPerSecond, 0)} | **${f(x.rateVsCap)}** | ${f(x.steadyVsCap)} | ` +
    `${f(x.acceptedPerSecond / baseRate)} | ${x.accepted} | ${x.capRejections} | ${f(x.elapsedMs / 1000)} s | ` +
    `${f(x.wallMs / 1000)} s | ${x.duplicates} | ${x.lost} |`;
  const pick = (g: (x: LocalCampaignRun) => number) => median(r.runs.map(g));
  return [
    `${r.runs[0]?.recipients.toLocaleString('en')} recipients, Meta simulator capped at ${r.cap} msg/s over HTTP ` +
      `(token bucket, 1 s burst, 130429 over it); the campaign created, run and read back through local mode ` +
      `(wrangler's dev engine: queue consumers, local D1, \`SendLimiterObject\`). ${r.runs.length} run(s); ` +
      `baseline in the same session: the Meta adapter and an in-memory bucket in Node against the same simulator, ` +
      `median ${f(baseRate, 0)} accepted/s (${f(median(r.baselines.map((b) => b.rateVsCap)))} of cap).`,
    '',
    '| run | accepted/s | **achieved ÷ cap** | steady (p10–p90) ÷ cap | vs baseline | accepted | 130429 (cap) | first → last send | created → completed | duplicates | lost |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x, i) => row(String(i + 1), x)),
    row('**median**', {
      ...r.runs[0]!,
      acceptedPerSecond: pick((x) => x.acceptedPerSecond),
      rateVsCap: pick((x) => x.rateVsCap),
      steadyVsCap: pick((x) => x.steadyVsCap),
      accepted: pick((x) => x.accepted),
      capRejections: pick((x) => x.capRejections),
      elapsedMs: pick((x) => x.elapsedMs),
      wallMs: pick((x) => x.wallMs),
      duplicates: Math.max(...r.runs.map((x) => x.duplicates)),
      lost: Math.max(...r.runs.map((x) => x.lost)),
    }),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(campaignLocalModeMarkdown(await benchCampaignLocalMode()));
}
