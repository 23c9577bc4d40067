// Issues 15 + 11: HighLevel workflow actions for a WhatsApp username customer (BSUID, no phone). The HighLevel contact
// wabridge created for them has no phone, so {{contact.phone}} is empty: the action finds the customer by the call's
// contact id and sends by BSUID within the normal rules (an authentication template → phone_required, nothing sent).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workflowActionPayload } from '../mocks/highlevel';
import { metaInbound } from '../mocks/meta';
import {
  adminToken,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  postMetaWebhook,
  sentCount,
  useHighLevelServer,
  type World,
} from './highlevel-world';

useHighLevelServer();

const BSUID = 'US.13491208655302741918';

let w: World;
let admin: string;
let hlContactId: string;
beforeEach(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  admin = await adminToken(w, (await installationOf(w))!.id);
  w.sims.meta.state.addTemplate({
    name: 'login_code',
    language: 'en',
    status: 'APPROVED',
    category: 'AUTHENTICATION',
    components: [{ type: 'BODY', text: '{{1}} is your code.', example: { body_text: [['123456']] } }],
  } as never);
  await connectProvider(w, admin, 'meta');
  // The username customer writes in: wabridge creates their HighLevel contact (no phone) and remembers its id.
  const inbound = w.sims.meta.inboundWebhook(
    [metaInbound.text({ userId: BSUID, username: 'mari.shop', timestampMs: w.t.clock.now() }, 'Tere!')],
    'Mari Tamm',
  );
  expect((await postMetaWebhook(w.app, inbound)).status).toBe(200);
  await w.settle();
  const contacts = [...w.sims.highlevel.state.contacts.values()];
  expect(contacts).toHaveLength(1);
  expect(contacts[0]!.phone).toBe('');
  hlContactId = contacts[0]!.id;
});
afterEach(async () => w.t.dispose());

async function templateId(name: string): Promise<string> {
  const res = await w.call('GET', '/api/templates', { token: admin });
  const { templates } = (await res.json()) as { templates: { id: string; name: string }[] };
  return templates.find((t) => t.name === name)!.id;
}

async function act(
  data: Record<string, string>,
  contactId: string,
  executionId: string,
  kind: 'send-template' | 'send-message' = 'send-template',
) {
  const event = w.sims.highlevel.signEvent(
    workflowActionPayload({
      locationId: w.sims.highlevel.state.config.locationId,
      contactId,
      data,
      executionId,
    }),
  );
  const res = await w.post(`/automations/highlevel/actions/${kind}`, event);
  expect(res.status).toBe(200);
  return (await res.json()) as { branchId: string; status: string; reasonCode: string | null };
}

describe('HighLevel actions for a customer known only by WhatsApp username', () => {
  it('"Send WhatsApp template" with an empty phone reaches the customer by BSUID', async () => {
    const answer = await act(
      { phone: '', template: await templateId('order_shipped'), variable_1: 'Mari', variable_2: 'A-1' },
      hlContactId,
      'exec-bsuid-1',
    );
    expect(answer).toMatchObject({ branchId: 'sent', status: 'queued', reasonCode: null });
    await w.settle();
    const sent = w.sims.meta.state.sent.at(-1)!;
    expect(sent.type).toBe('template');
    expect(sent.body).toMatchObject({ recipient: BSUID });
    expect(sent.body).not.toHaveProperty('to');
  });

  it('"Send WhatsApp message" inside the window sends free text by BSUID', async () => {
    const answer = await act({ message: 'Your order is ready' }, hlContactId, 'exec-bsuid-2', 'send-message');
    expect(answer).toMatchObject({ branchId: 'sent', status: 'queued' });
    await w.settle();
    expect(w.sims.meta.state.sent.at(-1)!.body).toMatchObject({
      recipient: BSUID,
      text: { body: 'Your order is ready' },
    });
  });

  it('an authentication template fails with phone_required, nothing sent', async () => {
    const before = sentCount(w, 'meta');
    const answer = await act(
      { template: await templateId('login_code'), variable_1: '123456' },
      hlContactId,
      'exec-bsuid-3',
    );
    expect(answer).toMatchObject({ branchId: 'failed', status: 'failed', reasonCode: 'phone_required' });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(before);
  });

  it('a contact without phone that wabridge does not know fails with invalid_recipient', async () => {
    const answer = await act(
      { phone: '', template: await templateId('order_shipped'), variable_1: 'a', variable_2: 'b' },
      'someOtherContact',
      'exec-bsuid-4',
    );
    expect(answer).toMatchObject({ branchId: 'failed', reasonCode: 'invalid_recipient' });
    expect(sentCount(w, 'meta')).toBe(0);
  });
});

describe("the admin's executions list names the recipient, also of refused executions", () => {
  it('phone, BSUID with username, or what the step gave when it could not be read', async () => {
    await act({ template: await templateId('login_code'), variable_1: '123456' }, hlContactId, 'exec-list-1'); // phone_required
    await act({ phone: '+3725550123', template: 'no_such_template' }, 'c2', 'exec-list-2');
    await act({ phone: 'not a phone', template: 'x' }, 'c3', 'exec-list-3');
    const res = await w.call('GET', '/api/automations', { token: admin });
    expect(res.status).toBe(200);
    const { executions } = (await res.json()) as {
      executions: {
        executionKey: string;
        status: string;
        reasonCode: string;
        recipient: string | null;
        recipientUsername: string | null;
      }[];
    };
    const byKey = Object.fromEntries(executions.map((e) => [e.executionKey, e]));
    expect(byKey['exec-list-1']).toMatchObject({
      status: 'failed',
      reasonCode: 'phone_required',
      recipient: BSUID,
      recipientUsername: 'mari.shop',
    });
    expect(byKey['exec-list-2']).toMatchObject({
      reasonCode: 'template_not_found',
      recipient: '+3725550123',
      recipientUsername: null,
    });
    expect(byKey['exec-list-3']).toMatchObject({ reasonCode: 'invalid_recipient', recipient: 'not a phone' });
  });
});
