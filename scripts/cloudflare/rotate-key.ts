// npm run rotate-key -- --env staging|production [--url https://…]
// Rotates ENCRYPTION_KEY without downtime (docs/DEPLOY.md): phase 1 announces the new key B as ENCRYPTION_KEY_NEXT
// (every version opens it before any seals with it); phase 2 makes B ENCRYPTION_KEY with the old key A as
// ENCRYPTION_KEY_PREVIOUS; POST /admin/reseal re-seals every sealed column under B page by page until a pass after
// the versions settled finds nothing left under A; then the extra keys are deleted. Resumable: the keys are written
// to .secrets/<env>.env before they are uploaded, so an interrupted run continues with the same pair.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ResealPage } from '../../src/services/operations/key-rotation';
import { parseCommon, runMain } from './cli';
import { readConfig, type DeployEnv } from './config-file';
import { readSecretsFile, secretsFilePath, writeSecretsFile } from './secrets-file';
import { listSecretNames } from './setup';
import { REPO_ROOT, localWrangler, wranglerOk, type Wrangler } from './wrangler';

export interface RotateOptions {
  wrangler: Wrangler;
  env: DeployEnv;
  configPath: string;
  secretsFile: string;
  url?: string;
  /** The key in use now; default ENCRYPTION_KEY from the process env, then the secrets file. */
  currentKey?: string;
  operatorToken?: string;
  pageSize?: number;
  /** How long a new version takes to reach every location and old isolates to finish (default 60 s). */
  settleMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export class RotationStopped extends Error {
  override name = 'RotationStopped';
}

export async function runRotation(options: RotateOptions): Promise<{ resealed: number; passes: number }> {
  const { wrangler, env } = options;
  const log = options.log ?? console.log;
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const vars = readConfig(options.configPath, env).vars as Record<string, string | undefined>;
  const origin = (options.url ?? vars.APP_BASE_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(origin))
    throw new RotationStopped('No origin: set APP_BASE_URL or pass --url');
  const file = readSecretsFile(options.secretsFile);
  const token = options.operatorToken ?? process.env.OPERATOR_TOKEN ?? file.OPERATOR_TOKEN;
  if (!token)
    throw new RotationStopped('OPERATOR_TOKEN is needed for /admin/reseal (env var or secrets file)');

  const present = await listSecretNames(wrangler, env);
  if (!present.includes('ENCRYPTION_KEY'))
    throw new RotationStopped(`${env} has no ENCRYPTION_KEY to rotate`);

  const call = async (route: string, init: RequestInit = {}) => {
    const res = await fetchFn(`${origin}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (res.status !== 200) throw new RotationStopped(`${route} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  /** Waits until the Worker at the origin reports `secret` set (the version carrying it serves). */
  const waitFor = async (secret: string) => {
    for (let attempt = 0; ; attempt++) {
      const health = (await call('/admin/health')) as {
        configuration: { secrets: Record<string, { state: string }> };
      };
      if (health.configuration.secrets[secret]?.state === 'set') return;
      if (attempt >= 10)
        throw new RotationStopped(`${secret} did not reach the Worker; run rotate-key again`);
      await sleep(3_000);
    }
  };
  // A new version reaches every location within seconds, not at once; old isolates finish in-flight work.
  const settle = () => sleep(options.settleMs ?? 60_000);

  // The pair is written to the secrets file before anything is uploaded: an interrupted run resumes with it.
  let current: string;
  let next: string;
  const recorded =
    file.ENCRYPTION_KEY_NEXT ?? (file.ENCRYPTION_KEY_PREVIOUS ? file.ENCRYPTION_KEY : undefined);
  if (recorded) {
    next = recorded;
    current = file.ENCRYPTION_KEY_NEXT ? file.ENCRYPTION_KEY! : file.ENCRYPTION_KEY_PREVIOUS!;
    log('resuming the rotation recorded in the secrets file');
  } else {
    if (present.includes('ENCRYPTION_KEY_PREVIOUS') || present.includes('ENCRYPTION_KEY_NEXT'))
      throw new RotationStopped(`${env} has a rotation in progress started elsewhere: finish it there first`);
    const known = options.currentKey ?? process.env.ENCRYPTION_KEY ?? file.ENCRYPTION_KEY;
    if (!known)
      throw new RotationStopped(
        'The current ENCRYPTION_KEY is needed so what it sealed stays readable (ENCRYPTION_KEY=… or the secrets file)',
      );
    current = known;
    next = randomBytes(32).toString('base64');
    writeSecretsFile(
      options.secretsFile,
      { ...file, ENCRYPTION_KEY: current, ENCRYPTION_KEY_NEXT: next },
      env,
    );
  }

  // Phase 1: every version learns to open the new key before any version seals with it.
  if (!file.ENCRYPTION_KEY_PREVIOUS) {
    await wranglerOk(wrangler, ['secret', 'bulk', '--env', env], {
      input: JSON.stringify({ ENCRYPTION_KEY_NEXT: next }),
    });
    log('phase 1: ENCRYPTION_KEY_NEXT uploaded (opens, does not seal yet)');
    await waitFor('ENCRYPTION_KEY_NEXT');
    await settle();
    const { ENCRYPTION_KEY_NEXT: _announced, ...rest } = readSecretsFile(options.secretsFile);
    writeSecretsFile(
      options.secretsFile,
      { ...rest, ENCRYPTION_KEY: next, ENCRYPTION_KEY_PREVIOUS: current },
      env,
    );
  }
  // Phase 2: the new key seals, the old one still opens (every version running now opens both).
  await wranglerOk(wrangler, ['secret', 'bulk', '--env', env], {
    input: JSON.stringify({ ENCRYPTION_KEY: next, ENCRYPTION_KEY_PREVIOUS: current }),
  });
  log('phase 2: the new ENCRYPTION_KEY seals, the old one is ENCRYPTION_KEY_PREVIOUS');
  await waitFor('ENCRYPTION_KEY_PREVIOUS');

  // Passes until one re-seals nothing: a value an old-version isolate sealed under A meanwhile is caught next pass.
  let resealed = 0;
  let passes = 0;
  let settled = false;
  for (;;) {
    passes++;
    let passResealed = 0;
    let cursor: string | null = null;
    do {
      const page = (await call('/admin/reseal', {
        method: 'POST',
        body: JSON.stringify({ cursor, limit: options.pageSize ?? 100 }),
      })) as ResealPage;
      if (page.unreadable.length)
        throw new RotationStopped(
          `Rows no key opens (kept ENCRYPTION_KEY_PREVIOUS): ${page.unreadable
            .map((u) => `${u.table}.${u.column} ${u.id}`)
            .join(', ')}`,
        );
      passResealed += page.resealed;
      cursor = page.cursor;
    } while (cursor !== null);
    resealed += passResealed;
    log(`pass ${passes}: re-sealed ${passResealed}`);
    // Done when a clean pass follows a settle: no phase-1 isolate is left to seal under the old key.
    if (passResealed === 0 && settled) break;
    if (passResealed === 0) {
      await settle();
      settled = true;
      continue;
    }
    settled = false;
    if (passes >= 5)
      throw new RotationStopped('Values keep appearing under the old key; run rotate-key again');
  }

  await wranglerOk(wrangler, ['secret', 'delete', 'ENCRYPTION_KEY_PREVIOUS', '--env', env]);
  if (present.includes('ENCRYPTION_KEY_NEXT') || !file.ENCRYPTION_KEY_PREVIOUS)
    await wranglerOk(wrangler, ['secret', 'delete', 'ENCRYPTION_KEY_NEXT', '--env', env]);
  const {
    ENCRYPTION_KEY_PREVIOUS: _done,
    ENCRYPTION_KEY_NEXT: _next,
    ...rest
  } = readSecretsFile(options.secretsFile);
  writeSecretsFile(options.secretsFile, { ...rest, ENCRYPTION_KEY: next }, env);
  log(
    `done: ${resealed} value(s) re-sealed; ENCRYPTION_KEY_PREVIOUS deleted; the new key is in the secrets file`,
  );
  return { resealed, passes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  runMain(async () => {
    const args = parseCommon(process.argv.slice(2), { url: { type: 'string' } });
    if (args.dryRun)
      throw new Error('rotate-key has no dry run: docs/DEPLOY.md describes each step it takes');
    await runRotation({
      wrangler: localWrangler(),
      env: args.env,
      configPath: path.join(REPO_ROOT, 'wrangler.toml'),
      secretsFile: secretsFilePath(REPO_ROOT, args.env),
      ...(typeof args.values.url === 'string' ? { url: args.values.url } : {}),
    });
    return 0;
  });
}
