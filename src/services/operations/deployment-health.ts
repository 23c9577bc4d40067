// GET /admin/health: is this deployment complete and keeping up? Names of secrets, never their values.
import { CRM_MODULES } from '../../../adapters/crm/registry';
import { PROVIDER_MODULES } from '../../../adapters/providers/registry';
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

/**
 * What each secret is for; `required` ones make the configuration incomplete when missing or malformed. Every
 * secret has one (deployment-health-secrets.test.ts), grouped by the module that reads it.
 */
export const SECRET_PURPOSES = {
  ...CORE_SECRETS,
  ...Object.fromEntries(
    [...Object.values(PROVIDER_MODULES), ...Object.values(CRM_MODULES)].flatMap((module) =>
      Object.entries(module.configKeys.secrets).map(([name, key]) => [
        name,
        { group: module.name, required: key.required },
      ]),
    ),
  ),
} as Record<SecretName, SecretPurpose>;

export const REQUIRED_SECRETS = SECRET_NAMES.filter((name) => SECRET_PURPOSES[name].required);

/** Vars with no usable default: ids that come from the HighLevel marketplace app once it is registered. */
export const REQUIRED_VARS = ['HIGHLEVEL_APP_ID', 'HIGHLEVEL_CONVERSATION_PROVIDER_ID'] as const;

export interface ConfigurationReport {
  complete: boolean;
  /** Required secrets (and vars) not set or malformed, by name. */
  missing: string[];
  secrets: Record<
    string,
    { group: string; required: boolean; state: 'set' | 'missing' | 'invalid'; problem?: string }
  >;
  vars: Record<(typeof REQUIRED_VARS)[number], 'set' | 'missing'> & { DEV_MODE: boolean };
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
  const vars = { DEV_MODE: config.DEV_MODE } as ConfigurationReport['vars'];
  for (const name of REQUIRED_VARS) {
    vars[name] = config[name] ? 'set' : 'missing';
    if (!config[name]) missing.push(name);
  }
  const warnings: string[] = [];
  if (config.DEV_MODE) warnings.push('DEV_MODE is true (meant for local mode only)');
  if (!config.APP_BASE_URL.startsWith('https://'))
    warnings.push('APP_BASE_URL is not https: HighLevel and Pipedrive need a public https origin');
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

function baseUrls(config: Config) {
  return {
    app: config.APP_BASE_URL,
    providers: {
      meta: config.META_GRAPH_BASE_URL,
      twilioApi: config.TWILIO_API_BASE_URL,
      twilioContent: config.TWILIO_CONTENT_BASE_URL,
      cm: config.CM_GATEWAY_BASE_URL,
    },
    crms: {
      highlevelApi: config.HIGHLEVEL_API_BASE_URL,
      highlevelAuthorize: config.HIGHLEVEL_AUTHORIZE_URL,
      pipedriveOAuth: config.PIPEDRIVE_OAUTH_BASE_URL,
    },
  };
}
