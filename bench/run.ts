// `npm run bench`: bulk campaign throughput against a capped simulator (DESIGN.md §8) and the Worker bundle size.
// Prints a Markdown report and rewrites the campaign block of docs/BENCHMARKS.md between its markers.
// Knobs (env): BENCH_RECIPIENTS (10000), BENCH_CAP (1000 msg/s), BENCH_REPS (3), BENCH_CONSUMERS (8),
// BENCH_WRITE=0 to leave docs/BENCHMARKS.md alone, BENCH_ONLY=campaign | campaign-local | crm-lanes | crash
// for one block.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { campaignTuning } from '../src/services/campaigns/campaign-runner';
import { CampaignBench, type RunResult } from './campaign-bench';
import { benchTemplateSync, templateSyncMarkdown } from './template-sync';

const ROOT = path.resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const CAP = Number(process.env.BENCH_CAP ?? 1_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 8);
const BUNDLE_BUDGET_KB = 150;

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function bundleSize(): { rawKb: number; gzipKb: number; file: string } {
  const outdir = path.join(ROOT, 'dist');
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], { cwd: ROOT, stdio: 'pipe' });
  const file = readdirSync(outdir).find((f) => f.endsWith('.js'))!;
  const bytes = readFileSync(path.join(outdir, file));
  return { file, rawKb: bytes.length / 1024, gzipKb: gzipSync(bytes, { level: 9 }).length / 1024 };
}

interface Summary {
  label: string;
  runs: RunResult[];
}

function summarize(s: Summary, baselineRps: number) {
  const pick = (f: (r: RunResult) => number) => median(s.runs.map(f));
  return {
    label: s.label,
    rps: pick((r) => r.requestsPerSecond),
    rateVsCap: pick((r) => r.requestsPerSecond) / CAP,
    goodput: pick((r) => r.acceptedPerSecond),
    ratio: pick((r) => r.ratio),
    ratioExcl: pick((r) => r.ratioExcludingOrderedPauses),
    vsBaseline: pick((r) => r.requestsPerSecond) / baselineRps,
    elapsed: pick((r) => r.elapsedMs),
    capRejections: pick((r) => r.capRejections),
    injected: pick((r) => r.injected),
    duplicates: Math.max(...s.runs.map((r) => r.duplicates)),
    lost: Math.max(...s.runs.map((r) => r.lost)),
  };
}

