// Builds the provider adapter for a connection: decrypted credentials + base URLs from config.
// The only place that knows which factory serves which provider.
import { createCmAdapter } from '../../adapters/providers/cm/cm-adapter';
import {
  cmCredentialsSchema,
  metaCredentialsSchema,
  twilioCredentialsSchema,
} from '../../adapters/providers/credentials';
import { createMetaAdapter } from '../../adapters/providers/meta/meta-adapter';
import { createTwilioAdapter } from '../../adapters/providers/twilio/twilio-adapter';
import type { ProviderAdapter } from '../../adapters/providers/types';
import { optionalSecret } from '../config';
import type { AppContext } from '../context';
import { AppError } from '../core/errors';
import type { ProviderName } from '../core/template';
import type { Connection } from '../store/connections';

export function webhookUrlFor(ctx: AppContext, connection: Connection, webhookToken?: string | null): string {
  const base = ctx.config.APP_BASE_URL.replace(/\/+$/, '');
  switch (connection.provider) {
    case 'meta':
      return `${base}/webhooks/meta`;
    case 'twilio':
      return `${base}/webhooks/twilio/${connection.id}`;
    case 'cm':
      return `${base}/webhooks/cm/${connection.id}/${webhookToken ?? ':token'}`;
  }
}

/** Adapter without credentials: enough to verify and parse webhooks that are not per connection (Meta). */
export function bareProviderAdapter(ctx: AppContext, provider: ProviderName): ProviderAdapter {
  const http = { baseUrl: '', timeoutMs: ctx.config.PROVIDER_TIMEOUT_MS };
  switch (provider) {
    case 'meta':
      return createMetaAdapter({
        http: { ...http, baseUrl: ctx.config.META_GRAPH_BASE_URL },
        apiVersion: ctx.config.META_GRAPH_API_VERSION,
        appSecret: optionalSecret(ctx.config, 'META_APP_SECRET'),
      });
    case 'twilio':
      return createTwilioAdapter({
        http: { ...http, baseUrl: ctx.config.TWILIO_API_BASE_URL },
        now: () => ctx.now(),
      });
    case 'cm':
      return createCmAdapter({
        http: { ...http, baseUrl: ctx.config.CM_GATEWAY_BASE_URL },
        now: () => ctx.now(),
      });
  }
}

/** Builds an adapter from credentials that were parsed already (connection creation, credential test). */
export function providerAdapterFromCredentials(
  ctx: AppContext,
  provider: ProviderName,
  credentials: unknown,
  extra: { connection?: Connection; webhookToken?: string | null } = {},
): ProviderAdapter {
  const timeoutMs = ctx.config.PROVIDER_TIMEOUT_MS;
  switch (provider) {
    case 'meta':
      return createMetaAdapter({
        credentials: metaCredentialsSchema.parse(credentials),
        http: { baseUrl: ctx.config.META_GRAPH_BASE_URL, timeoutMs },
        apiVersion: ctx.config.META_GRAPH_API_VERSION,
        appSecret: optionalSecret(ctx.config, 'META_APP_SECRET'),
      });
    case 'twilio':
      return createTwilioAdapter({
        credentials: twilioCredentialsSchema.parse(credentials),
        http: {
          baseUrl: ctx.config.TWILIO_API_BASE_URL,
          secondaryBaseUrl: ctx.config.TWILIO_CONTENT_BASE_URL,
          timeoutMs,
        },
        statusCallbackUrl: extra.connection ? webhookUrlFor(ctx, extra.connection) : undefined,
        now: () => ctx.now(),
      });
    case 'cm':
      return createCmAdapter({
        credentials: cmCredentialsSchema.parse(credentials),
        http: { baseUrl: ctx.config.CM_GATEWAY_BASE_URL, timeoutMs },
        webhookToken: extra.webhookToken ?? undefined,
        now: () => ctx.now(),
      });
  }
}

/** The adapter for a stored connection (decrypts its credentials). */
export async function providerAdapterFor(ctx: AppContext, connection: Connection): Promise<ProviderAdapter> {
  const { connections } = await ctx.secretStores();
  const credentials = await connections.credentials(connection);
  if (!credentials) {
    throw new AppError(
      'conflict',
      'This connection has no credentials (the app was uninstalled or they were removed)',
    );
  }
  const webhookToken = connection.provider === 'cm' ? await connections.webhookToken(connection) : null;
  return providerAdapterFromCredentials(ctx, connection.provider, credentials, { connection, webhookToken });
}
