// npm run rotate-key -- --env staging|production [--url https://…]
// Rotates ENCRYPTION_KEY without downtime (docs/DEPLOY.md): the new key B and the old key A are uploaded together
// (B seals, A still opens), POST /admin/reseal re-seals every sealed column under B page by page until a whole pass
// finds nothing left under A, then ENCRYPTION_KEY_PREVIOUS is deleted. Resumable: the keys are written to
// .secrets/<env>.env before they are uploaded, so an interrupted run continues with the same pair.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ResealPage } from '../../src/services/key-rotation';
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
  let next: string;
  let previous: string;
  if (file.ENCRYPTION_KEY_PREVIOUS && file.ENCRYPTION_KEY) {
    // An interrupted rotation: the same pair again (uploading it twice is harmless).
    next = file.ENCRYPTION_KEY;
    previous = file.ENCRYPTION_KEY_PREVIOUS;
    log('resuming the rotation recorded in the secrets file');
  } else {
    if (present.includes('ENCRYPTION_KEY_PREVIOUS'))
      throw new RotationStopped(
        `${env} already has ENCRYPTION_KEY_PREVIOUS (a rotation started elsewhere): finish it there first`,
      );
    const current = options.currentKey ?? process.env.ENCRYPTION_KEY ?? file.ENCRYPTION_KEY;
    if (!current)
      throw new RotationStopped(
        'The current ENCRYPTION_KEY is needed so what it sealed stays readable (ENCRYPTION_KEY=… or the secrets file)',
      );
    previous = current;
    next = randomBytes(32).toString('base64');
    writeSecretsFile(
      options.secretsFile,
      { ...file, ENCRYPTION_KEY: next, ENCRYPTION_KEY_PREVIOUS: previous },
      env,
    );
  }
  await wranglerOk(wrangler, ['secret', 'bulk', '--env', env], {
    input: JSON.stringify({ ENCRYPTION_KEY: next, ENCRYPTION_KEY_PREVIOUS: previous }),
  });
  log('uploaded the new ENCRYPTION_KEY with the old one as ENCRYPTION_KEY_PREVIOUS');

  const call = async (route: string, init: RequestInit = {}) => {
    const res = await fetchFn(`${origin}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (res.status !== 200) throw new RotationStopped(`${route} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };

  // The secret change makes a new version; wait until it serves (it reports ENCRYPTION_KEY_PREVIOUS as set).
  for (let attempt = 0; ; attempt++) {
    const health = (await call('/admin/health')) as {
      configuration: { secrets: Record<string, { state: string }> };
    };
    if (health.configuration.secrets.ENCRYPTION_KEY_PREVIOUS?.state === 'set') break;
    if (attempt >= 10)
      throw new RotationStopped('The new secrets did not reach the Worker; run rotate-key again');
    await sleep(3_000);
  }

  // Passes until one re-seals nothing: a value an old-version isolate sealed under A meanwhile is caught next pass.
  let resealed = 0;
  let passes = 0;
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
    if (passResealed === 0) break;
    if (passes >= 5)
      throw new RotationStopped('Values keep appearing under the old key; run rotate-key again');
  }

  await wranglerOk(wrangler, ['secret', 'delete', 'ENCRYPTION_KEY_PREVIOUS', '--env', env]);
  const { ENCRYPTION_KEY_PREVIOUS: _done, ...rest } = readSecretsFile(options.secretsFile);
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
