// HighLevel as the app sees it (CrmModule): a conversation provider per location, paced per location (or company).
import { requireSecret } from '../../../src/config';
import type { CrmModule } from '../crm-module';
import { createHighLevelAdapter } from './highlevel-adapter';
import { createHighLevelClient, HIGHLEVEL_RATES } from './highlevel-client';
import { highLevelDeliveryUrl, highLevelWorkflows } from './highlevel-inbound';
import { highLevelInboundEndpoint } from './highlevel-call-verify';
import { highLevelInstall, highLevelLinkedLocations } from './highlevel-install';
import { refreshHighLevelToken } from './highlevel-oauth';
import { highLevelSession } from './highlevel-session';

export const highLevelModule: CrmModule = {
  name: 'highlevel',
  label: 'HighLevel',
  rates: HIGHLEVEL_RATES,
  paceKey: (installation) => `crm:highlevel:${installation.accountId}`,
  configKeys: {
    secrets: {
      HIGHLEVEL_CLIENT_ID: { required: true },
      HIGHLEVEL_CLIENT_SECRET: { required: true },
      HIGHLEVEL_SHARED_SECRET: { required: true },
      HIGHLEVEL_WEBHOOK_PUBLIC_KEY: { required: false },
      HIGHLEVEL_ACTION_SECRET: { required: false },
    },
    // Ids from the HighLevel marketplace app once it is registered: no usable default.
    requiredVars: ['HIGHLEVEL_APP_ID', 'HIGHLEVEL_CONVERSATION_PROVIDER_ID'],
    baseUrls: { highlevelApi: 'HIGHLEVEL_API_BASE_URL', highlevelAuthorize: 'HIGHLEVEL_AUTHORIZE_URL' },
  },
  refreshTokens: ({ config, now }, installation, refreshToken) =>
    refreshHighLevelToken({
      tokenUrl: `${config.HIGHLEVEL_API_BASE_URL.replace(/\/+$/, '')}/oauth/token`,
      clientId: requireSecret(config, 'HIGHLEVEL_CLIENT_ID'),
      clientSecret: requireSecret(config, 'HIGHLEVEL_CLIENT_SECRET'),
      refreshToken,
      userType: installation.accountType === 'company' ? 'Company' : 'Location',
      companyId:
        installation.companyId ??
        (installation.accountType === 'company' ? installation.accountId : undefined),
      locationId: installation.accountType === 'location' ? installation.accountId : undefined,
      now,
    }),
  createAdapter: ({ config, sleep }, { installation, connection, tokenSource, pacer }) =>
    createHighLevelAdapter({
      client: createHighLevelClient({
        tokenSource,
        baseUrl: config.HIGHLEVEL_API_BASE_URL,
        sleep,
        timeoutMs: config.CRM_TIMEOUT_MS,
        pacer,
      }),
      locationId: installation.accountId,
      conversationProviderId:
        connection?.crmProviderId ??
        installation.settings.conversationProviderId ??
        config.HIGHLEVEL_CONVERSATION_PROVIDER_ID ??
        '',
    }),
  deliveryUrl: highLevelDeliveryUrl,
  workflows: highLevelWorkflows,
  install: highLevelInstall,
  linkedAccounts: highLevelLinkedLocations,
  inbound: {
    // The app's INSTALL / UNINSTALL webhooks: they carry timestamp and webhookId (docs/WebhookAuthentication.md).
    events: highLevelInboundEndpoint('app_event', { kind: 'event', timestampRequired: true }),
    // The conversation provider's Delivery URL: only stores and enqueues (DESIGN.md §6).
    outbound: highLevelInboundEndpoint('delivery', { kind: 'delivery', timestampRequired: false }),
  },
  session: highLevelSession,
  // Custom pages under app.gohighlevel.com and the LeadConnector domains; each white-label agency's own domain is no
  // fixed list's: the operator adds it in UI_FRAME_ANCESTORS.
  frameAncestors: [
    'https://app.gohighlevel.com',
    'https://*.gohighlevel.com',
    'https://*.leadconnectorhq.com',
  ],
};
