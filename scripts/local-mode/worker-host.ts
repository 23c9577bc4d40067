// Hosts the Worker for local mode with wrangler's programmatic dev API (`unstable_startWorker`, the engine behind
// `wrangler dev`: same bundling, workerd, local D1, Queues, Durable Objects, cron), in a child process of its own.
// Why not the `wrangler dev` command: it always attaches wrangler's DevTools inspector proxy, which enables the
// runtime's Network domain and posts a debug log to wrangler's Node process for every event it receives. At a
// campaign's ~1,000 outbound fetches/s that took half a core and left one socket per event in CLOSE_WAIT inside
// workerd until it failed with "Too many open files" (docs/BENCHMARKS.md). Here the inspector is off unless a
// port is given for it (`INSPECTOR_PORT=9229 npm run dev`).
// Options arrive as JSON in WABRIDGE_WORKER_HOST; the parent polls /healthz to know the Worker answers.
import path from 'node:path';
import { unstable_startWorker } from 'wrangler';

export interface WorkerHostOptions {
  repoRoot: string;
  host: string;
  port: number;
  /** DevTools inspector port; absent = no inspector. */
  inspectorPort?: number;
  persistTo: string;
  /** Vars file replacing .dev.vars. */
  envFile?: string;
  /** Worker entry overriding wrangler.toml's `main`. */
  entry?: string;
  /** Rebuild and reload on source changes (npm run dev). */
  watch: boolean;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.WABRIDGE_WORKER_HOST ?? '') as WorkerHostOptions;
  const worker = await unstable_startWorker({
    config: path.join(options.repoRoot, 'wrangler.toml'),
    sendMetrics: false,
    ...(options.entry ? { entrypoint: path.resolve(options.repoRoot, options.entry) } : {}),
    ...(options.envFile ? { envFiles: [options.envFile] } : {}),
    dev: {
      remote: false,
      server: { hostname: options.host, port: options.port },
      inspector:
        options.inspectorPort === undefined ? false : { hostname: options.host, port: options.inspectorPort },
      persist: options.persistTo,
      watch: options.watch,
      liveReload: false,
      // GET /__scheduled?cron=… runs the scheduled handler (the outbox sweep in crash-recovery tests and bench).
      testScheduled: true,
      logLevel: 'info',
    },
  });
  await worker.ready;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void worker.dispose().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent's end of our stdin closes when it goes away without signalling: leave with it.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
