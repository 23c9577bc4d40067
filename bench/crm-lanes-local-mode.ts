// People before bulk, in local mode (issue 17 finding 1): while a campaign's CRM logs stream into the demo HighLevel
// location (its 10,000 logs need ~50,000 HighLevel calls at 8/s, about 100 minutes), recipients answer and the
// time from their signed webhook to the message in the HighLevel thread is measured; tenant B (the demo Pipedrive
// company, Twilio number) writes meanwhile. Both against an idle run in the same session, same local mode.
// Everything runs in workerd (queue consumers, local D1, the SendLimiterObject); the simulators are in this process,
// over HTTP on loopback, so arrival is read from their state (polled every 20 ms).
//   node --import tsx bench/crm-lanes-local-mode.ts
// Knobs (env): BENCH_LANES_RECIPIENTS (10000), BENCH_LANES_SECONDS (240: the measured window during the campaign),
// BENCH_LANES_RATE (80 msg/s: the campaign's sending), BENCH_LANES_IDLE (20 replies per tenant), BENCH_DEBUG=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalMode, type LocalMode } from '../scripts/local-mode/index';
import { approvedMetaTemplates, localAdminApi, setRate } from './campaign-local-mode';

const N = Number(process.env.BENCH_LANES_RECIPIENTS ?? 10_000);
const WINDOW_S = Number(process.env.BENCH_LANES_SECONDS ?? 240);
/** The campaign number's send rate: Meta's default throughput (80 msg/s), as a real number starts. */
const RATE = Number(process.env.BENCH_LANES_RATE ?? 80);
const IDLE = Number(process.env.BENCH_LANES_IDLE ?? 20);
/** A reply not in the CRM after this long counts as this long (and is reported as missing). */
const GIVE_UP_MS = 180_000;
const debug = (...args: unknown[]) => process.env.BENCH_DEBUG && console.error(...args);

export interface Latencies {
  n: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
}

export interface CrmLanesResult {
  recipients: number;
  rate: number;
  windowS: number;
  idleA: Latencies;
  idleB: Latencies;
  busyA: Latencies;
  busyB: Latencies;
  /** The same, split: replies written while the campaign was still sending (its sends share workerd with them). */
  sendingA: Latencies;
  sendingB: Latencies;
  loggingA: Latencies;
  loggingB: Latencies;
  /** Campaign logs that reached HighLevel before / during the window, and duplicates among all of them. */
  logsBefore: number;
  logsDuring: number;
  duplicates: number;
  campaignSent: number;
  load: { before: number[]; after: number[] };
}

