// Connecting a WhatsApp number: parse credentials, test them against the provider, store them sealed.
import { providerCredentialsSchema, type ProviderCredentials } from '../../../adapters/providers/credentials';
import { providerModule } from '../../../adapters/providers/registry';
import type { AppContext } from '../../context';
import { AppError, ProviderError } from '../../core/errors';
import { normalizePhone } from '../../core/phone';
import { randomToken } from '../../security/encoding';
import { pendingRoutingKey, type Connection, type NewConnection } from '../../store/connections';
import { MessagingLimitStore } from '../../store/messaging-limits';
import { describeMessagingLimit, learnMessagingLimit } from '../campaigns/messaging-limits';
import { bareProviderAdapter, providerAdapterFromCredentials, webhookUrlFor } from '../relay/providers';

export interface NewConnectionInput {
  label: string;
  senderPhone: string;
  rateLimitPerSecond?: number;
  messagingTier?: number | null;
  connection: ProviderCredentials;
}

export async function createConnection(
  ctx: AppContext,
  installationId: string,
  input: NewConnectionInput,
): Promise<Connection> {
  const phone = normalizePhone(input.senderPhone);
  if (!phone.ok) {
    throw new AppError('invalid_request', 'Invalid sender phone', [
      { path: 'senderPhone', message: phone.reason },
    ]);
  }
  const parsed = providerCredentialsSchema().parse(input.connection);
  const adapter = providerAdapterFromCredentials(ctx, parsed.provider, parsed.credentials);
  try {
    await adapter.testCredentials();
  } catch (error) {
    const normalized = error instanceof ProviderError ? error : adapter.normalizeError(error);
    if (normalized.kind === 'auth') {
      // Said once, on the field the provider checks first (the envelope's message names no vendor text twice).
      throw new AppError('invalid_request', 'The provider rejected these credentials', [
        {
          // The provider module's first secret is the token its credentials check uses.
          path: `credentials.${providerModule(parsed.provider).secretFields[0] ?? 'credentials'}`,
          message: normalized.vendorMessage ?? normalized.message,
        },
      ]);
    }
    throw new AppError('provider_error', `Could not check the credentials: ${normalized.message}`);
  }
  // testCredentials also proves the number is the account's where the vendor allows it. Where no API can
  // (senderProof 'one_time_code', see the provider modules), a new number is pending until its one-time code comes
  // back (services/install/connection-proof.ts): it can't send and holds a per-installation key, locking nobody out.
  const module = providerModule(parsed.provider);
  const routing = module.routing(parsed.credentials);
  const provenByCode = module.senderProof === 'one_time_code';
  if (provenByCode) {
    const proven = await (
      await ctx.secretStores()
    ).connections.findClaim(parsed.provider, routing.routingKey);
    // This installation's own proven number (a reconnect) or one another installation uses: the usual rules.
    const usable = proven && (proven.installationId === installationId || proven.hasCredentials);
    if (!usable) routing.routingKey = pendingRoutingKey(routing.routingKey, installationId);
  }
  const connection = await claimNumber(ctx, {
    installationId,
    provider: parsed.provider,
    label: input.label,
    senderPhone: phone.e164,
    routingKey: routing.routingKey,
    providerAccountId: routing.providerAccountId,
    credentials: parsed.credentials,
    webhookToken: module.webhook.tokenInPath ? randomToken() : undefined,
    verified: !provenByCode,
    rateLimitPerSecond: input.rateLimitPerSecond,
    messagingTier: input.messagingTier,
  });
  // The portfolio and its messaging limit, where the provider reports them (issue 12 item 2).
  return learnMessagingLimit(ctx, connection, adapter);
}

const alreadyConnected = () => new AppError('conflict', 'This WhatsApp number is already connected');

