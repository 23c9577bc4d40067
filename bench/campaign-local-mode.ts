// A 10,000-recipient campaign inside local mode (DESIGN.md §5): the API creates it, the queue consumers run its
// `campaign_send` chains in workerd over local D1, pacing through the `SendLimiterObject` Durable Object; only the
// Meta simulator is in this Node process, over real HTTP on loopback, capped at BENCH_CAP msg/s
// (bench/local-capped-meta.ts). Each repetition runs the campaign clean, again with 5 % injected 5xx/429
// (DESIGN.md §8), and a baseline. Measured from the simulator's request timestamps (first to last send), its
// accepted sends (duplicates) and GET /api/campaigns/:id/recipients (lost). Runnable alone:
//   node --import tsx bench/campaign-local-mode.ts
// Knobs (env): BENCH_RECIPIENTS (10000), BENCH_CAP (1000), BENCH_LOCAL_REPS (3), BENCH_DEBUG=1 (progress).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMetaAdapter } from '../adapters/providers/meta/meta-adapter';
import { startLocalMode, type LocalMode } from '../scripts/local-mode/index';
import { REPO_ROOT } from '../scripts/local-mode/wrangler';
import { MemorySendLimiter } from '../src/platform/send-limiter';
import { installCap, steadyRate, type InjectedFaults } from './local-capped-meta';

const N = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const CAP = Number(process.env.BENCH_CAP ?? 1_000);
const REPS = Number(process.env.BENCH_LOCAL_REPS ?? 3);
const FINAL = new Set(['sent', 'failed', 'unknown']);
/** ≈ 5 % of requests: 3.5 % 503 at random plus two 75 ms windows of 429 with Retry-After: 1 (as the in-process bench). */
const FAULTS: InjectedFaults = { probability5xx: 0.035, burstsAtMs: [3_000, 6_000], burstMs: 75 };

export interface LocalCampaignRun {
  label: 'clean' | 'faults';
  recipients: number;
  /** First to last send request seen by the simulator. */
  elapsedMs: number;
  /** Campaign creation (POST answered) to `completed`. */
  wallMs: number;
  requests: number;
  /** Sends the cap let through (injected failures included: they spend the provider's throughput too). */
  withinCap: number;
  /** Sends the simulator accepted. */
  accepted: number;
  capRejections: number;
  injected: number;
  /** withinCap per second ÷ cap: DESIGN.md §8's measure. */
  rateVsCap: number;
  /** Between the 10th and 90th percentile send (local-capped-meta.ts steadyRate), ÷ cap. */
  steadyVsCap: number;
  duplicates: number;
  lost: number;
  states: Record<string, number>;
}

export interface BaselineRun {
  rateVsCap: number;
  steadyVsCap: number;
}

type Cap = ReturnType<typeof installCap>;

interface Bench {
  local: LocalMode;
  cap$: Cap;
  n: number;
  cap: number;
  connectionId: string;
  template: { id: string; variables: { key: string }[] };
  api: <T>(method: string, url: string, body?: unknown) => Promise<T>;
}

