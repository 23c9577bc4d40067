// The vars and secrets local mode runs with. Secrets are demo values kept in .dev.vars (gitignored) so a restart
// can still decrypt what the last run stored; what depends on this run (ports, the HighLevel simulator's
// per-process signing key) is rewritten every time.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SIM_CRM_CLIENTS } from '../../test/mocks/index';

/** Demo secrets: no real credentials anywhere in local mode. The names are those of src/config.ts. */
export function demoSecrets(): Record<string, string> {
  return {
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: `dev-session-secret-${randomBytes(16).toString('hex')}`,
    META_APP_SECRET: 'dev-meta-app-secret',
    META_VERIFY_TOKEN: 'dev-meta-verify-token',
    HIGHLEVEL_CLIENT_ID: SIM_CRM_CLIENTS.highlevel.clientId,
    HIGHLEVEL_CLIENT_SECRET: SIM_CRM_CLIENTS.highlevel.clientSecret,
    HIGHLEVEL_APP_ID: SIM_CRM_CLIENTS.highlevel.appId,
    HIGHLEVEL_SHARED_SECRET: 'dev-highlevel-shared-secret',
    HIGHLEVEL_ACTION_SECRET: `dev-highlevel-action-secret-${randomBytes(16).toString('hex')}`,
    PIPEDRIVE_CLIENT_ID: SIM_CRM_CLIENTS.pipedrive.clientId,
    PIPEDRIVE_CLIENT_SECRET: SIM_CRM_CLIENTS.pipedrive.clientSecret,
    PIPEDRIVE_JWT_SECRET: 'dev-pipedrive-jwt-secret',
    OPERATOR_TOKEN: `dev-operator-token-${randomBytes(16).toString('hex')}`,
  };
}

/** Values this run decides: they always win over what the file holds. */
export const RUN_SCOPED_KEYS = [
  'APP_BASE_URL',
  'DEV_MODE',
  'HIGHLEVEL_WEBHOOK_PUBLIC_KEY',
  'META_GRAPH_BASE_URL',
  'TWILIO_API_BASE_URL',
  'TWILIO_CONTENT_BASE_URL',
  'CM_GATEWAY_BASE_URL',
  'HIGHLEVEL_API_BASE_URL',
  'HIGHLEVEL_AUTHORIZE_URL',
  'PIPEDRIVE_OAUTH_BASE_URL',
] as const;

/** Minimal dotenv reader (KEY=value, optional quotes, # comments): what wrangler accepts in .dev.vars. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, '\n') : quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    vars[m[1]!] = value;
  }
  return vars;
}

export function formatDevVars(vars: Record<string, string>): string {
  const runScoped = new Set<string>(RUN_SCOPED_KEYS);
  const line = (k: string) => `${k}="${vars[k]!.replace(/\n/g, '\\n')}"`;
  const keys = Object.keys(vars);
  return [
    '# wabridge local mode (written by `npm run dev`). Demo secrets only: never put real credentials here.',
    '# Keep ENCRYPTION_KEY: the local database holds data sealed under it.',
    ...keys.filter((k) => !runScoped.has(k)).map(line),
    '',
    '# Rewritten on every `npm run dev`: simulator URLs for this run and its HighLevel signing key.',
    ...keys.filter((k) => runScoped.has(k)).map(line),
    '',
  ].join('\n');
}

/**
 * Makes `path` hold every demo secret (missing ones are added, existing ones kept) plus this run's values.
 * Returns the full set the worker will see.
 */
export function ensureDevVars(path: string, runScoped: Record<string, string>): Record<string, string> {
  const existing = existsSync(path) ? parseDevVars(readFileSync(path, 'utf8')) : {};
  const vars = { ...demoSecrets(), ...existing, ...runScoped };
  const text = formatDevVars(vars);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text, { mode: 0o600 });
  return vars;
}