/**
 * Stores the number for the installation. Connecting a number the installation already has (reconnecting after a
 * reinstall, or new credentials) updates that row: same id, history kept, never a second row. A number of another
 * installation is 409 while that one uses it; one it gave up (uninstalled) is taken over, its history staying with
 * it. Each outcome is one statement or one batch, and a race on the unique key answers 409, never a 500.
 */
async function claimNumber(ctx: AppContext, input: NewConnection): Promise<Connection> {
  const { connections } = await ctx.secretStores();
  const now = ctx.now();
  const existing = await connections.findClaim(input.provider, input.routingKey);
  if (!existing) return (await connections.tryCreate(input, now)) ?? throwConflict();
  if (existing.installationId === input.installationId) {
    return (await connections.reconnect(existing.id, input, input.installationId, now)) ?? throwConflict();
  }
  if (existing.status === 'active' || existing.hasCredentials) throwConflict();
  return (await connections.takeOverRetired(existing.id, input, now)) ?? throwConflict();
}

function throwConflict(): never {
  throw alreadyConnected();
}

function mask(value: string): string {
  return value.length > 12 ? `••••${value.slice(-4)}` : '••••';
}

/** What the admin page may see: ids in clear, secrets masked; the webhook URL and verify token to paste. */
export async function describeConnection(ctx: AppContext, connection: Connection, role: 'admin' | 'agent') {
  const { connections } = await ctx.secretStores();
  const base = {
    id: connection.id,
    provider: connection.provider,
    // The provider's name for people, from its module (the admin page names no vendor itself).
    providerLabel: providerModule(connection.provider).label,
    label: connection.label,
    senderPhone: connection.senderPhone,
    status: connection.status,
    // False while a number proven by one-time code waits for it (POST /api/connections/:id/verification).
    verified: connection.verified,
    rateLimitPerSecond: connection.rateLimitPerSecond,
    // Shared with the WhatsApp Business app (issue 12 item 5): since when, and who said so; paced at 20 msg/s.
    coexistence: connection.coexistence,
    // Its WhatsApp Business app history share (phase, chunk order, percent) or that the business declined it.
    history: connection.history ?? null,
    messagingTier: connection.messagingTier,
    // Effective limit and where it comes from ("manual" or the provider's report), issue 12 item 2.
    messagingLimit: describeMessagingLimit(connection),
    templatesSyncedAt: connection.templatesSyncedAt,
    createdAt: connection.createdAt,
    // What the admin page offers for this number ("Sync now", the builder, registration by hand).
    capabilities: templateCapabilities(ctx, connection),
  };
  if (role !== 'admin') return base;
  const module = providerModule(connection.provider);
  const secretFields = new Set(module.secretFields);
  const secrets = await connections.secrets(connection, module.webhook.tokenInPath === true);
  const credentials = (secrets.credentials ?? {}) as Record<string, unknown>;
  const masked = Object.fromEntries(
    Object.entries(credentials).map(([key, value]) => [
      key,
      secretFields.has(key) && typeof value === 'string' ? mask(value) : value,
    ]),
  );
  return {
    ...base,
    credentials: masked,
    webhookUrl: webhookUrlFor(ctx, connection, secrets.webhookToken),
    ...(module.webhook.note ? { webhookNote: module.webhook.note } : {}),
  };
}

/** The admin types a messaging limit (or clears it: null), which overrides the provider's report (issue 12 item 2). */
export async function setManualMessagingLimit(ctx: AppContext, connection: Connection, limit: number | null) {
  const store = new MessagingLimitStore(ctx.db);
  if (!(await store.setManual(connection.installationId, connection.id, limit, ctx.now())))
    throw new AppError('not_found', 'Connection not found');
  const { connections } = await ctx.secretStores();
  return describeConnection(ctx, (await connections.get(connection.id))!, 'admin');
}

function templateCapabilities(ctx: AppContext, connection: Connection) {
  const { listTemplates, submitTemplate } = bareProviderAdapter(ctx, connection.provider).capabilities;
  return { listTemplates, submitTemplate };
}
