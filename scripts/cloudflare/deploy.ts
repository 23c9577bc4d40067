// npm run deploy -- --env staging|production [--dry-run] [--allow-missing NAME,…] [--url https://…]
// Checks the environment's config and secrets first (a missing secret is named before anything is uploaded), applies
// the D1 migrations, deploys, then smoke-tests /healthz and /admin/health (the configuration report) at the origin.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REQUIRED_SECRETS, REQUIRED_VARS } from '../../src/services/operations/deployment-health';
import { SOURCES, parseCommon, runMain } from './cli';
import {
  PLACEHOLDER_DATABASE_ID,
  desiredSection,
  readConfig,
  readText,
  withSection,
  type DeployEnv,
} from './config-file';
import { readSecretsFile, secretsFilePath } from './secrets-file';
import { listSecretNames } from './setup';
import { REPO_ROOT, localWrangler, wranglerOk, type Wrangler } from './wrangler';

export interface DeployOptions {
  wrangler: Wrangler;
  env: DeployEnv;
  configPath: string;
  secretsFile: string;
  dryRun?: boolean;
  /** Required secrets the operator knowingly deploys without (e.g. no Pipedrive app yet). */
  allowMissing?: string[];
  /** Origin to smoke-test; default APP_BASE_URL of the environment. */
  url?: string;
  /** Bearer for /admin/health; default OPERATOR_TOKEN from the process env, then from the secrets file. */
  operatorToken?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export class DeployStopped extends Error {
  override name = 'DeployStopped';
}

interface HealthBody {
  configuration?: { complete: boolean; missing: string[]; warnings: string[] };
  database?: { migrations: { applied: number; latest: string | null } | null };
}

/** Checks, migrations, deploy, smoke test. Throws DeployStopped naming what is wrong. */
export async function runDeploy(options: DeployOptions): Promise<void> {
  const { wrangler, env, dryRun = false } = options;
  const log = options.log ?? console.log;
  const allowMissing = new Set(options.allowMissing ?? []);

  // 1. Config: the section setup writes, with a real database id and a public https origin.
  const top = readConfig(options.configPath);
  if (!top.definedEnvironments?.includes(env))
    throw new DeployStopped(
      `wrangler.toml has no [env.${env}]: run npm run setup:cloudflare -- --env ${env}`,
    );
  const config = readConfig(options.configPath, env);
  const problems: string[] = [];
  const text = readText(options.configPath);
  if (withSection(text, desiredSection(options.configPath, env)) !== text)
    problems.push(
      `[env.${env}] is out of date with the top-level bindings (run npm run setup:cloudflare -- --env ${env})`,
    );
  for (const db of config.d1_databases)
    if (!db.database_id || db.database_id === PLACEHOLDER_DATABASE_ID)
      problems.push(
        `D1 binding ${db.binding} has no database id (run npm run setup:cloudflare -- --env ${env})`,
      );
  const vars = config.vars as Record<string, string | undefined>;
  const appBaseUrl = vars.APP_BASE_URL ?? '';
  if (!/^https:\/\/[^/]+$/.test(appBaseUrl))
    problems.push(
      `APP_BASE_URL must be the public https origin (npm run setup:cloudflare -- --env ${env} --url https://…)`,
    );
  if (problems.length) throw new DeployStopped(`Not deploying ${env}:\n  ${problems.join('\n  ')}`);

  // 2. Secrets, by name, before anything is uploaded.
  const present = new Set(await listSecretNames(wrangler, env));
  const missing = REQUIRED_SECRETS.filter((name) => !present.has(name) && !allowMissing.has(name));
  if (missing.length)
    throw new DeployStopped(
      `Not deploying ${env}: missing secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')}\n` +
        missing
          .map((name) => `  ${name}: npx wrangler secret put ${name} --env ${env}  ← ${SOURCES[name]}`)
          .join('\n'),
    );
  for (const name of REQUIRED_VARS)
    if (!vars[name])
      log(`warning: ${name} is empty in [env.${env}.vars] (${SOURCES[name]}); HighLevel installs need it`);

  // 3. Migrations, then the Worker.
  const migrate = ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', env];
  const deploy = ['deploy', '--env', env];
  if (dryRun) {
    log(`would run: wrangler ${migrate.join(' ')}`);
    log(`would run: wrangler ${deploy.join(' ')}`);
    log(`would smoke-test ${options.url ?? appBaseUrl}/healthz and /admin/health`);
    const outdir = mkdtempSync(path.join(tmpdir(), 'wabridge-deploy-'));
    try {
      await wranglerOk(wrangler, ['deploy', '--dry-run', '--env', env, '--outdir', outdir]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    log(`bundle checked (wrangler deploy --dry-run --env ${env}); nothing was uploaded`);
    return;
  }
  await wranglerOk(wrangler, migrate, { echo: true });
  await wranglerOk(wrangler, deploy, { echo: true });

  // 4. Smoke test at the origin the CRMs call.
  const migrationsDir = path.resolve(
    path.dirname(options.configPath),
    config.d1_databases[0]?.migrations_dir ?? 'migrations',
  );
  await smokeTest(options, {
    origin: (options.url ?? appBaseUrl).replace(/\/+$/, ''),
    allowMissing,
    migrationsDir,
  });
}

async function smokeTest(
  options: DeployOptions,
  {
    origin,
    allowMissing,
    migrationsDir,
  }: { origin: string; allowMissing: Set<string>; migrationsDir: string },
): Promise<void> {
  const log = options.log ?? console.log;
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // A new version reaches every location within seconds; retry a few times before calling it broken.
  let healthy = false;
  for (let attempt = 0; attempt < 6 && !healthy; attempt++) {
    if (attempt) await sleep(5_000);
    const res = await fetchFn(`${origin}/healthz`).catch(() => null);
    healthy =
      res?.status === 200 && ((await res.json().catch(() => null)) as { ok?: boolean } | null)?.ok === true;
  }
  if (!healthy) throw new DeployStopped(`Deployed, but ${origin}/healthz does not answer {"ok":true}`);
  log(`${origin}/healthz ok`);

  const token =
    options.operatorToken ??
    process.env.OPERATOR_TOKEN ??
    readSecretsFile(options.secretsFile).OPERATOR_TOKEN;
  if (!token) {
    log('configuration report skipped: no OPERATOR_TOKEN here (env var or .secrets/<env>.env)');
    return;
  }
  const res = await fetchFn(`${origin}/admin/health`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200)
    throw new DeployStopped(
      `Deployed, but ${origin}/admin/health answered ${res.status}: ${await res.text()}`,
    );
  const health = (await res.json()) as HealthBody;
  const missing = health.configuration?.missing ?? [];
  const blocking = missing.filter(
    (name) => (REQUIRED_SECRETS as string[]).includes(name) && !allowMissing.has(name),
  );
  for (const warning of health.configuration?.warnings ?? []) log(`warning: ${warning}`);
  if (missing.length) log(`configuration report: still missing ${missing.join(', ')}`);
  else log('configuration report: complete');
  if (blocking.length) throw new DeployStopped(`The deployed Worker does not see ${blocking.join(', ')}`);
  const latestFile = latestMigration(migrationsDir);
  const applied = health.database?.migrations?.latest ?? null;
  if (latestFile && applied !== latestFile)
    throw new DeployStopped(`D1 migration level is ${applied ?? 'unknown'}, expected ${latestFile}`);
  log(`D1 migrations: ${applied ?? 'none'}`);
}

function latestMigration(dir: string): string | null {
  try {
    return (
      readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
        .at(-1) ?? null
    );
  } catch {
    return null;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  runMain(async () => {
    const args = parseCommon(process.argv.slice(2), {
      'allow-missing': { type: 'string' },
      url: { type: 'string' },
    });
    const allowMissing = typeof args.values['allow-missing'] === 'string' ? args.values['allow-missing'] : '';
    await runDeploy({
      wrangler: localWrangler(),
      env: args.env,
      dryRun: args.dryRun,
      configPath: path.join(REPO_ROOT, 'wrangler.toml'),
      secretsFile: secretsFilePath(REPO_ROOT, args.env),
      allowMissing: allowMissing.split(',').filter(Boolean),
      ...(typeof args.values.url === 'string' ? { url: args.values.url } : {}),
    });
    return 0;
  });
}
