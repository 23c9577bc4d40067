// Bindings, vars and secrets parsed once with zod. A missing or malformed secret is reported by name
// at the first request that needs it (requireSecret), not as a stack trace at startup.
import * as z from 'zod/mini';
import { AppError } from './core/errors';

const url = z.url({ protocol: /^https?$/ });

/** Non-secret vars with defaults: the real vendors, so production needs no configuration for them. */
const varsSchema = z.object({
  APP_BASE_URL: z._default(url, 'http://127.0.0.1:8787'),
  META_GRAPH_BASE_URL: z._default(url, 'https://graph.facebook.com'),
  /** Graph API version of every Meta request (adapters/providers/meta/graph-api-versions.ts lists their lifetimes). */
  META_GRAPH_API_VERSION: z._default(z.string().check(z.regex(/^v\d+\.\d+$/)), 'v27.0'),
  TWILIO_API_BASE_URL: z._default(url, 'https://api.twilio.com'),
  TWILIO_CONTENT_BASE_URL: z._default(url, 'https://content.twilio.com'),
  CM_GATEWAY_BASE_URL: z._default(url, 'https://gw.messaging.cm.com'),
  HIGHLEVEL_API_BASE_URL: z._default(url, 'https://services.leadconnectorhq.com'),
  HIGHLEVEL_AUTHORIZE_URL: z._default(url, 'https://marketplace.gohighlevel.com/oauth/chooselocation'),
  /** The conversation provider's ID from the marketplace app (Modules → Conversation Providers). */
  HIGHLEVEL_CONVERSATION_PROVIDER_ID: z.optional(z.string().check(z.minLength(1))),
  /** Extra origins allowed to frame /ui (HighLevel white-label agency domains), space-separated https origins. */
  UI_FRAME_ANCESTORS: z.optional(
    z
      .string()
      .check(z.regex(/^(https:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?)( https:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?)*$/i)),
  ),
  /** The marketplace app's id (INSTALL/UNINSTALL `appId`): events naming another app are ignored. */
  HIGHLEVEL_APP_ID: z.optional(z.string().check(z.minLength(1))),
  PIPEDRIVE_OAUTH_BASE_URL: z._default(url, 'https://oauth.pipedrive.com'),
  PROVIDER_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100), z.lte(60_000)), 10_000),
  /** Per request to a CRM API (Pipedrive); a write that times out is looked for before it is written again. */
  CRM_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100), z.lte(60_000)), 15_000),
  /** Outbox (services/operations/outbox-sweep.ts): a row that owes a send or a CRM write is swept once due this long. */
  OUTBOX_GRACE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(86_400_000)), 120_000),
  /** The same for a campaign's CRM logs, which wait their turn at the bulk pace for a long time when all is well. */
  OUTBOX_BULK_GRACE_MS: z._default(
    z.coerce.number().check(z.int(), z.gte(0), z.lte(7 * 86_400_000)),
    21_600_000,
  ),
  /** How long a provider send may hold its claim before its outcome counts as unknown (never resent). */
  SEND_CLAIM_LEASE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 120_000),
  /** How long a CRM write holds its claim: a queue invocation's wall-clock limit (15 min), then its holder is gone. */
  CRM_CLAIM_LEASE_MS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3_600_000)), 900_000),
  /** How long a template send retries through a provider outage before it fails (free-form: until the window closes). */
  TEMPLATE_SEND_RETRY_MS: z._default(
    z.coerce.number().check(z.int(), z.gte(0), z.lte(7 * 86_400_000)),
    24 * 3_600_000,
  ),
  MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.gte(1024), z.lte(10_000_000)), 1_000_000),
  /** JSON rate card for cost estimates: {currency, perMessage:{MARKETING, UTILITY, AUTHENTICATION, SERVICE}}. */
  PRICING_RATE_CARD: z.optional(z.string()),
  PRICING_MODEL: z._default(z.enum(['PMP', 'CBP']), 'PMP'),
  DEV_MODE: z.pipe(
    z._default(z.enum(['true', 'false']), 'false'),
    z.transform((v) => v === 'true'),
  ),
});

