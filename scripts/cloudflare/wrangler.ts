// The one door to wrangler for the Cloudflare scripts: every call goes through a `Wrangler`, so tests swap in a
// recorded fake (test/helpers/fake-wrangler.ts) and assert the exact commands; nothing in a test reaches Cloudflare.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js');

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WranglerCall {
  /** Sent on stdin (`secret bulk` reads its JSON there, so secret values never touch a file or argv). */
  input?: string;
  /** Also show wrangler's output as it runs (deploys, migrations). */
  echo?: boolean;
}

export interface Wrangler {
  run(args: string[], call?: WranglerCall): Promise<WranglerResult>;
}

export class WranglerError extends Error {
  constructor(
    readonly args: string[],
    readonly result: WranglerResult,
  ) {
    super(
      `wrangler ${args.join(' ')} failed (exit ${result.code})\n${(result.stderr || result.stdout).trim()}`,
    );
    this.name = 'WranglerError';
  }
}

/** Runs `args`; throws a WranglerError naming the command unless it exits 0. */
export async function wranglerOk(wrangler: Wrangler, args: string[], call?: WranglerCall): Promise<string> {
  const result = await wrangler.run(args, call);
  if (result.code !== 0) throw new WranglerError(args, result);
  return result.stdout;
}

/** The JSON document in wrangler's stdout (a warning or banner line may come before it). */
export function parseJsonOutput<T>(stdout: string): T {
  const start = stdout.search(/^[[{]/m);
  if (start < 0) throw new Error(`wrangler printed no JSON:\n${stdout.slice(0, 500)}`);
  return JSON.parse(stdout.slice(start)) as T;
}

/** The wrangler installed in node_modules, non-interactive (prompts take their defaults), without telemetry. */
export function localWrangler(cwd = REPO_ROOT): Wrangler {
  return {
    run: (args, call = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
          cwd,
          env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          if (call.echo) process.stdout.write(chunk);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (call.echo) process.stderr.write(chunk);
        });
        child.once('error', reject);
        child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(call.input ?? '');
      }),
  };
}
