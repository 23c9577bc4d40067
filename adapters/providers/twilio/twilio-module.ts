// Twilio (WhatsApp over the Messages API) as the app sees it (ProviderModule): one signed webhook URL per number.
import { twilioCredentialsSchema, type TwilioCredentials } from './twilio-credentials';
import type { ProviderModule } from '../provider-module';
import { createTwilioAdapter } from './twilio-adapter';

export const twilioModule: ProviderModule<TwilioCredentials> = {
  name: 'twilio',
  label: 'Twilio',
  credentialsSchema: twilioCredentialsSchema,
  secretFields: ['authToken'],
  credentialsForm: {
    legendKey: 'admin.connection.twilioLegend',
    fields: [
      { name: 'accountSid', labelKey: 'admin.connection.twilioSid', placeholder: 'AC…' },
      { name: 'authToken', labelKey: 'admin.connection.twilioToken' },
      { name: 'from', labelKey: 'admin.connection.twilioFrom', placeholder: '+14155550101' },
      { name: 'messagingServiceSid', labelKey: 'admin.connection.twilioService', placeholder: 'MG…' },
    ],
  },
  routing: (credentials) => ({ routingKey: credentials.from, providerAccountId: credentials.accountSid }),
  webhook: {
    scope: 'connection',
    // Twilio accepts an empty TwiML answer: no auto-reply.
    acknowledgement: () => ({
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
      contentType: 'text/xml',
    }),
  },
  senderProof: 'credentials',
  configKeys: {
    secrets: {},
    baseUrls: { twilioApi: 'TWILIO_API_BASE_URL', twilioContent: 'TWILIO_CONTENT_BASE_URL' },
  },
  create: ({ config, now }, credentials, extras = {}) =>
    createTwilioAdapter({
      credentials,
      http: {
        baseUrl: config.TWILIO_API_BASE_URL,
        secondaryBaseUrl: config.TWILIO_CONTENT_BASE_URL,
        timeoutMs: config.PROVIDER_TIMEOUT_MS,
      },
      statusCallbackUrl: extras.webhookUrl,
      now,
    }),
};
