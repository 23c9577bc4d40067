// npm run manifests -- --env staging|production
// Renders manifest/<crm>/app.json and docs/<crm>.md with ${APP_BASE_URL} (and any other ${VAR} the environment
// sets) replaced by that environment's values from wrangler.toml, into dist/manifest/<env>/, and prints the URLs to
// enter in the HighLevel Marketplace and the Pipedrive Developer Hub.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommon, runMain } from './cli';
import { readConfig, type DeployEnv } from './config-file';
import { REPO_ROOT } from './wrangler';

const SOURCES = [
  { from: 'manifest/highlevel/app.json', to: 'highlevel.app.json' },
  { from: 'manifest/pipedrive/app.json', to: 'pipedrive.app.json' },
  { from: 'docs/highlevel.md', to: 'highlevel.md' },
  { from: 'docs/pipedrive.md', to: 'pipedrive.md' },
] as const;

/** Every string field of a manifest that is a URL on our origin, as "crm path = value" lines. */
function originFields(crm: string, value: unknown, origin: string, at: string[] = []): string[] {
  if (typeof value === 'string') return value.startsWith(origin) ? [`${crm} ${at.join('.')} = ${value}`] : [];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => originFields(crm, child, origin, [...at, key]));
  return [];
}

export interface RenderedManifests {
  origin: string;
  files: string[];
  /** "highlevel oauth.redirectUrl = https://…" lines to paste into the vendor forms. */
  formUrls: string[];
}

export function renderManifests(options: {
  root: string;
  configPath: string;
  env: DeployEnv;
  outDir: string;
}) {
  const vars = readConfig(options.configPath, options.env).vars as Record<string, string | undefined>;
  const origin = vars.APP_BASE_URL ?? '';
  if (!/^https:\/\/[^/]+$/.test(origin))
    throw new Error(
      `APP_BASE_URL of ${options.env} is "${origin}": set it first (npm run setup:cloudflare -- --env ${options.env} --url https://…)`,
    );
  const substitute = (text: string) =>
    text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => vars[name] || whole);
  mkdirSync(options.outDir, { recursive: true });
  const files: string[] = [];
  const formUrls: string[] = [];
  for (const source of SOURCES) {
    const rendered = substitute(readFileSync(path.join(options.root, source.from), 'utf8'));
    const target = path.join(options.outDir, source.to);
    writeFileSync(target, rendered);
    files.push(target);
    if (source.to.endsWith('.json'))
      formUrls.push(...originFields(source.to.split('.')[0]!, JSON.parse(rendered), origin));
  }
  return { origin, files, formUrls } satisfies RenderedManifests;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  runMain(async () => {
    const { env } = parseCommon(process.argv.slice(2));
    const outDir = path.join(REPO_ROOT, 'dist', 'manifest', env);
    const result = renderManifests({
      root: REPO_ROOT,
      configPath: path.join(REPO_ROOT, 'wrangler.toml'),
      env,
      outDir,
    });
    console.log(
      `Manifests and guides for ${env} (${result.origin}) in ${path.relative(REPO_ROOT, outDir)}/:`,
    );
    for (const line of result.formUrls) console.log(`  ${line}`);
    return 0;
  });
}