const base64Key32 = z.string().check(
  z.refine((v) => {
    try {
      return atob(v).length === 32;
    } catch {
      return false;
    }
  }, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)'),
);

/** Secrets: each validated on its own so one bad value does not hide the others. */
const secretSchemas = {
  ENCRYPTION_KEY: base64Key32,
  SESSION_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  META_APP_SECRET: z.string().check(z.minLength(8)),
  META_VERIFY_TOKEN: z.string().check(z.minLength(8)),
  HIGHLEVEL_CLIENT_ID: z.string().check(z.minLength(1)),
  HIGHLEVEL_CLIENT_SECRET: z.string().check(z.minLength(1)),
  HIGHLEVEL_SHARED_SECRET: z.string().check(z.minLength(8)),
  /** Optional override of HighLevel's published Ed25519 webhook key (PEM or base64 SPKI). */
  HIGHLEVEL_WEBHOOK_PUBLIC_KEY: z.string().check(z.minLength(32)),
  /** Header secret entered in our HighLevel workflow actions' "Headers" (X-Wabridge-Action-Secret), see issue 15. */
  HIGHLEVEL_ACTION_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  PIPEDRIVE_CLIENT_ID: z.string().check(z.minLength(1)),
  PIPEDRIVE_CLIENT_SECRET: z.string().check(z.minLength(1)),
  PIPEDRIVE_JWT_SECRET: z.string().check(z.minLength(8)),
  /** Bearer token of the operator endpoints (/admin/health, /admin/reseal); see docs/DEPLOY.md. */
  OPERATOR_TOKEN: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  /** The key being rotated away from: what it sealed still opens until `npm run rotate-key` re-sealed it. */
  ENCRYPTION_KEY_PREVIOUS: base64Key32,
  /** The key a rotation moves to, announced before it seals: every running version can open it first. */
  ENCRYPTION_KEY_NEXT: base64Key32,
} as const;

/** Every secret the Worker reads (the deploy checks and /admin/health list them by name, never by value). */
export const SECRET_NAMES = Object.keys(secretSchemas) as (keyof typeof secretSchemas)[];

export type SecretName = keyof typeof secretSchemas;
export type Vars = z.output<typeof varsSchema>;

export interface Config extends Vars {
  secrets: Partial<Record<SecretName, string>>;
  /** Secrets that are set but malformed, with the reason. */
  invalidSecrets: Partial<Record<SecretName, string>>;
}

export function parseConfig(env: Record<string, unknown>): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(varsSchema.shape)) {
    const value = env[key];
    if (typeof value === 'string' && value !== '') raw[key] = value;
  }
  const parsed = varsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'not_configured',
      `Configuration var ${String(issue?.path[0])} is invalid: ${issue?.message}`,
    );
  }
  const secrets: Config['secrets'] = {};
  const invalidSecrets: Config['invalidSecrets'] = {};
  for (const name of Object.keys(secretSchemas) as SecretName[]) {
    const value = env[name];
    if (typeof value !== 'string' || value === '') continue;
    const result = secretSchemas[name].safeParse(value);
    if (result.success) secrets[name] = result.data;
    else invalidSecrets[name] = result.error.issues[0]?.message ?? 'invalid';
  }
  return { ...parsed.data, secrets, invalidSecrets };
}

/** The named secret, or a clear 503 naming it (never its value). */
export function requireSecret(config: Config, name: SecretName): string {
  const value = config.secrets[name];
  if (value !== undefined) return value;
  const problem = config.invalidSecrets[name];
  throw new AppError(
    'not_configured',
    problem
      ? `Secret ${name} is malformed: ${problem}`
      : `Secret ${name} is not set (wrangler secret put ${name}, or .dev.vars locally)`,
    { secret: name },
  );
}

/** Optional secret: used where a default exists (e.g. Pipedrive JWT secret falls back to the client secret). */
export function optionalSecret(config: Config, name: SecretName): string | undefined {
  if (config.invalidSecrets[name]) requireSecret(config, name);
  return config.secrets[name];
}
