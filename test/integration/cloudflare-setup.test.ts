// npm run setup:cloudflare and npm run deploy against the recorded fake wrangler (issue 16): the first setup creates
// everything, a second changes nothing, a dry run prints the plan and runs nothing that writes; deploy names a
// missing secret before uploading anything, then migrates, deploys and smoke-tests the app at its origin.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PLACEHOLDER_DATABASE_ID,
  desiredSection,
  readConfig,
  withSection,
} from '../../scripts/cloudflare/config-file';
import { DeployStopped, runDeploy } from '../../scripts/cloudflare/deploy';
import { readSecretsFile } from '../../scripts/cloudflare/secrets-file';
import { GENERATED_SECRETS, runSetup } from '../../scripts/cloudflare/setup';
import { createApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { REQUIRED_SECRETS } from '../../src/services/operations/deployment-health';
import { FakeWrangler } from '../helpers/fake-wrangler';
import { createTestPlatform, REPO_ROOT, type TestPlatform } from '../helpers/platform';

let dir: string;
let configPath: string;
let secretsFile: string;
let lines: string[];
const log = (line: string) => void lines.push(line);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wabridge-cf-'));
  configPath = path.join(dir, 'wrangler.toml');
  copyFileSync(path.join(REPO_ROOT, 'wrangler.toml'), configPath);
  symlinkSync(path.join(REPO_ROOT, 'migrations'), path.join(dir, 'migrations'));
  secretsFile = path.join(dir, '.secrets', 'staging.env');
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 'https://wa-staging.example.org';

/** The top level's queues (producers, consumers, dead-letter queues), renamed for `env`: read here on its own. */
function topLevelQueues(env: string): string[] {
  const top = readConfig(path.join(REPO_ROOT, 'wrangler.toml'));
  const names = [
    ...top.queues.producers!.map((p) => p.queue),
    ...top.queues.consumers!.flatMap((c) => [c.queue, ...(c.dead_letter_queue ? [c.dead_letter_queue] : [])]),
  ];
  return [...new Set(names)].map((name) => `${name}-${env}`);
}
const outsideSection = (text: string, env: string) =>
  text.replace(new RegExp(`# >>> env\\.${env}[\\s\\S]*# <<< env\\.${env}`), '');

describe('setup:cloudflare', () => {
  it('creates the database, the queues and the secrets once, then changes nothing', async () => {
    const wrangler = new FakeWrangler();
    const original = readFileSync(configPath, 'utf8');
    const first = await runSetup({
      wrangler,
      env: 'staging',
      configPath,
      secretsFile,
      vars: { APP_BASE_URL: ORIGIN },
      log,
    });
    expect(wrangler.commands()).toEqual([
      'd1 list --json',
      'd1 create wabridge-staging',
      'd1 list --json',
      ...topLevelQueues('staging').flatMap((q) => [`queues info ${q}`, `queues create ${q}`]),
      'secret list --env staging --format json',
      'secret bulk --env staging',
    ]);
    expect(topLevelQueues('staging')).toEqual(
      expect.arrayContaining(['wabridge-jobs-staging', 'wabridge-crm-staging', 'wabridge-dlq-staging']),
    );
    expect(wrangler.calls.at(-1)!.inputKeys).toEqual(Object.keys(GENERATED_SECRETS));
    expect(wrangler.databases).toEqual([{ uuid: expect.any(String), name: 'wabridge-staging' }]);

    // wrangler.toml: only [env.staging] changed; the top level (local mode) and [env.production] are as they were.
    const written = readFileSync(configPath, 'utf8');
    expect(outsideSection(written, 'staging')).toBe(outsideSection(original, 'staging'));
    const staging = readConfig(configPath, 'staging');
    expect(staging.d1_databases[0]).toMatchObject({
      binding: 'DB',
      database_name: 'wabridge-staging',
      database_id: wrangler.databases[0]!.uuid,
    });
    const top = readConfig(path.join(REPO_ROOT, 'wrangler.toml'));
    expect(staging.queues.producers).toEqual(
      top.queues.producers!.map((p) => ({ ...p, queue: `${p.queue}-staging` })),
    );
    expect(staging.queues.consumers).toEqual(
      top.queues.consumers!.map((c) => ({
        ...c,
        queue: `${c.queue}-staging`,
        ...(c.dead_letter_queue ? { dead_letter_queue: `${c.dead_letter_queue}-staging` } : {}),
      })),
    );
    expect(
      staging.queues.consumers!.find((c) => c.queue === 'wabridge-jobs-staging')!.dead_letter_queue,
    ).toBe('wabridge-dlq-staging');
    expect(staging.durable_objects.bindings).toEqual(top.durable_objects.bindings);
    expect(staging.vars.APP_BASE_URL).toBe(ORIGIN);
    expect(readConfig(configPath).d1_databases[0]!.database_id).toBe(PLACEHOLDER_DATABASE_ID);

    // The generated values: uploaded, kept in a 0600 file, well-formed for src/config.ts.
    const kept = readSecretsFile(secretsFile);
    expect(kept).toEqual(wrangler.secrets('staging'));
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const parsed = parseConfig(kept);
    expect(Object.keys(parsed.invalidSecrets)).toEqual([]);
    expect(Object.keys(parsed.secrets).sort()).toEqual(Object.keys(GENERATED_SECRETS).sort());

    // What is left, with where it comes from.
    expect(first.remaining).toEqual([
      'META_APP_SECRET',
      'HIGHLEVEL_CLIENT_ID',
      'HIGHLEVEL_CLIENT_SECRET',
      'HIGHLEVEL_SHARED_SECRET',
      'PIPEDRIVE_CLIENT_ID',
      'PIPEDRIVE_CLIENT_SECRET',
      'HIGHLEVEL_APP_ID',
      'HIGHLEVEL_CONVERSATION_PROVIDER_ID',
    ]);
    const printed = lines.join('\n');
    expect(printed).toContain('npx wrangler secret put META_APP_SECRET --env staging');
    expect(printed).toContain('App settings → Basic → App secret');
    expect(printed).toContain('Modules → Conversation Providers');
    for (const value of Object.values(kept)) expect(printed).not.toContain(value);

    // Second run: reads only, writes nothing.
    const before = wrangler.calls.length;
    lines = [];
    const second = await runSetup({ wrangler, env: 'staging', configPath, secretsFile, log });
    expect(wrangler.commands().slice(before)).toEqual([
      'd1 list --json',
      ...topLevelQueues('staging').map((q) => `queues info ${q}`),
      'secret list --env staging --format json',
    ]);
    expect(second.changes).toEqual([]);
    expect(readFileSync(configPath, 'utf8')).toBe(written);
    expect(readSecretsFile(secretsFile)).toEqual(kept);
    expect(lines.join('\n')).toContain('nothing to change');
  });

  it('finds what exists already (a database and one queue made by hand) and creates only the rest', async () => {
    const wrangler = new FakeWrangler();
    wrangler.databases.push({ uuid: '11111111-2222-4333-8444-555555555555', name: 'wabridge-staging' });
    wrangler.queues.push('wabridge-dlq-staging');
    await runSetup({ wrangler, env: 'staging', configPath, secretsFile, log });
    expect(wrangler.commands().filter((c) => c.includes('create'))).toEqual(
      topLevelQueues('staging')
        .filter((q) => q !== 'wabridge-dlq-staging')
        .map((q) => `queues create ${q}`),
    );
    expect(readConfig(configPath, 'staging').d1_databases[0]!.database_id).toBe(
      '11111111-2222-4333-8444-555555555555',
    );
  });

  it('--dry-run prints the plan and runs only read commands', async () => {
    const wrangler = new FakeWrangler();
    const original = readFileSync(configPath, 'utf8');
    const result = await runSetup({
      wrangler,
      env: 'production',
      configPath,
      secretsFile,
      dryRun: true,
      log,
    });
    expect(wrangler.commands()).toEqual([
      'd1 list --json',
      ...topLevelQueues('production').map((q) => `queues info ${q}`),
      'secret list --env production --format json',
    ]);
    expect(readFileSync(configPath, 'utf8')).toBe(original);
    expect(readSecretsFile(secretsFile)).toEqual({});
    expect(result.changes).toEqual([
      'create D1 database wabridge-production: wrangler d1 create wabridge-production',
      ...topLevelQueues('production').map((q) => `create queue ${q}: wrangler queues create ${q}`),
      'generate ENCRYPTION_KEY, SESSION_SECRET, OPERATOR_TOKEN, META_VERIFY_TOKEN: wrangler secret bulk --env production (values on stdin)',
    ]);
    expect(lines[0]).toContain('plan (dry run');
    expect(lines).toContain(
      'would create D1 database wabridge-production: wrangler d1 create wabridge-production',
    );
  });
});

describe('wrangler.toml', () => {
  it('has [env.staging] and [env.production] in sync with the top-level bindings', () => {
    // After adding a binding at the top level: node --import tsx scripts/cloudflare/config-file.ts
    const text = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8');
    for (const env of ['staging', 'production'] as const)
      expect(withSection(text, desiredSection(path.join(REPO_ROOT, 'wrangler.toml'), env))).toBe(text);
  });
});

describe('deploy', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform();
  });
  afterAll(async () => t.dispose());

  /** fetch at the deployed origin: the app over the test D1, configured with the fake account's secrets and vars. */
  const deployedFetch =
    (wrangler: FakeWrangler, env: 'staging' | 'production'): typeof fetch =>
    async (input, init) => {
      const url = new URL(String(input));
      expect(url.origin).toBe(ORIGIN);
      const vars = readConfig(configPath, env).vars as Record<string, string>;
      const app = createApp({
        platform: { ...t.platform, config: parseConfig({ ...vars, ...wrangler.secrets(env) }) },
      });
      return app.request(url.pathname, init);
    };

  async function setUp(wrangler: FakeWrangler) {
    await runSetup({
      wrangler,
      env: 'staging',
      configPath,
      secretsFile,
      vars: { APP_BASE_URL: ORIGIN, HIGHLEVEL_APP_ID: 'app-1', HIGHLEVEL_CONVERSATION_PROVIDER_ID: 'prov-1' },
      log,
    });
  }

  it('stops before uploading anything when a secret is missing, and names it', async () => {
    const wrangler = new FakeWrangler();
    await setUp(wrangler);
    const before = wrangler.calls.length;
    const error = await runDeploy({ wrangler, env: 'staging', configPath, secretsFile, log }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeployStopped);
    const message = (error as Error).message;
    for (const name of ['META_APP_SECRET', 'HIGHLEVEL_CLIENT_ID', 'PIPEDRIVE_CLIENT_SECRET'])
      expect(message).toContain(name);
    expect(message).not.toContain('OPERATOR_TOKEN');
    expect(message).toContain('npx wrangler secret put META_APP_SECRET --env staging');
    expect(wrangler.commands().slice(before)).toEqual(['secret list --env staging --format json']);
    expect(wrangler.workers.get('staging')!.deployments).toBe(0);

    // One missing secret is named on its own.
    await wrangler.run(['secret', 'bulk', '--env', 'staging'], {
      input: JSON.stringify(
        Object.fromEntries(
          REQUIRED_SECRETS.filter((n) => n !== 'PIPEDRIVE_CLIENT_ID').map((n) => [
            n,
            readSecretsFile(secretsFile)[n] ?? `${n.toLowerCase()}-value-0123456789`,
          ]),
        ),
      ),
    });
    await expect(runDeploy({ wrangler, env: 'staging', configPath, secretsFile, log })).rejects.toThrow(
      /missing secret PIPEDRIVE_CLIENT_ID\n/,
    );
    expect(wrangler.migrationsApplied).toEqual([]);
  });

  it('refuses an environment without an https origin or a database id', async () => {
    const wrangler = new FakeWrangler();
    await expect(runDeploy({ wrangler, env: 'production', configPath, secretsFile, log })).rejects.toThrow(
      /D1 binding DB has no database id[\s\S]*APP_BASE_URL must be the public https origin/,
    );
    expect(wrangler.calls).toEqual([]);
  });

  it('--dry-run checks, bundles without uploading and prints the plan', async () => {
    const wrangler = new FakeWrangler();
    await setUp(wrangler);
    const before = wrangler.calls.length;
    await runDeploy({
      wrangler,
      env: 'staging',
      configPath,
      secretsFile,
      dryRun: true,
      allowMissing: REQUIRED_SECRETS.filter((n) => !(n in GENERATED_SECRETS)),
      log,
    });
    const commands = wrangler.commands().slice(before);
    expect(commands[0]).toBe('secret list --env staging --format json');
    expect(commands[1]).toMatch(/^deploy --dry-run --env staging --outdir \S+wabridge-deploy-\S+$/);
    expect(commands).toHaveLength(2);
    expect(lines).toContain('would run: wrangler d1 migrations apply DB --remote --env staging');
    expect(lines).toContain('would run: wrangler deploy --env staging');
    expect(wrangler.workers.get('staging')!.deployments).toBe(0);
  });

  it('applies migrations, deploys, and smoke-tests /healthz and the configuration report', async () => {
    const wrangler = new FakeWrangler();
    await setUp(wrangler);
    const vendorSecrets = Object.fromEntries(
      REQUIRED_SECRETS.filter((n) => !(n in GENERATED_SECRETS)).map((n) => [
        n,
        `${n.toLowerCase()}-value-0123456789`,
      ]),
    );
    await wrangler.run(['secret', 'bulk', '--env', 'staging'], { input: JSON.stringify(vendorSecrets) });
    // What `wrangler d1 migrations apply` records: every migration file in d1_migrations.
    const files = migrationFiles();
    await t.db.batch([
      t.db.prepare(
        'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TEXT)',
      ),
      ...files.map((name) =>
        t.db.prepare('INSERT OR IGNORE INTO d1_migrations (name) VALUES (?1)').bind(name),
      ),
    ]);
    const before = wrangler.calls.length;
    await runDeploy({
      wrangler,
      env: 'staging',
      configPath,
      secretsFile,
      fetch: deployedFetch(wrangler, 'staging'),
      log,
    });
    expect(wrangler.commands().slice(before)).toEqual([
      'secret list --env staging --format json',
      'd1 migrations apply DB --remote --env staging',
      'deploy --env staging',
    ]);
    expect(lines).toContain(`${ORIGIN}/healthz ok`);
    expect(lines).toContain('configuration report: complete');
    expect(lines).toContain(`D1 migrations: ${files.at(-1)}`);

    // A Worker that does not see a secret the account lists (e.g. a typo'd env) fails the smoke test by name.
    const blind: typeof fetch = async (input, init) => {
      const { META_APP_SECRET: _hidden, ...visible } = wrangler.secrets('staging');
      const vars = readConfig(configPath, 'staging').vars as Record<string, string>;
      return createApp({ platform: { ...t.platform, config: parseConfig({ ...vars, ...visible }) } }).request(
        new URL(String(input)).pathname,
        init,
      );
    };
    await expect(
      runDeploy({ wrangler, env: 'staging', configPath, secretsFile, fetch: blind, log }),
    ).rejects.toThrow(/does not see META_APP_SECRET/);
  });
});

function migrationFiles(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .sort();
}