/** The demo Meta connection paces at `cap` (the API only sets the rate at creation; local D1 directly). */
export function setRate(persistTo: string, connectionId: string, cap: number): void {
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

/** One campaign through the API, polled to `completed`, then checked recipient by recipient against the simulator. */
async function runCampaign(b: Bench, run: number, faults?: InjectedFaults): Promise<LocalCampaignRun> {
  const { cap$, n, cap } = b;
  cap$.reset(faults);
  const recipients = Array.from({ length: n }, (_, i) => ({
    phone: phone(run, i),
    variables: Object.fromEntries(b.template.variables.map((v, k) => [v.key, k ? `C${i}` : 'Anna'])),
  }));
  const created = await b.api<{ campaign: { id: string } }>('POST', '/api/campaigns', {
    connectionId: b.connectionId,
    templateId: b.template.id,
    name: `bench ${run}`,
    recipients,
  });
  const t0 = Date.now();
  const id = created.campaign.id;
  for (let polls = 0, status = ''; status !== 'completed'; polls++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const got = await b.api<{ campaign: { status: string }; progress: unknown }>(
      'GET',
      `/api/campaigns/${id}`,
    );
    status = got.campaign.status;
    if (process.env.BENCH_DEBUG && polls % 10 === 0)
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
    const page = await b.api<{ recipients: { phone: string | null; state: string }[] }>(
      'GET',
      `/api/campaigns/${id}/recipients?limit=1000&offset=${offset}`,
    );
    rows.push(...page.recipients);
    if (page.recipients.length < 1000) break;
  }
  const { stats } = cap$;
  const sim = b.local.sims.meta.state;
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
  const vsCap = (ms: number) => (stats.withinCapAt.length * 1000) / Math.max(1, ms) / cap;
  return {
    label: faults ? 'faults' : 'clean',
    recipients: n,
    elapsedMs,
    wallMs,
    requests: stats.requests,
    withinCap: stats.withinCapAt.length,
    accepted: sim.sent.length,
    capRejections: stats.capRejections,
    injected: stats.injected,
    rateVsCap: vsCap(elapsedMs),
    steadyVsCap: steadyRate(stats.withinCapAt) / cap,
    duplicates,
    lost,
    states,
  };
}

/**
 * Baseline, same session and same capped simulator over HTTP: the Meta adapter and an in-memory token bucket at the
 * cap in this Node process, 64 sends in flight, no Worker, queue, D1 or Durable Object. It shares this process's
 * one thread with the simulator, so it shows what the simulator serves to a bare client on this machine.
 */
async function baseline(b: Bench, run: number): Promise<BaselineRun> {
  const { cap$, n, cap } = b;
  cap$.reset();
  const limiter = new MemorySendLimiter();
  const adapter = createMetaAdapter({
    credentials: { ...b.local.sims.meta.config, apiVersion: 'v23.0' },
    http: { baseUrl: `${b.local.urls.simulator}/meta`, timeoutMs: 10_000 },
  });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const wait = await limiter.reserve('baseline', cap);
      const until = Date.now() + wait;
      for (let left = wait; left > 0; left = until - Date.now())
        await new Promise((r) => setTimeout(r, left));
      await adapter
        .send({ reference: `b${i}`, to: phone(run, i), content: { type: 'text', text: `Hi ${i}` } })
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const { stats } = cap$;
  const perSecond = (stats.withinCapAt.length * 1000) / Math.max(1, stats.lastAt - stats.firstAt);
  return { rateVsCap: perSecond / cap, steadyVsCap: steadyRate(stats.withinCapAt) / cap };
}

/** The app's admin API in local mode, as the seeded HighLevel location's admin: JSON in and out, non-2xx throws. */
export async function localAdminApi(local: LocalMode): Promise<Bench['api']> {
  const token = await local.session({
    installationId: local.seed.highlevel.installation.id,
    crm: 'highlevel',
    role: 'admin',
    userId: 'bench-admin',
  });
  return async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${local.urls.app}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
}

/** Makes the seeded Meta number ready for a campaign: its templates synced; returns the APPROVED ones. */
export async function approvedMetaTemplates(api: Bench['api'], connectionId: string) {
  // The demo portfolio's messaging limit (250 new customers a day, as Meta reports it) would refuse the campaign.
  await api('PUT', `/api/connections/${connectionId}/messaging-limit`, { messagingTier: 10_000_000 });
  await api('POST', '/api/templates/sync', { connectionId });
  const { templates } = await api<{
    templates: { id: string; name: string; status: string; variables: { key: string }[] }[];
  }>('GET', `/api/templates?connectionId=${connectionId}&status=APPROVED`);
  return templates;
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
    const api = await localAdminApi(local);
    const templates = await approvedMetaTemplates(api, meta.id);
    const template =
      templates.find((t) => t.name === 'appointment_reminder') ??
      templates.find((t) => t.status === 'APPROVED');
    if (!template) throw new Error('no APPROVED Meta template after sync');
    const bench: Bench = {
      local,
      cap$: installCap(local, cap),
      n,
      cap,
      connectionId: meta.id,
      template,
      api,
    };

    const runs: LocalCampaignRun[] = [];
    const baselines: BaselineRun[] = [];
    for (let rep = 0; rep < reps; rep++) {
      runs.push(await runCampaign(bench, 3 * rep + 1));
      console.error(JSON.stringify(runs.at(-1)));
      runs.push(await runCampaign(bench, 3 * rep + 2, FAULTS));
      console.error(JSON.stringify(runs.at(-1)));
      baselines.push(await baseline(bench, 3 * rep + 3));
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
  const baseRate = median(r.baselines.map((b) => b.rateVsCap));
  const row = (label: string, x: LocalCampaignRun) =>
    `| ${label} | **${f(x.rateVsCap)}** | ${f(x.steadyVsCap)} | ` +
    `${f(x.rateVsCap / baseRate)} | ${x.withinCap} | ${x.accepted} | ${x.capRejections} | ${x.injected} | ` +
    `${f(x.elapsedMs / 1000)} s | ${f(x.wallMs / 1000)} s | ${x.duplicates} | ${x.lost} |`;
  const medianRow = (label: LocalCampaignRun['label']) => {
    const of = r.runs.filter((x) => x.label === label);
    const pick = (g: (x: LocalCampaignRun) => number) => median(of.map(g));
    return row(`**median, ${label}**`, {
      ...of[0]!,
      rateVsCap: pick((x) => x.rateVsCap),
      steadyVsCap: pick((x) => x.steadyVsCap),
      withinCap: pick((x) => x.withinCap),
      accepted: pick((x) => x.accepted),
      capRejections: pick((x) => x.capRejections),
      injected: pick((x) => x.injected),
      elapsedMs: pick((x) => x.elapsedMs),
      wallMs: pick((x) => x.wallMs),
      duplicates: Math.max(...of.map((x) => x.duplicates)),
      lost: Math.max(...of.map((x) => x.lost)),
    });
  };
  return [
    `${r.runs[0]?.recipients.toLocaleString('en')} recipients, Meta simulator capped at ${r.cap} msg/s over HTTP ` +
      `(token bucket, 1 s burst, 130429 over it); each campaign created, run and read back through local mode ` +
      `(wrangler's dev engine: queue consumers, local D1, \`SendLimiterObject\`), clean and with ≈ 5 % injected ` +
      `5xx/429; ${r.baselines.length} repetition(s). Baseline in the same session: the Meta adapter and an ` +
      `in-memory bucket in Node against the same simulator, median ${f(baseRate)} of cap.`,
    '',
    '| run | **achieved ÷ cap** | steady (p10–p90) ÷ cap | vs baseline | sends within cap | accepted | 130429 (cap) | injected | first → last send | created → completed | duplicates | lost |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x, i) => row(`${Math.floor(i / 2) + 1} ${x.label}`, x)),
    medianRow('clean'),
    medianRow('faults'),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(campaignLocalModeMarkdown(await benchCampaignLocalMode()));
}
