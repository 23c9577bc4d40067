// Per-environment sections of wrangler.toml ([env.staging], [env.production]), written by setup between markers.
// Bindings are not inherited by wrangler environments (d1_databases, queues, durable_objects, vars), so each section
// mirrors the top-level ones with its own resource names: database `wabridge-production`, queue
// `wabridge-jobs-production`, … The top-level (local mode) config is never rewritten.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unstable_readConfig } from 'wrangler';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export type DeployEnv = (typeof ENVIRONMENTS)[number];

/** The id wrangler.toml carries until setup has created the database. */
export const PLACEHOLDER_DATABASE_ID = '00000000-0000-0000-0000-000000000000';

/** Vars every environment section lists (empty until known; the Worker treats "" as unset). */
export const ENV_VARS = ['APP_BASE_URL', 'HIGHLEVEL_APP_ID', 'HIGHLEVEL_CONVERSATION_PROVIDER_ID'] as const;

interface Consumer {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  dead_letter_queue?: string;
  max_concurrency?: number | null;
  retry_delay?: number;
}

export interface EnvSection {
  env: DeployEnv;
  workerName: string;
  databases: { binding: string; database_name: string; database_id: string; migrations_dir?: string }[];
  producers: { binding: string; queue: string }[];
  consumers: Consumer[];
  durableObjects: { name: string; class_name: string }[];
  vars: Record<string, string>;
}

/** The part of wrangler's normalized config these scripts read (unstable_readConfig). */
interface ConfigView {
  name: string;
  definedEnvironments?: string[];
  d1_databases: { binding: string; database_name?: string; database_id?: string; migrations_dir?: string }[];
  queues: { producers?: { binding: string; queue: string }[]; consumers?: Consumer[] };
  durable_objects: { bindings: { name: string; class_name: string }[] };
  vars: Record<string, unknown>;
}

export function readConfig(configPath: string, env?: DeployEnv): ConfigView {
  return unstable_readConfig({ config: configPath, ...(env ? { env } : {}) }) as unknown as ConfigView;
}

export function isDeployEnv(value: string | undefined): value is DeployEnv {
  return (ENVIRONMENTS as readonly string[]).includes(value ?? '');
}

/**
 * What the section for `env` should hold: the top-level bindings renamed for the environment, with the ids and vars
 * the file already has for it kept (database ids are filled in by setup once it has found or created them).
 */
export function desiredSection(configPath: string, env: DeployEnv): EnvSection {
  const top = readConfig(configPath);
  const existing = top.definedEnvironments?.includes(env) ? readConfig(configPath, env) : undefined;
  const rename = (name: string) => `${name}-${env}`;
  const existingIds = new Map(existing?.d1_databases.map((db) => [db.database_name, db.database_id]) ?? []);
  const vars: Record<string, string> = Object.fromEntries(ENV_VARS.map((name) => [name, '']));
  for (const [name, value] of Object.entries(existing?.vars ?? {}))
    if (typeof value === 'string') vars[name] = value;
  return {
    env,
    workerName: `${top.name}-${env}`,
    databases: top.d1_databases.map((db) => {
      const name = rename(db.database_name!);
      return {
        binding: db.binding,
        database_name: name,
        database_id: existingIds.get(name) ?? PLACEHOLDER_DATABASE_ID,
        ...(db.migrations_dir ? { migrations_dir: db.migrations_dir } : {}),
      };
    }),
    producers: (top.queues.producers ?? []).map((p) => ({ binding: p.binding, queue: rename(p.queue) })),
    consumers: (top.queues.consumers ?? []).map((c) => {
      const consumer: Consumer = { ...c, queue: rename(c.queue) };
      if (c.dead_letter_queue) consumer.dead_letter_queue = rename(c.dead_letter_queue);
      return consumer;
    }),
    durableObjects: top.durable_objects.bindings.map((b) => ({ name: b.name, class_name: b.class_name })),
    vars,
  };
}

/** Every queue the section needs to exist (producers, consumers and their dead-letter queues). */
export function queueNames(section: EnvSection): string[] {
  const names = new Set<string>();
  for (const p of section.producers) names.add(p.queue);
  for (const c of section.consumers) {
    names.add(c.queue);
    if (c.dead_letter_queue) names.add(c.dead_letter_queue);
  }
  return [...names];
}

const toml = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? JSON.stringify(value)
      : String(value);

function table(header: string, entries: Record<string, unknown>): string[] {
  const lines = [header];
  for (const [key, value] of Object.entries(entries))
    if (value !== undefined && value !== null) lines.push(`${key} = ${toml(value)}`);
  return lines;
}

const markers = (env: string) => ({
  begin: `# >>> env.${env}: written by \`npm run setup:cloudflare -- --env ${env}\` (ids found or created there; vars kept)`,
  end: `# <<< env.${env}`,
});

export function renderSection(section: EnvSection): string {
  const { env } = section;
  const { begin, end } = markers(env);
  const lines = [begin, `[env.${env}]`, `name = ${toml(section.workerName)}`, ''];
  lines.push(...table(`[env.${env}.vars]`, section.vars), '');
  for (const db of section.databases) lines.push(...table(`[[env.${env}.d1_databases]]`, db), '');
  for (const p of section.producers) lines.push(...table(`[[env.${env}.queues.producers]]`, p), '');
  for (const c of section.consumers) lines.push(...table(`[[env.${env}.queues.consumers]]`, { ...c }), '');
  for (const b of section.durableObjects)
    lines.push(...table(`[[env.${env}.durable_objects.bindings]]`, b), '');
  lines.push(end);
  return lines.join('\n');
}

/** `text` with the section for its env replaced (or appended at the end when the file has none yet). */
export function withSection(text: string, section: EnvSection): string {
  const { begin, end } = markers(section.env);
  const rendered = renderSection(section);
  const from = text.indexOf(begin);
  if (from >= 0) {
    const to = text.indexOf(end, from);
    if (to < 0) throw new Error(`wrangler.toml: "${begin}" has no matching "${end}"`);
    return text.slice(0, from) + rendered + text.slice(to + end.length);
  }
  if (new RegExp(`^\\[env\\.${section.env}[.\\]]`, 'm').test(text))
    throw new Error(
      `wrangler.toml has an [env.${section.env}] section setup did not write; move it between markers`,
    );
  return `${text.replace(/\n*$/, '\n')}\n${rendered}\n`;
}

export const readText = (file: string): string => readFileSync(file, 'utf8');

/** Rewrites every environment section from the top level, keeping ids and vars (no Cloudflare call). */
export function syncSections(configPath: string): boolean {
  const before = readText(configPath);
  for (const env of ENVIRONMENTS)
    writeFileSync(configPath, withSection(readText(configPath), desiredSection(configPath, env)));
  return readText(configPath) !== before;
}

// `node --import tsx scripts/cloudflare/config-file.ts`: after a binding was added at the top level of wrangler.toml.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const file = path.join(path.resolve(import.meta.dirname, '../..'), 'wrangler.toml');
  console.log(syncSections(file) ? 'wrangler.toml: environment sections updated' : 'wrangler.toml: in sync');
}
