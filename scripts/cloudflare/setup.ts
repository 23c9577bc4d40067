// npm run setup:cloudflare -- --env staging|production [--url https://…] [--var NAME=value] [--dry-run]
// Idempotent: finds or creates the D1 database and the queues, writes their names and ids into [env.<env>] of
// wrangler.toml, generates the secrets nobody has to choose (ENCRYPTION_KEY, SESSION_SECRET, OPERATOR_TOKEN,
// META_VERIFY_TOKEN) when the Worker lacks them, and prints what is left to set and where it comes from.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIRED_SECRETS, REQUIRED_VARS } from '../../src/services/operations/deployment-health';
import { SOURCES, parseCommon, runMain } from './cli';
import {
  desiredSection,
  queueNames,
  readText,
  withSection,
  type DeployEnv,
  type EnvSection,
} from './config-file';
import { readSecretsFile, secretsFilePath, writeSecretsFile } from './secrets-file';
import {
  REPO_ROOT,
  WranglerError,
  localWrangler,
  parseJsonOutput,
  wranglerOk,
  type Wrangler,
} from './wrangler';

/** Secrets setup generates when missing: random values no vendor hands out. */
export const GENERATED_SECRETS: Record<string, () => string> = {
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  SESSION_SECRET: () => randomBytes(48).toString('base64url'),
  OPERATOR_TOKEN: () => randomBytes(32).toString('base64url'),
  META_VERIFY_TOKEN: () => randomBytes(24).toString('base64url'),
};

export interface SetupOptions {
  wrangler: Wrangler;
  env: DeployEnv;
  configPath: string;
  secretsFile: string;
  dryRun?: boolean;
  /** Vars to write into [env.<env>.vars] (from --url / --var). */
  vars?: Record<string, string>;
  log?: (line: string) => void;
}

export interface SetupResult {
  /** What was (or, in a dry run, would be) created or changed, one line each. */
  changes: string[];
  /** Required secrets and vars still unset, by name. */
  remaining: string[];
}

/** Worker secret names, or [] while the Worker does not exist yet (setup runs before the first deploy). */
export async function listSecretNames(wrangler: Wrangler, env: DeployEnv): Promise<string[]> {
  const args = ['secret', 'list', '--env', env, '--format', 'json'];
  const result = await wrangler.run(args);
  if (result.code !== 0) {
    if (/not found|does not exist|10007/i.test(result.stderr + result.stdout)) return [];
    return (await wranglerOk(wrangler, args), []);
  }
  return parseJsonOutput<{ name: string }[]>(result.stdout).map((s) => s.name);
}

/** `wrangler queues info <name>`: exit 0 printing "Queue Name: <name>", or "does not exist". */
export async function queueExists(wrangler: Wrangler, name: string): Promise<boolean> {
  const args = ['queues', 'info', name];
  const result = await wrangler.run(args);
  if (result.code === 0) return new RegExp(`^Queue Name: ${name}$`, 'm').test(result.stdout);
  if (/does not exist/i.test(result.stderr + result.stdout)) return false;
  throw new WranglerError(args, result);
}

