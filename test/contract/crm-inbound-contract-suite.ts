// The CRM contract, inbound half (issue 13), as a reusable suite: what a CRM asks of us, read by its module into the
// neutral commands of adapters/crm/crm-inbound-hooks.ts. Run by crm-inbound-contract.test.ts over the registry and by
// fake-crm.test.ts over a CRM registered at run time. A module declares a hook exactly when
// its fixture says how the CRM calls it. A Delivery URL body becomes a "send this" command; workflow calls
// authenticate first (401) and become automation commands and trigger subscriptions; a trigger fires at the CRM's
// own URL with the installation token.
import type { HttpHandler } from 'msw';
import type { SetupServer } from 'msw/node';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CrmSendCommand, CrmWorkflowCall } from '../../adapters/crm/crm-inbound-hooks';
import type { CrmModule } from '../../adapters/crm/crm-module';
import { parseConfig } from '../../src/config';
import { AT, baseInstallation } from './crm-contract-suite';

export interface CrmInboundFixture {
  /** Fresh simulator; its handlers. */
  reset(): HttpHandler[];
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
    /** An authenticated execution of our send-message action, and what it must read into. */
    actionCall(): { call: CrmWorkflowCall; executionKey: string; to: string };
    /** Calls that look like `call` but are not the CRM's (no credentials, altered bytes): each must be 401. */
    forged(call: CrmWorkflowCall): CrmWorkflowCall[];
    /** An authenticated trigger subscription (target URL on the CRM), for our trigger `key`. */
    subscriptionCall(key: string): CrmWorkflowCall;
    /** A valid token of the installation, and how many firings the CRM recorded. */
    token(): string;
    firings(): number;
  };
}

export function describeCrmInboundContract(
  module: CrmModule,
  fixture: CrmInboundFixture,
  server: SetupServer,
): void {
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
      it('reads an authenticated action call into an automation command; a forged one is 401', async () => {
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

        const forged = workflows.forged(call);
        expect(forged.length).toBeGreaterThan(0);
        for (const fake of forged) {
          await expect(hook.readAction(env(), fake, 'send_message')).rejects.toMatchObject({
            code: 'unauthorized',
          });
          await expect(hook.readOptionsCall(env(), fake)).rejects.toMatchObject({ code: 'unauthorized' });
          await expect(hook.readTriggerSubscription(env(), fake)).rejects.toMatchObject({
            code: 'unauthorized',
          });
        }
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
