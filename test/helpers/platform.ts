// Test platform: real local D1 (miniflare, reached asynchronously: test/helpers/local-d1.ts says why not
// getPlatformProxy) with the migrations applied, an in-memory job queue and limiter, and a clock the test moves by hand.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { installPhoneMetadataFromFile } from '../../scripts/build-phone-metadata';
import { parseConfig } from '../../src/config';
import type { Platform } from '../../src/context';
import { MemoryJobQueue } from '../../src/platform/queue';
import { MemorySendLimiter } from '../../src/platform/send-limiter';
import { startLocalD1 } from './local-d1';
import { publicDirAssets } from './static-assets';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Fixed test secrets: the D1 dump test greps for these to prove nothing is stored in plaintext. */
export const TEST_SECRETS = {
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SESSION_SECRET: 'test-session-secret-0123456789-abcdefghij',
  META_APP_SECRET: 'meta-app-secret-test',
  META_VERIFY_TOKEN: 'meta-verify-token-test',
  HIGHLEVEL_CLIENT_ID: 'ghl-client-id',
  HIGHLEVEL_CLIENT_SECRET: 'ghl-client-secret-test',
  HIGHLEVEL_SHARED_SECRET: 'ghl-shared-secret-test',
  PIPEDRIVE_CLIENT_ID: 'pd-client-id',
  PIPEDRIVE_CLIENT_SECRET: 'pd-client-secret-test',
  PIPEDRIVE_JWT_SECRET: 'pd-jwt-secret-test',
} as const;

export class TestClock {
  constructor(public current = Date.UTC(2026, 10, 20, 12, 0, 0)) {}
  now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

export const HOUR = 3_600_000;

/** The migration files (migrations/*.sql), in the order they apply. */
export function migrationFiles(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

/** The SQL statements of the given migration files (all of them by default), in order, comments stripped. */
export function migrationStatements(files: string[] = migrationFiles()): string[] {
  return files.flatMap((f) =>
    readFileSync(path.join(REPO_ROOT, 'migrations', f), 'utf8')
      .split('\n')
      .map((line) => line.replace(/--.*$/, ''))
      .join('\n')
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

export interface TestPlatform {
  platform: Platform;
  clock: TestClock;
  queue: MemoryJobQueue;
  limiter: MemorySendLimiter;
  db: D1Database;
  /** A value that must never be stored in plaintext (OAuth tokens, vendor credentials) — checked at dispose. */
  trackSecret(value: string): void;
  /** Every table's rows as one JSON string. */
  dump(): Promise<string>;
  /** Asserts no tracked secret (and no TEST_SECRETS value) is in the D1 dump, then shuts miniflare down. */
  dispose(): Promise<void>;
}

/** Secrets every test platform checks for; vendor simulators' fixed credentials are added by seeds. */
const ALWAYS_SECRET = Object.entries(TEST_SECRETS)
  .filter(([name]) => !name.endsWith('_CLIENT_ID'))
  .map(([, value]) => value);

export async function dumpDatabase(db: D1Database): Promise<string> {
  const { results: tables } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  let dump = '';
  for (const { name } of tables)
    dump += JSON.stringify((await db.prepare(`SELECT * FROM "${name}"`).all()).results);
  return dump;
}

export async function createTestPlatform(
  options: { env?: Record<string, string>; clock?: TestClock } = {},
): Promise<TestPlatform> {
  // What the Worker reads from its static assets at start-up (benches use this platform outside vitest too).
  installPhoneMetadataFromFile();
  const proxy = await startLocalD1();
  const db = proxy.db;
  await db.batch(migrationStatements().map((sql) => db.prepare(sql)));
  const clock = options.clock ?? new TestClock();
  const queue = new MemoryJobQueue(clock.now);
  const limiter = new MemorySendLimiter(clock.now);
  // HIGHLEVEL_APP_ID: the simulator's app id (test/mocks SIM_CRM_CLIENTS), as an operator configures it.
  const config = parseConfig({ HIGHLEVEL_APP_ID: 've9EPM428h8vShlRW1KT', ...TEST_SECRETS, ...options.env });
  const tracked = new Set<string>();
  return {
    platform: {
      config,
      db,
      queue,
      limiter,
      now: clock.now,
      assets: publicDirAssets(path.join(REPO_ROOT, 'public')),
    },
    clock,
    queue,
    limiter,
    db,
    trackSecret: (value: string) => void tracked.add(value),
    dump: () => dumpDatabase(db),
    dispose: async () => {
      try {
        const dump = await dumpDatabase(db);
        const leaked = [...tracked, ...ALWAYS_SECRET].filter(
          (secret) => secret.length >= 8 && dump.includes(secret),
        );
        if (leaked.length)
          throw new Error(
            `Plaintext secret(s) found in D1: ${leaked.map((s) => s.slice(0, 6) + '…').join(', ')}`,
          );
      } finally {
        await proxy.dispose();
      }
    },
  };
}
