// CM.com as the app sees it (ProviderModule): it signs nothing, so each number's webhook URL carries a secret token,
// and no API call proves a number is the account's (the admin proves it with a one-time code from the number).
import { cmCredentialsSchema, type CmCredentials } from './cm-credentials';
import type { ProviderModule } from '../provider-module';
import { createCmAdapter } from './cm-adapter';
import { buildManualCmTemplate } from './map-cm-template';

export const cmModule: ProviderModule<CmCredentials> = {
  name: 'cm',
  label: 'CM.com',
  credentialsSchema: cmCredentialsSchema,
  secretFields: ['productToken'],
  credentialsForm: {
    legendKey: 'admin.connection.cmLegend',
    fields: [
      { name: 'productToken', labelKey: 'admin.connection.cmToken' },
      { name: 'from', labelKey: 'admin.connection.cmFrom', placeholder: '+14155550102' },
    ],
  },
  routing: (credentials) => ({ routingKey: credentials.from, providerAccountId: null }),
  webhook: { scope: 'connection', tokenInPath: true },
  senderProof: 'one_time_code',
  // No template list API: the admin registers what WhatsApp approved (namespace + element name + language).
  manualTemplates: { build: buildManualCmTemplate },
  configKeys: { secrets: {}, baseUrls: { cm: 'CM_GATEWAY_BASE_URL' } },
  create: ({ config, now }, credentials, extras = {}) =>
    createCmAdapter({
      credentials,
      http: { baseUrl: config.CM_GATEWAY_BASE_URL, timeoutMs: config.PROVIDER_TIMEOUT_MS },
      webhookToken: extras.webhookToken,
      now,
    }),
};
