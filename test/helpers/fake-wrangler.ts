// A recorded fake of the wrangler CLI for the Cloudflare scripts (scripts/cloudflare/wrangler.ts): an in-memory
// account (D1 databases, queues, Workers with their secrets) answering the commands the scripts run, with the
// output shapes of wrangler 4.86 (`d1 list --json`, `queues info`, `secret list` JSON, the "Worker not
// found" error). Every call is recorded; an unknown command fails the test instead of guessing.
import type { Wrangler, WranglerCall, WranglerResult } from '../../scripts/cloudflare/wrangler';

export interface RecordedCall {
  args: string[];
  /** Names in a `secret bulk` stdin (never the values, so assertions can print calls safely). */
  inputKeys?: string[];
}

const ok = (stdout = ''): WranglerResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string): WranglerResult => ({ code: 1, stdout: '', stderr });

export class FakeWrangler implements Wrangler {
  readonly calls: RecordedCall[] = [];
  readonly databases: { uuid: string; name: string }[] = [];
  readonly queues: string[] = [];
  /** Worker secrets per environment (a Worker exists once it has secrets or a deployment). */
  readonly workers = new Map<string, { secrets: Map<string, string>; deployments: number }>();
  readonly migrationsApplied: string[] = [];

  constructor(private readonly workerPrefix = 'wabridge') {}

  /** The calls as command lines, for exact assertions. */
  commands(): string[] {
    return this.calls.map((c) => c.args.join(' '));
  }

  secrets(env: string): Record<string, string> {
    return Object.fromEntries(this.workers.get(env)?.secrets ?? []);
  }

  private worker(env: string) {
    let worker = this.workers.get(env);
    if (!worker) this.workers.set(env, (worker = { secrets: new Map(), deployments: 0 }));
    return worker;
  }

  async run(args: string[], call: WranglerCall = {}): Promise<WranglerResult> {
    const recorded: RecordedCall = { args: [...args] };
    this.calls.push(recorded);
    const flag = (name: string) => {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const env = flag('--env') ?? '';
    const firstFlag = args.findIndex((a) => a.startsWith('--'));
    const cmd = (firstFlag < 0 ? args : args.slice(0, firstFlag)).slice(0, 2).join(' ');
    switch (cmd) {
      case 'd1 list':
        return ok(JSON.stringify(this.databases.map((d) => ({ ...d, created_at: '2026-12-04T20:00:00Z' }))));
      case 'd1 create': {
        const name = args[2]!;
        if (this.databases.some((d) => d.name === name))
          return fail(`A database with name ${name} already exists`);
        const uuid = `00000000-0000-4000-8000-${String(this.databases.length + 1).padStart(12, '0')}`;
        this.databases.push({ uuid, name });
        return ok(
          `✅ Successfully created DB '${name}'\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${name}"\ndatabase_id = "${uuid}"\n`,
        );
      }
      case 'queues info': {
        const name = args[2]!;
        if (!this.queues.includes(name))
          return fail(
            `✘ [ERROR] Queue "${name}" does not exist. To create it, run: wrangler queues create ${name}`,
          );
        return ok(
          `Queue Name: ${name}\nQueue ID: q${this.queues.indexOf(name)}\nCreated On: 2026-12-04T20:00:00Z`,
        );
      }
      case 'queues create': {
        const name = args[2]!;
        if (this.queues.includes(name)) return fail(`Queue name "${name}" is already taken [code: 11009]`);
        this.queues.push(name);
        return ok(`🌀 Creating queue '${name}'\n✅ Created queue '${name}'.`);
      }
      case 'secret list': {
        const worker = this.workers.get(env);
        if (!worker)
          return fail(
            `✘ [ERROR] Worker "${this.workerPrefix}-${env}" (env: ${env}) not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`,
          );
        return ok(
          JSON.stringify(
            [...worker.secrets.keys()].map((name) => ({ name, type: 'secret_text' })),
            null,
            '  ',
          ),
        );
      }
      case 'secret bulk': {
        const values = JSON.parse(call.input ?? '{}') as Record<string, string>;
        recorded.inputKeys = Object.keys(values);
        const worker = this.worker(env);
        for (const [name, value] of Object.entries(values)) worker.secrets.set(name, value);
        return ok(`✨ ${recorded.inputKeys.length} secrets successfully uploaded`);
      }
      case 'secret delete': {
        const name = args[2]!;
        this.workers.get(env)?.secrets.delete(name);
        return ok(`✨ Success! Deleted secret ${name}`);
      }
      case 'd1 migrations':
        if (args[2] !== 'apply' || !args.includes('--remote')) break;
        this.migrationsApplied.push(env);
        return ok('🚣 Executed 7 migrations');
      case 'deploy':
        if (args.includes('--dry-run')) return ok('--dry-run: exiting now.');
        this.worker(env).deployments++;
        return ok(
          `Deployed ${this.workerPrefix}-${env} triggers\n  https://${this.workerPrefix}-${env}.acme.workers.dev`,
        );
    }
    return fail(`fake wrangler: no recording for "wrangler ${args.join(' ')}"`);
  }
}
