// GET /admin/health: is this deployment complete and keeping up? Names of secrets, never their values.
import { CRM_MODULES } from '../../../adapters/crm/registry';
import { PROVIDER_MODULES } from '../../../adapters/providers/registry';
import type { ModuleConfigKeys } from '../../../adapters/shared/module-config';
import { SECRET_NAMES, type Config, type SecretName } from '../../config';
import type { AppContext } from '../../context';

type SecretPurpose = { group: string; required: boolean };

/** The platform's own secrets; each vendor's come from its module (configKeys) in the registries. */
const CORE_SECRETS: Partial<Record<SecretName, SecretPurpose>> = {
  ENCRYPTION_KEY: { group: 'core', required: true },
  SESSION_SECRET: { group: 'core', required: true },
  OPERATOR_TOKEN: { group: 'core', required: true },
  ENCRYPTION_KEY_PREVIOUS: { group: 'core', required: false },
  ENCRYPTION_KEY_NEXT: { group: 'core', required: false },
};

/** "HighLevel and Pipedrive": the CRMs, which call the app back (OAuth redirects, webhooks, iframes). */
const CRM_LABELS = Object.values(CRM_MODULES)
  .map((module) => module.label)
  .join(' and ');

const VENDOR_MODULES = [...Object.values(PROVIDER_MODULES), ...Object.values(CRM_MODULES)];

/**
 * What each secret is for; `required` ones make the configuration incomplete when missing or malformed. Every
 * secret has one (deployment-health-secrets.test.ts), grouped by the module that reads it.
 */
export const SECRET_PURPOSES = {
  ...CORE_SECRETS,
  ...Object.fromEntries(
    VENDOR_MODULES.flatMap((module) =>
      Object.entries(module.configKeys.secrets).map(([name, key]) => [
        name,
        { group: module.name, required: key.required },
      ]),
    ),
  ),
} as Record<SecretName, SecretPurpose>;

export const REQUIRED_SECRETS = SECRET_NAMES.filter((name) => SECRET_PURPOSES[name].required);

/** Vars with no usable default (ids a vendor hands out once the app is registered with it), from the modules. */
export const REQUIRED_VARS: readonly (keyof Config)[] = VENDOR_MODULES.flatMap(
  (module) => module.configKeys.requiredVars ?? [],
);

export interface ConfigurationReport {
  complete: boolean;
  /** Required secrets (and vars) not set or malformed, by name. */
  missing: string[];
  secrets: Record<
    string,
    { group: string; required: boolean; state: 'set' | 'missing' | 'invalid'; problem?: string }
  >;
  /** Each required var, `set` or `missing`, and DEV_MODE. */
  vars: { DEV_MODE: boolean; [name: string]: 'set' | 'missing' | boolean };
  warnings: string[];
}

export function configurationReport(config: Config): ConfigurationReport {
  const secrets: ConfigurationReport['secrets'] = {};
  const missing: string[] = [];
  for (const name of SECRET_NAMES) {
    const { group, required } = SECRET_PURPOSES[name];
    const problem = config.invalidSecrets[name];
    const state = problem ? 'invalid' : config.secrets[name] ? 'set' : 'missing';
    secrets[name] = { group, required, state, ...(problem ? { problem } : {}) };
    if (required && state !== 'set') missing.push(name);
  }
  const vars: ConfigurationReport['vars'] = { DEV_MODE: config.DEV_MODE };
  for (const name of REQUIRED_VARS) {
    vars[String(name)] = config[name] ? 'set' : 'missing';
    if (!config[name]) missing.push(name);
  }
  const warnings: string[] = [];
  if (config.DEV_MODE) warnings.push('DEV_MODE is true (meant for local mode only)');
  if (!config.APP_BASE_URL.startsWith('https://'))
    warnings.push(`APP_BASE_URL is not https: ${CRM_LABELS} need a public https origin`);
  if (config.secrets.ENCRYPTION_KEY_PREVIOUS || config.secrets.ENCRYPTION_KEY_NEXT)
    warnings.push(
      'ENCRYPTION_KEY_PREVIOUS or _NEXT is set: a key rotation is in progress (npm run rotate-key)',
    );
  return {
    complete: missing.length === 0,
    missing,
    secrets,
    vars,
    warnings,
  };
}

