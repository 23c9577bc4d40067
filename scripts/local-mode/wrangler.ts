// Runs wrangler in child processes: D1 migrations on the local SQLite, then the Worker under wrangler's dev engine
// (worker-host.ts) on loopback.
// Prompt-free and offline: no telemetry, no version check, no confirmation, no interactive dev session.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { WorkerHostOptions } from './worker-host';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js');
const WORKER_HOST = path.join(REPO_ROOT, 'scripts/local-mode/worker-host.ts');

function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    // The banner looks up the latest wrangler version on npm: skipped, local mode stays offline.
    WRANGLER_HIDE_BANNER: 'true',
    // `d1 migrations apply` asks for confirmation unless it believes it runs non-interactively.
    CI: 'true',
    // Miniflare downloads a Request.cf sample from workers.cloudflare.com; local mode stays offline.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    ...extra,
  };
}

/** Output lines of a child, for error messages when it fails while its output was not shown. */
function collect(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n'));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n').trim();
}

export interface WranglerCommon {
  /** wrangler's --persist-to (the directory that holds v3/). */
  persistTo: string;
  /** `inherit` shows wrangler's own output (npm run dev); `pipe` keeps it quiet (tests) but reports it on failure. */
  stdio: 'inherit' | 'pipe';
}

/** `wrangler d1 migrations apply DB --local`: idempotent, records what ran in d1_migrations. */
export async function applyMigrations(options: WranglerCommon): Promise<void> {
  const stdio: StdioOptions = options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'pipe';
  const child = spawn(
    process.execPath,
    [WRANGLER_BIN, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', options.persistTo],
    { cwd: REPO_ROOT, env: wranglerEnv(), stdio },
  );
  const output = collect(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`wrangler d1 migrations apply failed (exit ${code})\n${output()}`);
}

export interface WranglerDevOptions extends WranglerCommon {
  host: string;
  port: number;
  /** DevTools inspector port; absent = no inspector (see worker-host.ts for why that is the default). */
  inspectorPort?: number;
  /** Vars file (replaces .dev.vars); without it wrangler reads .dev.vars. */
  envFile?: string;
  /** Worker entry overriding wrangler.toml's `main`. */
  entry?: string;
  /** Rebuild and reload on source changes. */
  watch?: boolean;
}

export interface WranglerDev {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
  /** SIGKILL of workerd and its host, as a crash would end them: nothing gets to finish (crash-recovery tests). */
  kill(): Promise<void>;
}

/** Every process below `pid` (workerd runs under the host's miniflare), deepest first. */
function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const below = (parent: number): number[] =>
    table.filter(([, ppid]) => ppid === parent).flatMap(([child]) => [...below(child), child]);
  return below(pid);
}

/** The Worker under wrangler's dev engine, in a child process (scripts/local-mode/worker-host.ts). */
export function startWranglerDev(options: WranglerDevOptions): WranglerDev {
  const hostOptions: WorkerHostOptions = {
    repoRoot: REPO_ROOT,
    host: options.host,
    port: options.port,
    persistTo: options.persistTo,
    watch: options.watch ?? false,
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    ...(options.envFile ? { envFile: options.envFile } : {}),
    ...(options.entry ? { entry: options.entry } : {}),
  };
  // Same process group as us: if whoever started us ends the group (a terminal's Ctrl-C, a CI runner), the host
  // goes too; it disposes its workerd on SIGTERM/SIGINT, and when our end of its stdin closes.
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_HOST], {
    cwd: REPO_ROOT,
    env: wranglerEnv({ CI: 'false', WABRIDGE_WORKER_HOST: JSON.stringify(hostOptions) }),
    stdio: options.stdio === 'inherit' ? ['pipe', 'inherit', 'inherit'] : 'pipe',
  });
  const output = collect(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  // Whatever ends this process (an uncaught error, process.exit in a signal handler), the host must not outlive it.
  const onExit = () => signal('SIGTERM');
  process.once('exit', onExit);
  return {
    child,
    output,
    async stop() {
      process.off('exit', onExit);
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      process.off('exit', onExit);
      for (const pid of child.pid === undefined ? [] : descendantsOf(child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      signal('SIGKILL');
      await exited;
    },
  };
}

/** Polls `url` until it answers 200, the child exits, or the time is up. */
export async function waitForHealthy(url: string, dev: WranglerDev, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dev.child.exitCode !== null || dev.child.signalCode !== null) {
      throw new Error(
        `the Worker host exited (${dev.child.exitCode ?? dev.child.signalCode})\n${dev.output()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms\n${dev.output()}`);
}

/** A port that was free a moment ago on `host` (for tests that run next to a developer's npm run dev). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