export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const { wrangler, env, dryRun = false } = options;
  const log = options.log ?? console.log;
  const changes: string[] = [];
  const plan = (line: string) => {
    changes.push(line);
    log(`${dryRun ? 'would ' : ''}${line}`);
  };
  log(`wabridge ${env}: ${dryRun ? 'plan (dry run, nothing is changed)' : 'setting up'}`);

  const section: EnvSection = desiredSection(options.configPath, env);
  Object.assign(section.vars, options.vars ?? {});

  // D1: found by name, else created.
  type D1Entry = { uuid: string; name: string };
  const listDatabases = async () =>
    parseJsonOutput<D1Entry[]>(await wranglerOk(wrangler, ['d1', 'list', '--json']));
  let databases = await listDatabases();
  for (const db of section.databases) {
    let found = databases.find((d) => d.name === db.database_name);
    if (!found) {
      plan(`create D1 database ${db.database_name}: wrangler d1 create ${db.database_name}`);
      if (!dryRun) {
        await wranglerOk(wrangler, ['d1', 'create', db.database_name]);
        databases = await listDatabases();
        found = databases.find((d) => d.name === db.database_name);
        if (!found) throw new Error(`D1 database ${db.database_name} was created but is not listed`);
      }
    }
    if (found) db.database_id = found.uuid;
  }

  // Queues (producers, consumers, dead-letter queue): looked up by name (`queues list` shows only its first page),
  // else created.
  for (const queue of queueNames(section)) {
    if (await queueExists(wrangler, queue)) continue;
    plan(`create queue ${queue}: wrangler queues create ${queue}`);
    if (!dryRun) {
      const created = await wrangler.run(['queues', 'create', queue]);
      // Taken meanwhile (or hidden from the lookup): it exists, which is all setup needs.
      if (created.code !== 0 && !/already taken|11009/i.test(created.stderr + created.stdout))
        await wranglerOk(wrangler, ['queues', 'create', queue]);
    }
  }

  // wrangler.toml: only the [env.<env>] section between setup's markers.
  const before = readText(options.configPath);
  const after = withSection(before, section);
  const sectionWasThere = before.includes(`[env.${env}]`);
  if (after !== before) {
    plan(`write [env.${env}] in ${path.relative(REPO_ROOT, options.configPath) || options.configPath}`);
    if (!dryRun) writeFileSync(options.configPath, after);
  }

  // Secrets nobody has to choose, generated once.
  const present = sectionWasThere || !dryRun ? await listSecretNames(wrangler, env) : [];
  const toGenerate = Object.keys(GENERATED_SECRETS).filter((name) => !present.includes(name));
  if (toGenerate.length) {
    plan(`generate ${toGenerate.join(', ')}: wrangler secret bulk --env ${env} (values on stdin)`);
    if (!dryRun) {
      const values = Object.fromEntries(toGenerate.map((name) => [name, GENERATED_SECRETS[name]!()]));
      await wranglerOk(wrangler, ['secret', 'bulk', '--env', env], { input: JSON.stringify(values) });
      writeSecretsFile(options.secretsFile, { ...readSecretsFile(options.secretsFile), ...values }, env);
      log(`  kept a copy in ${path.relative(REPO_ROOT, options.secretsFile)} (mode 600, gitignored)`);
    }
  }

  const setNow = new Set([...present, ...toGenerate]);
  const remaining = [
    ...REQUIRED_SECRETS.filter((name) => !setNow.has(name)),
    ...(['APP_BASE_URL', ...REQUIRED_VARS] as const).filter((name) => !section.vars[name]),
  ];
  if (!changes.length) log('nothing to change: everything already exists');
  if (remaining.length) {
    log(`\nStill to set for ${env}:`);
    for (const name of remaining) {
      const how = (REQUIRED_SECRETS as string[]).includes(name)
        ? `npx wrangler secret put ${name} --env ${env}`
        : `npm run setup:cloudflare -- --env ${env} --var ${name}=…`;
      log(`  ${name}  ← ${SOURCES[name] ?? '?'}\n      ${how}`);
    }
  }
  return { changes, remaining };
}

function parseVars(values: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  if (typeof values.url === 'string') vars.APP_BASE_URL = values.url.replace(/\/+$/, '');
  for (const pair of (values.var as string[] | undefined) ?? []) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (!match) throw new Error(`--var expects NAME=value, got "${pair}"`);
    vars[match[1]!] = match[2]!;
  }
  if (vars.APP_BASE_URL !== undefined && !/^https:\/\/[^/]+$/.test(vars.APP_BASE_URL))
    throw new Error('--url must be an https origin, e.g. https://wa.example.com');
  return vars;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  runMain(async () => {
    const args = parseCommon(process.argv.slice(2), {
      url: { type: 'string' },
      var: { type: 'string', multiple: true },
    });
    await runSetup({
      wrangler: localWrangler(),
      env: args.env,
      dryRun: args.dryRun,
      configPath: path.join(REPO_ROOT, 'wrangler.toml'),
      secretsFile: secretsFilePath(REPO_ROOT, args.env),
      vars: parseVars(args.values),
    });
    return 0;
  });
}