/** A count, or null when the table or column does not exist (a database behind on migrations). */
async function count(db: D1Database, sql: string): Promise<number | null> {
  try {
    return (await db.prepare(sql).first<{ n: number }>())?.n ?? 0;
  } catch {
    return null;
  }
}

async function migrationLevel(db: D1Database): Promise<{ applied: number; latest: string | null } | null> {
  try {
    const row = await db
      .prepare('SELECT COUNT(*) AS applied, MAX(name) AS latest FROM d1_migrations')
      .first<{ applied: number; latest: string | null }>();
    return { applied: row?.applied ?? 0, latest: row?.latest ?? null };
  } catch {
    // No d1_migrations table: migrations were not applied by wrangler (tests apply them directly).
    return null;
  }
}

/** Backlog counters over what the stores track; a counter is null where its table or column is not there yet. */
const BACKLOG_COUNTS = {
  sendsPending:
    "SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND send_state IN ('queued', 'sending')",
  sendsRetrying:
    "SELECT COUNT(*) AS n FROM messages WHERE send_state = 'queued' AND send_retry_reason IS NOT NULL",
  sendsOutcomeUnknown: "SELECT COUNT(*) AS n FROM messages WHERE send_state = 'unknown'",
  crmWritesPending: "SELECT COUNT(*) AS n FROM messages WHERE crm_sync = 'pending'",
  crmWritesDead: "SELECT COUNT(*) AS n FROM messages WHERE crm_sync = 'dead'",
  crmChangesPending: "SELECT COUNT(*) AS n FROM message_changes WHERE crm_sync = 'pending'",
  crmChangesDead: "SELECT COUNT(*) AS n FROM message_changes WHERE crm_sync = 'dead'",
  crmDeliveriesQueued: "SELECT COUNT(*) AS n FROM crm_deliveries WHERE state = 'queued'",
  campaignRecipientsQueued: `SELECT COUNT(*) AS n FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
    WHERE c.status = 'running' AND r.state IN ('pending', 'claimed', 'sending')`,
  unreadableWebhookItems: 'SELECT COUNT(*) AS n FROM unreadable_webhook_items',
} as const;

export async function deploymentHealth(ctx: AppContext) {
  const { config, db } = ctx;
  const names = Object.keys(BACKLOG_COUNTS) as (keyof typeof BACKLOG_COUNTS)[];
  const [counts, deadLetters, notRedriven, oldestDeadLetter, migrations] = await Promise.all([
    Promise.all(names.map((name) => count(db, BACKLOG_COUNTS[name]))),
    count(db, 'SELECT COUNT(*) AS n FROM dead_letters'),
    count(db, 'SELECT COUNT(*) AS n FROM dead_letters WHERE redriven_at IS NULL'),
    db
      .prepare('SELECT MIN(created_at) AS at FROM dead_letters')
      .first<{ at: number | null }>()
      .then((row) => row?.at ?? null)
      .catch(() => null),
    migrationLevel(db),
  ]);
  const configuration = configurationReport(config);
  return {
    ok: configuration.complete,
    configuration,
    backlog: Object.fromEntries(names.map((name, i) => [name, counts[i]!])) as Record<
      keyof typeof BACKLOG_COUNTS,
      number | null
    >,
    deadLetters: { count: deadLetters, notRedriven, oldestAt: oldestDeadLetter },
    database: { migrations },
    urls: baseUrls(config),
  };
}

/** Each module's base URLs under the names it gives them (`providers.meta`, `crms.highlevelApi`, …). */
function moduleUrls(config: Config, modules: readonly { configKeys: ModuleConfigKeys }[]) {
  return Object.fromEntries(
    modules.flatMap((module) =>
      Object.entries(module.configKeys.baseUrls).map(([name, key]) => [name, String(config[key])]),
    ),
  );
}

function baseUrls(config: Config) {
  return {
    app: config.APP_BASE_URL,
    providers: moduleUrls(config, Object.values(PROVIDER_MODULES)),
    crms: moduleUrls(config, Object.values(CRM_MODULES)),
  };
}
