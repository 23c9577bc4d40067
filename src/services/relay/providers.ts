// Builds the provider adapter for a connection: decrypted credentials + configuration, through the provider
// registry (adapters/providers/registry.ts). No provider is named here.
import type { ProviderModule } from '../../../adapters/providers/provider-module';
import { providerModule } from '../../../adapters/providers/registry';
import type { ProviderAdapter } from '../../../adapters/providers/types';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { ProviderName } from '../../core/template';
import type { Connection } from '../../store/connections';

/** The connection's webhook URL, as the vendor is to call it (`:token` stands for a secret not at hand). */
export function webhookUrlFor(ctx: AppContext, connection: Connection, webhookToken?: string | null): string {
  const base = `${ctx.config.APP_BASE_URL.replace(/\/+$/, '')}/webhooks/${connection.provider}`;
  const { webhook } = providerModule(connection.provider);
  if (webhook.scope === 'platform') return base;
  return webhook.tokenInPath
    ? `${base}/${connection.id}/${webhookToken ?? ':token'}`
    : `${base}/${connection.id}`;
}

const environment = (ctx: AppContext) => ({ config: ctx.config, now: () => ctx.now() });

/** Adapter without credentials: enough to verify and parse webhooks, and to read its capabilities. */
export function bareProviderAdapter(ctx: AppContext, provider: ProviderName): ProviderAdapter {
  return providerModule(provider).create(environment(ctx));
}

/** Builds an adapter from credentials (connection creation, credential test); they are parsed here. */
export function providerAdapterFromCredentials(
  ctx: AppContext,
  provider: ProviderName,
  credentials: unknown,
  extra: { connection?: Connection; webhookToken?: string | null } = {},
): ProviderAdapter {
  const module: ProviderModule = providerModule(provider);
  return module.create(environment(ctx), module.credentialsSchema.parse(credentials), {
    webhookUrl: extra.connection ? webhookUrlFor(ctx, extra.connection) : undefined,
    webhookToken: extra.webhookToken ?? undefined,
  });
}

/** The adapter for a stored connection (decrypts its credentials). */
export async function providerAdapterFor(ctx: AppContext, connection: Connection): Promise<ProviderAdapter> {
  const { connections } = await ctx.secretStores();
  const { credentials, webhookToken } = await connections.secrets(
    connection,
    providerModule(connection.provider).webhook.tokenInPath === true,
  );
  if (!credentials) {
    throw new AppError(
      'conflict',
      'This connection has no credentials (the app was uninstalled or they were removed)',
    );
  }
  return providerAdapterFromCredentials(ctx, connection.provider, credentials, { connection, webhookToken });
}
