// Meta WhatsApp Cloud API as the app sees it (ProviderModule): one platform webhook for every number.
import { optionalSecret, requireSecret } from '../../../src/config';
import { metaCredentialsSchema, type MetaCredentials } from './meta-credentials';
import type { ProviderModule } from '../provider-module';
import { createMetaAdapter } from './meta-adapter';
import { verifyMetaSubscription } from './meta-signature';

export const metaModule: ProviderModule<MetaCredentials> = {
  name: 'meta',
  label: 'Meta Cloud API',
  credentialsSchema: metaCredentialsSchema,
  secretFields: ['accessToken', 'appSecret'],
  credentialsForm: {
    legendKey: 'admin.connection.metaLegend',
    fields: [
      { name: 'accessToken', labelKey: 'admin.connection.metaToken' },
      { name: 'wabaId', labelKey: 'admin.connection.metaWaba' },
      { name: 'phoneNumberId', labelKey: 'admin.connection.metaPhoneId' },
      { name: 'appSecret', labelKey: 'admin.connection.metaSecret' },
    ],
  },
  // Messages and statuses name the phone_number_id; template updates the WABA.
  routing: (credentials) => ({
    routingKey: credentials.phoneNumberId,
    providerAccountId: credentials.wabaId,
  }),
  webhook: {
    // The webhook belongs to the platform's Meta app: one callback URL and verify token for every tenant.
    scope: 'platform',
    requiredSecrets: ['META_APP_SECRET'],
    verifySubscription: (query, config) =>
      verifyMetaSubscription(query, requireSecret(config, 'META_VERIFY_TOKEN')),
    // The verify token is a platform secret: never shown.
    note:
      "Meta delivers this number's messages to the platform's app webhook, which the wabridge operator " +
      "configured once: there is nothing to paste in Meta's console.",
  },
  senderProof: 'credentials',
  configKeys: {
    secrets: { META_APP_SECRET: { required: true }, META_VERIFY_TOKEN: { required: true } },
    baseUrls: { meta: 'META_GRAPH_BASE_URL' },
  },
  create: ({ config }, credentials) =>
    createMetaAdapter({
      credentials,
      http: { baseUrl: config.META_GRAPH_BASE_URL, timeoutMs: config.PROVIDER_TIMEOUT_MS },
      apiVersion: config.META_GRAPH_API_VERSION,
      appSecret: optionalSecret(config, 'META_APP_SECRET'),
    }),
};
