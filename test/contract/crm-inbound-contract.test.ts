// The CRM contract, inbound half (issue 13): what a CRM asks of us, read by its module into the neutral commands of
// adapters/crm/crm-inbound-hooks.ts. Run over the registry against each CRM's simulator: a module declares a hook
// exactly when its fixture says how the CRM calls it (Record<CrmName, …>: a CRM added without a fixture does not
// compile). A Delivery URL body becomes a "send this" command; workflow calls authenticate first (401) and become
// automation commands and trigger subscriptions; a trigger fires at the CRM's own URL with the installation token.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CrmSendCommand, CrmWorkflowCall } from '../../adapters/crm/crm-inbound-hooks';
import { CRM_MODULES } from '../../adapters/crm/registry';
import type { CrmName } from '../../adapters/crm/types';
import { parseConfig } from '../../src/config';
import { createHighLevelSimulator, type HighLevelSimulator } from '../mocks/highlevel';
import { workflowActionPayload } from '../mocks/highlevel/highlevel-events';
import { AT, baseInstallation } from './crm-contract-suite';

interface InboundFixture {
  /** Fresh simulator; its handlers. */
  reset(): Parameters<typeof server.resetHandlers>;
  vars(): Record<string, string>;
  accountId(): string;
  /** Present exactly when the module has `deliveryUrl`. */
  deliveryUrl?: {
    /** A body as the CRM POSTs it, and the command it must read into. */
    call(): { body: unknown; command: CrmSendCommand };
    /** The channel id configured as ours (a body naming another is not ours). */
    ourChannel: string;
  };
  /** Present exactly when the module has `workflows`. */
  workflows?: {
    /** An authenticated execution of our send-message action, and the execution key it carries. */
    actionCall(): { call: CrmWorkflowCall; executionKey: string; to: string };
    /** An authenticated trigger subscription (target URL on the CRM), for our trigger `key`. */
    subscriptionCall(key: string): CrmWorkflowCall;
    /** A valid token of the installation, and how many firings the CRM recorded. */
    token(): string;
    firings(): number;
  };
}

const PROVIDER_ID = 'prov-inbound-contract';
let highLevel: HighLevelSimulator;

const strip = (headers: Record<string, string>, name: string) =>
  new Headers(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));

const FIXTURES: Record<CrmName, InboundFixture> = {
  highlevel: {
    reset() {
      highLevel = createHighLevelSimulator({
        clientId: 'c',
        clientSecret: 's',
        conversationProviderId: PROVIDER_ID,
      });
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

for (const module of Object.values(CRM_MODULES)) {
  const fixture = FIXTURES[module.name];
  describe(`CRM inbound contract: ${module.name}`, () => {
    const env = () => ({ config: parseConfig(fixture.vars()), now: () => AT, sleep: async () => {} });
    const installation = () =>
      baseInstallation({ crm: module.name, accountId: fixture.accountId(), settings: {} });

    beforeEach(() => server.resetHandlers(...fixture.reset()));

    it('declares a hook exactly when its fixture says how the CRM calls it', () => {
      expect(module.deliveryUrl !== undefined).toBe(fixture.deliveryUrl !== undefined);
      expect(module.workflows !== undefined).toBe(fixture.workflows !== undefined);
    });

    const delivery = fixture.deliveryUrl;
    if (module.deliveryUrl && delivery) {
      const hook = module.deliveryUrl;
      it('reads a Delivery URL body into "send this"; a malformed body throws', () => {
        const { body, command } = delivery.call();
        expect(hook.read(body)).toEqual(command);
        expect(() => hook.read({})).toThrow();
        expect(() => hook.read('not an object')).toThrow();
      });

      it("tells our channel from another app's", () => {
        expect(hook.isOurs(env(), installation(), delivery.ourChannel)).toBe(true);
        expect(hook.isOurs(env(), installation(), 'another-apps-channel')).toBe(false);
        expect(hook.isOurs(env(), installation(), '')).toBe(false);
      });
    }

    const workflows = fixture.workflows;
    if (module.workflows && workflows) {
      const hook = module.workflows;
      it('reads an authenticated action call into an automation command; anything else is 401', async () => {
        const { call, executionKey, to } = workflows.actionCall();
        const command = await hook.readAction(env(), call, 'send_message');
        expect(command.accountId).toBe(fixture.accountId());
        expect(command.request).toMatchObject({ action: 'send_message', executionKey, to });
        const answer = hook.answerAction({
          status: 'queued',
          messageId: 'msg_1',
          reasonCode: null,
          reason: null,
          duplicate: false,
        });
        expect(JSON.parse(JSON.stringify(answer))).toEqual(answer);

        const unsigned = { ...call, headers: strip(Object.fromEntries(call.headers), 'x-ghl-signature') };
        await expect(hook.readAction(env(), unsigned, 'send_message')).rejects.toMatchObject({
          code: 'unauthorized',
        });
        const tampered = { ...call, rawBody: call.rawBody.replace('Your order', 'Our order') };
        await expect(hook.readAction(env(), tampered, 'send_message')).rejects.toMatchObject({
          code: 'unauthorized',
        });
        await expect(hook.readOptionsCall(env(), unsigned)).rejects.toMatchObject({ code: 'unauthorized' });
      });

      it('reads a trigger subscription, and fires the trigger at its target with the installation token', async () => {
        const subscription = await hook.readTriggerSubscription(
          env(),
          workflows.subscriptionCall('wabridge_message_received'),
        );
        expect(subscription).toMatchObject({
          accountId: fixture.accountId(),
          triggerKey: 'wabridge_message_received',
        });
        expect(subscription.targetUrl).toMatch(/^https?:\/\//);
        const token = workflows.token();
        await hook.fireTrigger(
          env(),
          {
            tokenSource: { get: async () => token, refresh: async () => token },
            pacer: { beforeRequest: async () => {}, rateLimited: async () => {} },
          },
          subscription.targetUrl!,
          { phone: '+37255512345', text: 'Hello' },
        );
        expect(workflows.firings()).toBe(1);
      });
    }
  });
}
