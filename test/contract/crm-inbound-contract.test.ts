// The CRM contract, inbound half (issue 13): every CrmModule of the registry against its simulator
// (crm-inbound-contract-suite.ts). The fixtures are a Record<CrmName, …>: a CRM added to the registry without one
// does not compile, and a module declares `deliveryUrl` / `workflows` exactly when its fixture says how the CRM calls
// it. HighLevel's calls are signed by its simulator (X-GHL-Signature); Pipedrive declares neither hook.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { CRM_MODULES } from '../../adapters/crm/registry';
import type { CrmName } from '../../adapters/crm/types';
import type { HighLevelSimulator } from '../mocks/highlevel';
import { workflowActionPayload } from '../mocks/highlevel/highlevel-events';
import { contractHighLevel } from './crm-contract-suite';
import { describeCrmInboundContract, type CrmInboundFixture } from './crm-inbound-contract-suite';

const PROVIDER_ID = 'prov-inbound-contract';
let highLevel: HighLevelSimulator;

const strip = (headers: Record<string, string>, name: string) =>
  new Headers(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));

const FIXTURES: Record<CrmName, CrmInboundFixture> = {
  highlevel: {
    reset() {
      highLevel = contractHighLevel(PROVIDER_ID);
      return highLevel.handlers;
    },
    vars: () => ({
      HIGHLEVEL_CONVERSATION_PROVIDER_ID: PROVIDER_ID,
      HIGHLEVEL_WEBHOOK_PUBLIC_KEY: highLevel.publicKeyPem,
    }),
    accountId: () => highLevel.state.config.locationId,
    deliveryUrl: {
      call() {
        const signed = highLevel.buildOutboundDelivery({ phone: '+37255512345', message: 'Tere!' });
        const p = signed.payload;
        return {
          body: JSON.parse(signed.body) as unknown,
          command: {
            accountId: p.locationId,
            crmMessageId: p.messageId,
            crmContactId: p.contactId,
            phone: p.phone,
            text: 'Tere!',
            attachments: [],
            userId: p.userId,
            channelId: undefined,
          },
        };
      },
      ourChannel: PROVIDER_ID,
    },
    workflows: {
      actionCall() {
        const signed = highLevel.signEvent(
          workflowActionPayload({
            locationId: highLevel.state.config.locationId,
            executionId: 'exec-contract-1',
            data: { phone: '+37255512345', message: 'Your order is ready.' },
          }),
        );
        return {
          call: { rawBody: signed.body, headers: new Headers(signed.headers) },
          executionKey: 'exec-contract-1',
          to: '+37255512345',
        };
      },
      forged: (call) => [
        { ...call, headers: strip(Object.fromEntries(call.headers), 'x-ghl-signature') },
        { ...call, rawBody: call.rawBody.replace('Your order', 'Our order') },
      ],
      subscriptionCall(key) {
        const signed = highLevel.buildTriggerSubscription({ key });
        return { rawBody: signed.body, headers: new Headers(signed.headers) };
      },
      token: () => highLevel.seedTokens().accessToken,
      firings: () => highLevel.triggerFirings.length,
    },
  },
  pipedrive: {
    reset: () => [],
    vars: () => ({}),
    accountId: () => '54235233',
  },
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

for (const module of Object.values(CRM_MODULES))
  describeCrmInboundContract(module, FIXTURES[module.name], server);