function stats(values: number[], missing: number): Latencies {
  const s = [...values].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
  return { n: s.length, p50: rank(0.5), p99: rank(0.99), max: s.at(-1) ?? Number.NaN, missing };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const phone = (i: number) => `+4479${String(30_000_000 + i).padStart(8, '0')}`;

/**
 * BENCH_LANES_TRACE=1: where a reply's time goes. For each customer, when the app acknowledged the webhook and when
 * the CRM simulator saw the first request naming the customer's phone (the CRM job's first call, after its queue
 * wait and its pacing): webhook = ack − post, queue = first CRM call − ack, crm = in the CRM − first CRM call.
 */
const TRACE = process.env.BENCH_LANES_TRACE === '1';
const posted = new Map<string, number>();
const acked = new Map<string, number>();
const firstCrmCall = new Map<string, number>();
function traceCrmCalls(local: LocalMode): void {
  const seenAt = (request: Request) => {
    const at = performance.now();
    void request
      .clone()
      .text()
      .then((body) => {
        for (const m of `${decodeURIComponent(request.url)} ${body}`.matchAll(/\+?(4479\d{8})/g))
          if (!firstCrmCall.has(m[1]!) && (posted.get(m[1]!) ?? Infinity) < at) firstCrmCall.set(m[1]!, at);
      });
    return false;
  };
  const always = { match: seenAt, times: Number.POSITIVE_INFINITY };
  local.sims.highlevel.faults.add(always);
  local.sims.pipedrive.faults.add(always);
}

class Probe {
  private waiting: { found: () => boolean; resolve: (ms: number) => void; t0: number }[] = [];
  private timer = setInterval(() => this.poll(), 20);
  constructor(private readonly local: LocalMode) {}
  private poll() {
    const now = performance.now();
    for (const w of [...this.waiting]) {
      if (w.found() || now - w.t0 > GIVE_UP_MS) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        w.resolve(w.found() ? now - w.t0 : Number.POSITIVE_INFINITY);
      }
    }
  }
  /** A customer writes through the simulator's control (signed webhook to the app); resolves with ms until in the CRM. */
  async write(tenant: 'A' | 'B', from: string, text: string): Promise<number> {
    const { local } = this;
    const t0 = performance.now();
    if (TRACE) posted.set(from.replace(/^\+/, ''), t0);
    const arrived = new Promise<number>((resolve) =>
      this.waiting.push({
        t0,
        resolve,
        found:
          tenant === 'A'
            ? () => hasHighLevelMessage(local, text)
            : () => [...local.sims.pipedrive.state.notes.values()].some((n) => n.content.includes(text)),
      }),
    );
    const body =
      tenant === 'A'
        ? { provider: 'meta', from, text }
        : { provider: 'twilio', connectionId: local.seed.pipedrive.connection.id, from, text };
    const res = await fetch(`${local.urls.simulator}/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { delivered?: { status: number } };
    if (TRACE) acked.set(from.replace(/^\+/, ''), performance.now() - t0);
    if (answer.delivered?.status !== 200) throw new Error(`inbound not accepted: ${JSON.stringify(answer)}`);
    return arrived;
  }
  stop() {
    clearInterval(this.timer);
  }
}

/** Text index of HighLevel messages, refreshed as the map grows (10,000+ entries are scanned once, not per poll). */
const seen = new WeakMap<LocalMode, { size: number; texts: Set<string> }>();
function hasHighLevelMessage(local: LocalMode, text: string): boolean {
  const messages = local.sims.highlevel.state.messages;
  let index = seen.get(local);
  if (!index || index.size !== messages.size) {
    index = { size: messages.size, texts: new Set([...messages.values()].map((m) => m.message)) };
    seen.set(local, index);
  }
  return index.texts.has(text);
}

/** Campaign logs in HighLevel: outbound messages carrying our altId; duplicates = altIds seen more than once. */
function campaignLogs(local: LocalMode, inbound: Set<string>): { logs: number; duplicates: number } {
  const byAlt = new Map<string, number>();
  for (const m of local.sims.highlevel.state.messages.values())
    if (m.direction === 'outbound' && m.altId && !inbound.has(m.message))
      byAlt.set(m.altId, (byAlt.get(m.altId) ?? 0) + 1);
  let duplicates = 0;
  for (const c of byAlt.values()) duplicates += Math.max(0, c - 1);
  return { logs: byAlt.size, duplicates };
}

async function measureIdle(probe: Probe, tag: string, count: number) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < count; i++) {
    a.push(await probe.write('A', phone(900_000 + i), `${tag} A ${i}`));
    b.push(await probe.write('B', phone(950_000 + i), `${tag} B ${i}`));
    await sleep(250);
  }
  return { a, b };
}

export async function benchCrmLanes(n = N, windowS = WINDOW_S): Promise<CrmLanesResult> {
  const persistTo = mkdtempSync(path.join(tmpdir(), 'wabridge-bench-lanes-'));
  const local = await startLocalMode({
    isolated: true,
    persistTo,
    appPort: 0,
    simPort: 0,
    stdio: process.env.BENCH_DEBUG ? 'inherit' : 'pipe',
  });
  const probe = new Probe(local);
  if (TRACE) traceCrmCalls(local);
  try {
    const meta = local.seed.highlevel.connections.meta;
    // The window covers the campaign's sending (≈ 125 s at 80 msg/s) and then its logging alone.
    setRate(persistTo, meta.id, RATE);
    const api = await localAdminApi(local);
    const templates = await approvedMetaTemplates(api, meta.id);
    const template = templates.find((t) => t.name === 'appointment_reminder') ?? templates[0];
    if (!template) throw new Error('no APPROVED Meta template after sync');

    await measureIdle(probe, 'warm-up', 3);
    const idle = await measureIdle(probe, 'idle', IDLE);
    debug('idle', JSON.stringify(idle));
    const loadBefore = loadavg();

    const created = await api<{ campaign: { id: string } }>('POST', '/api/campaigns', {
      connectionId: meta.id,
      templateId: template.id,
      name: 'bench lanes',
      recipients: Array.from({ length: n }, (_, i) => ({
        phone: phone(i),
        variables: Object.fromEntries(template.variables.map((v, k) => [v.key, k ? `C${i}` : 'Anna'])),
      })),
    });
    const inboundTexts = new Set<string>();
    // The window opens once the campaign's logs are reaching HighLevel.
    const opened = Date.now();
    while (campaignLogs(local, inboundTexts).logs < 20) {
      if (Date.now() - opened > 600_000) throw new Error('campaign logs never reached HighLevel');
      await sleep(500);
    }
    const logsBefore = campaignLogs(local, inboundTexts).logs;
    debug('window opens, logs so far', logsBefore);
    const busyA: Promise<number>[] = [];
    const busyB: Promise<number>[] = [];
    const sending: boolean[] = [];
    const busyPhones: { a: string; b: string }[] = [];
    for (let s = 0; s < windowS; s += 2) {
      sending.push(local.sims.meta.state.sent.length < n);
      // A recipient of the campaign answers (tenant A), and a customer of tenant B writes.
      const textA = `answer ${s}`;
      inboundTexts.add(textA);
      busyA.push(probe.write('A', phone((s * 37) % n), textA));
      busyB.push(probe.write('B', phone(980_000 + s), `busy B ${s}`));
      busyPhones.push({ a: phone((s * 37) % n).slice(1), b: phone(980_000 + s).slice(1) });
      await sleep(2_000);
    }
    // Logs that landed during the window itself (the replies' last answers may come in after it).
    const after = campaignLogs(local, inboundTexts);
    const a = await Promise.all(busyA);
    const b = await Promise.all(busyB);
    const progress = await api<{ progress: { counts?: { sent?: number } } }>(
      'GET',
      `/api/campaigns/${created.campaign.id}`,
    );
    if (TRACE) printTrace(busyPhones, a, b, sending);
    const finite = (xs: number[]) => xs.filter(Number.isFinite);
    const part = (xs: number[], whileSending: boolean) => {
      const mine = xs.filter((_, i) => sending[i] === whileSending);
      return stats(finite(mine), mine.length - finite(mine).length);
    };
    return {
      sendingA: part(a, true),
      sendingB: part(b, true),
      loggingA: part(a, false),
      loggingB: part(b, false),
      recipients: n,
      rate: RATE,
      windowS,
      idleA: stats(idle.a, 0),
      idleB: stats(idle.b, 0),
      busyA: stats(finite(a), a.length - finite(a).length),
      busyB: stats(finite(b), b.length - finite(b).length),
      logsBefore,
      logsDuring: after.logs - logsBefore,
      duplicates: after.duplicates,
      campaignSent: progress.progress.counts?.sent ?? Number.NaN,
      load: { before: loadBefore, after: loadavg() },
    };
  } finally {
    probe.stop();
    await local.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

function printTrace(phones: { a: string; b: string }[], a: number[], b: number[], sending: boolean[]): void {
  const q = (xs: number[], p: number) => {
    const sorted = xs.filter(Number.isFinite).sort((x, y) => x - y);
    return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  };
  for (const tenant of ['a', 'b'] as const) {
    for (const phase of [true, false]) {
      const parts = {
        webhook: [] as number[],
        queue: [] as number[],
        crm: [] as number[],
        total: [] as number[],
      };
      phones.forEach((p, i) => {
        if (sending[i] !== phase) return;
        const key = p[tenant];
        const t0 = posted.get(key);
        const ack = acked.get(key);
        const first = firstCrmCall.get(key);
        const total = (tenant === 'a' ? a : b)[i]!;
        if (t0 === undefined || ack === undefined || first === undefined) return;
        parts.webhook.push(ack);
        parts.queue.push(first - t0 - ack);
        parts.crm.push(total - (first - t0));
        parts.total.push(total);
      });
      const f = (xs: number[]) =>
        `p50 ${(q(xs, 0.5) / 1000).toFixed(2)} s, p99 ${(q(xs, 0.99) / 1000).toFixed(2)} s`;
      console.error(
        `trace ${tenant.toUpperCase()} ${phase ? 'sending' : 'logging'} (n=${parts.total.length}): ` +
          `webhook ${f(parts.webhook)} | queue ${f(parts.queue)} | crm ${f(parts.crm)} | total ${f(parts.total)}`,
      );
    }
  }
}

export function crmLanesMarkdown(r: CrmLanesResult): string {
  const s = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)}`);
  const row = (label: string, x: Latencies, idle: Latencies) =>
    `| ${label} | ${x.n} | ${s(x.p50)} s | **${s(x.p99)} s** | ${s(x.max)} s | ${x.missing} | ` +
    `${x.n ? (x.p50 / idle.p50).toFixed(2) : '–'}× | ${x.n ? (x.p99 / idle.p99).toFixed(2) : '–'}× |`;
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  return [
    `Local mode (workerd via wrangler's dev engine: queue consumers, local D1, \`SendLimiterObject\`), simulators ` +
      `over HTTP in the bench process. A ${r.recipients.toLocaleString('en')}-recipient campaign on the demo ` +
      `HighLevel location's Meta number, sending at ${r.rate} msg/s; its CRM logs stream into HighLevel at the location's pace (8 requests/s, ` +
      `5 per new contact: the whole log takes ~${Math.round((r.recipients * 5) / 8 / 60)} min). For ${r.windowS} s of ` +
      `that, a recipient answers every 2 s (signed Meta webhook → message in the HighLevel thread) and a customer ` +
      `of tenant B (the demo Pipedrive company, Twilio number) writes every 2 s (→ note in Pipedrive). Idle: the ` +
      `same, one at a time, before the campaign, in the same session. Times from the webhook POST to the record in ` +
      `the CRM simulator (polled every 20 ms).`,
    '',
    '| run | replies | p50 | **p99** | max | not arrived | p50 vs idle | p99 vs idle |',
    '|---|---|---|---|---|---|---|---|',
    row('tenant A idle → HighLevel', r.idleA, r.idleA),
    row('tenant A during the campaign → HighLevel', r.busyA, r.idleA),
    row('… of which while it was still sending', r.sendingA, r.idleA),
    row('… of which while it was only logging', r.loggingA, r.idleA),
    row('tenant B idle → Pipedrive', r.idleB, r.idleB),
    row('tenant B during A’s campaign → Pipedrive', r.busyB, r.idleB),
    row('… of which while A’s campaign was still sending', r.sendingB, r.idleB),
    row('… of which while A’s campaign was only logging', r.loggingB, r.idleB),
    '',
    `The campaign's own sends (${r.rate} msg/s) run in the same workerd process as everything ` +
      `else, so replies written while it was still sending share the runtime's thread with it; those written ` +
      `after share only the CRM account. ` +
      `Campaign: ${r.campaignSent.toLocaleString('en')} sent by the end of the window; ${r.logsBefore} logs in ` +
      `HighLevel when the window opened, ${r.logsDuring} more during it (${(r.logsDuring / r.windowS).toFixed(2)} ` +
      `logs/s while people's messages took precedence), ${r.duplicates} duplicates. The rest of the logs were still ` +
      `queued when the bench stopped local mode (exactly-once to the end: test/integration/crm-lanes.test.ts). ` +
      `Load average (1/5/15 min) before the campaign ${load(r.load.before)}, after the window ${load(r.load.after)}.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchCrmLanes();
  console.error(JSON.stringify(result));
  console.log(crmLanesMarkdown(result));
}