/** The campaign inside `wrangler dev` (bench/campaign-local-mode.ts), in its own process like the relay block. */
function campaignLocalMode(): void {
  const block = execFileSync('node', ['--import', 'tsx', path.join(ROOT, 'bench/campaign-local-mode.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  console.log(block);
  writeBlock('campaign-local', block);
}

/** People before bulk during a campaign's CRM logging (bench/crm-lanes-local-mode.ts), its own process. */
function crmLanesLocalMode(): void {
  const block = execFileSync('node', ['--import', 'tsx', path.join(ROOT, 'bench/crm-lanes-local-mode.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  console.log(block);
  writeBlock('crm-lanes', block);
}

/** Crash recovery in local mode (bench/crash-recovery.ts), in its own process like the other local-mode blocks. */
function crashRecovery(): void {
  const block = execFileSync('node', ['--import', 'tsx', path.join(ROOT, 'bench/crash-recovery.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  console.log(block);
  writeBlock('crash-recovery', block);
}

async function main() {
  if (process.env.BENCH_ONLY === 'campaign-local') return campaignLocalMode();
  if (process.env.BENCH_ONLY === 'crm-lanes') return crmLanesLocalMode();
  if (process.env.BENCH_ONLY === 'crash') return crashRecovery();
  // The in-process simulator answers in well under a millisecond, so fewer, larger chains than the
  // production default (which assumes 6 connections per Worker invocation and ~300 ms provider latency).
  campaignTuning.chains = () => CONSUMERS;
  campaignTuning.slice = () => 100;
  campaignTuning.concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const bench = new CampaignBench(CAP, CONSUMERS);
  await bench.setup();
  const baseline: Summary = { label: 'baseline: limiter + adapter, no D1/queue', runs: [] };
  const clean: Summary = { label: 'campaign', runs: [] };
  const faulty: Summary = { label: 'campaign, 5 % injected 5xx/429', runs: [] };
  try {
    for (let rep = 0; rep < REPS; rep++) {
      baseline.runs.push(await bench.baseline(N, CONSUMERS * 16));
      clean.runs.push(await bench.campaign('campaign', N));
      faulty.runs.push(
        await bench.campaign('campaign with faults', N, {
          probability5xx: 0.035,
          burstsAtMs: [3_000, 6_000],
          burstMs: 75,
        }),
      );
      for (const r of [baseline, clean, faulty].map((s) => s.runs.at(-1)!)) console.error(JSON.stringify(r));
    }
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
  await bench.dispose();
  if (process.exitCode) return;
  const base = median(baseline.runs.map((r) => r.requestsPerSecond));
  const rows = [baseline, clean, faulty].map((s) => summarize(s, base));
  const bundle = bundleSize();
  const f = (n: number, d = 2) => n.toFixed(d);
  const table = [
    `Run: ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model.trim()} · ${Math.round(totalmem() / 2 ** 30)} GB · Node ${process.version}`,
    `Setup: ${N.toLocaleString('en')} recipients, simulator cap ${CAP} msg/s (token bucket, 1 s burst, 130429 over it), ` +
      `${REPS} repetitions, medians; local D1 (miniflare, async: test/helpers/local-d1.ts), in-memory queue with ${CONSUMERS} consumers, ` +
      `in-memory token bucket, Meta simulator over msw in the same process, real clock.`,
    '',
    '| run | send requests/s | **achieved ÷ cap** | accepted/s | requests ÷ cap allowance | excl. ordered pauses | vs baseline | 130429 (cap) | injected | duplicates | lost |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${f(r.rps, 0)} | **${f(r.rateVsCap)}** | ${f(r.goodput, 0)} | ${f(r.ratio)} | ${f(r.ratioExcl)} | ${f(r.vsBaseline)} | ${r.capRejections} | ${r.injected} | ${r.duplicates} | ${r.lost} |`,
    ),
    '',
    `Queue jobs that threw and were retried (as Cloudflare Queues would): ${bench.jobErrors}.`,
    '',
    `Worker bundle (\`wrangler deploy --dry-run --outdir dist\`, ${bundle.file}): ${f(bundle.rawKb, 1)} KB raw, ` +
      `**${f(bundle.gzipKb, 1)} KB gzipped** (budget ${BUNDLE_BUDGET_KB} KB: ${bundle.gzipKb <= BUNDLE_BUDGET_KB ? 'within' : 'OVER'}).`,
  ].join('\n');
  console.log(table);
  writeBlock('campaign', table);

  if (process.env.BENCH_ONLY !== 'campaign') {
    const sync = templateSyncMarkdown(await benchTemplateSync());
    console.log(sync);
    writeBlock('template-sync', sync);
    // Its own process: local mode talks to the simulator over real HTTP, which msw (used above) must not intercept.
    const relay = execFileSync('node', ['--import', 'tsx', path.join(ROOT, 'bench/inbound-relay.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    console.log(relay);
    writeBlock('inbound-relay', relay);
    campaignLocalMode();
    crmLanesLocalMode();
    crashRecovery();
  }
}

/** Rewrites the block between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in docs/BENCHMARKS.md. */
function writeBlock(name: string, body: string): void {
  const doc = path.join(ROOT, 'docs/BENCHMARKS.md');
  if (process.env.BENCH_WRITE === '0' || !existsSync(doc)) return;
  const text = readFileSync(doc, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  const stamp = `Run: ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpus()[0]?.model.trim()} · Node ${process.version}`;
  if (i >= 0 && j > i)
    writeFileSync(
      doc,
      `${text.slice(0, i + start.length)}\n${name === 'campaign' ? '' : `${stamp}\n\n`}${body}\n${text.slice(j)}`,
    );
}

await main();
