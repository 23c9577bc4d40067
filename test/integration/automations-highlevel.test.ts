// HighLevel workflow actions "Send WhatsApp template" / "Send WhatsApp message" (issue 15): signed execution calls
// → at most one message per execution id through the normal send path; the answer is what the workflow branches on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workflowActionPayload } from '../mocks/highlevel';
import {
  countRows,
  createConnectedWorld,
  customerWrites,
  installationOf,
  lastSent,
  sentCount,
  sentKinds,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
let number: ConnectedNumber;
let admin: string;
beforeEach(async () => {
  ({ w, admin, number } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel;
const locationId = () => hl().state.config.locationId;

type Answer = {
  branchId: string;
  success: boolean;
  status: string;
  messageId: string | null;
  reasonCode: string | null;
  reason: string | null;
  duplicate: boolean;
};

async function templateId(name = 'order_shipped'): Promise<string> {
  const res = await w.call('GET', '/api/templates', { token: admin });
  const { templates } = (await res.json()) as { templates: { id: string; name: string }[] };
  return templates.find((t) => t.name === name)!.id;
}

function action(
  data: Record<string, string>,
  executionId?: string,
  kind: 'send-template' | 'send-message' = 'send-template',
) {
  const event = hl().signEvent(workflowActionPayload({ locationId: locationId(), data, executionId }));
  return {
    event,
    send: () => w.post(`/automations/highlevel/actions/${kind}`, event),
  };
}

async function answerOf(res: Response): Promise<Answer> {
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

describe('Send WhatsApp template', () => {
  it('sends the chosen template with mapped variables to a contact whose window is closed', async () => {
    const call = action(
      { phone: '+3725550101', template: await templateId(), variable_1: 'Mari', variable_2: 'A-1001' },
      'exec-1',
    );
    const answer = await answerOf(await call.send());
    expect(answer).toMatchObject({
      branchId: 'sent',
      success: true,
      status: 'queued',
      reasonCode: null,
      duplicate: false,
    });
    expect(answer.messageId).toBeTruthy();
    await w.settle();
    expect(sentKinds(w, 'meta', '+3725550101')).toEqual(['template']);
    expect(lastSent(w, 'meta')).toMatchObject({ templateName: 'order_shipped', params: ['Mari', 'A-1001'] });
    // The message is the sidebar's and the CRM's like any other we send.
    const message = await w.ctx.messages.get(answer.messageId!);
    expect(message).toMatchObject({ origin: 'app', sendState: 'sent', crmSync: 'done' });
    expect(message?.providerMessageId).toBe(w.sims.meta.state.sent[0]!.id);
  });

  it('a duplicate execution id sends nothing more and answers the first outcome', async () => {
    const data = {
      phone: '+3725550102',
      template: await templateId(),
      variable_1: 'Mari',
      variable_2: 'A-7',
    };
    const first = await answerOf(await action(data, 'exec-dup').send());
    await w.settle();
    const again = await answerOf(await action(data, 'exec-dup').send());
    const changed = await answerOf(
      await action({ ...data, variable_2: 'B-9' }, 'exec-dup').send(), // same execution, edited fields
    );
    await w.settle();
    expect(again).toEqual({ ...first, duplicate: true });
    expect(changed).toEqual({ ...first, duplicate: true });
    expect(sentCount(w, 'meta')).toBe(1);
    expect(await countRows(w, 'automation_executions')).toBe(1);
  });

  it('without an execution id, HighLevel retrying the same signed call is the same execution', async () => {
    const call = action({
      phone: '+3725550103',
      template: await templateId(),
      variable_1: 'a',
      variable_2: 'b',
    });
    const first = await answerOf(await call.send());
    const retry = await answerOf(await w.post('/automations/highlevel/actions/send-template', call.event));
    await w.settle();
    expect(retry).toEqual({ ...first, duplicate: true });
    expect(sentCount(w, 'meta')).toBe(1);
  });

  it('an execution whose first call died mid-way is resumed once, never sent twice', async () => {
    const installation = (await installationOf(w))!;
    const data = { phone: '+3725550111', template: await templateId(), variable_1: 'a', variable_2: 'b' };
    const now = w.t.clock.now();
    // The first call claimed the execution and reserved its message id, then the Worker died before sending.
    await w.t.db
      .prepare(
        `INSERT INTO automation_executions (id, installation_id, source, execution_key, action, message_id, state,
           created_at, updated_at) VALUES ('aex_dead', ?, 'highlevel_action', 'crash-1', 'send_template', ?, 'claimed', ?, ?)`,
      )
      .bind(installation.id, 'msg_reserved_1', now, now)
      .run();
    // HighLevel's retry while the claim is fresh: nothing is sent, the workflow is told it is in progress.
    expect(await answerOf(await action(data, 'crash-1').send())).toMatchObject({
      status: 'pending',
      reasonCode: 'in_progress',
    });
    w.t.clock.advance(61_000);
    const resumed = await answerOf(await action(data, 'crash-1').send());
    expect(resumed).toMatchObject({ status: 'queued', messageId: 'msg_reserved_1' });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(1);
    // A later retry finds the outcome; still one message.
    expect(await answerOf(await action(data, 'crash-1').send())).toMatchObject({
      status: 'queued',
      messageId: 'msg_reserved_1',
      duplicate: true,
    });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(1);
  });

  it('a forged or unsigned call is a 401 and sends nothing', async () => {
    const call = action(
      { phone: '+3725550104', template: await templateId(), variable_1: 'a', variable_2: 'b' },
      'x',
    );
    const forged = await w.app.request('/automations/highlevel/actions/send-template', {
      method: 'POST',
      headers: { ...call.event.headers, 'x-ghl-signature': hl().signEvent('{"other":1}').signature },
      body: call.event.body,
    });
    const unsigned = await w.app.request('/automations/highlevel/actions/send-template', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: call.event.body,
    });
    for (const res of [forged, unsigned]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
    expect(await countRows(w, 'automation_executions')).toBe(0);
  });

  it('the action secret header HighLevel is configured to send authenticates a call; a wrong one is 401', async () => {
    const secret = 's'.repeat(40);
    const config = w.t.platform.config;
    w.t.platform.config = { ...config, secrets: { ...config.secrets, HIGHLEVEL_ACTION_SECRET: secret } };
    const body = JSON.stringify(
      workflowActionPayload({
        locationId: locationId(),
        executionId: 'hdr-1',
        data: { phone: '+3725550110', template: await templateId(), variable_1: 'a', variable_2: 'b' },
      }),
    );
    const post = (headers: Record<string, string>) =>
      w.app.request('/automations/highlevel/actions/send-template', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    expect((await post({ 'x-wabridge-action-secret': 'wrong'.repeat(8) })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(await answerOf(await post({ 'x-wabridge-action-secret': secret }))).toMatchObject({
      status: 'queued',
    });
    // The Select fields' options: GET with the same header, the location in the query.
    const options = await w.app.request(
      `/automations/highlevel/options/templates?locationId=${locationId()}`,
      {
        headers: { 'x-wabridge-action-secret': secret },
      },
    );
    expect(((await options.json()) as { options: { value: string }[] }).options).toEqual([
      { label: 'order_shipped (en)', value: await templateId() },
    ]);
    const refused = await w.app.request(
      `/automations/highlevel/options/templates?locationId=${locationId()}`,
    );
    expect(refused.status).toBe(401);
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(1);
  });

  it('a template that is not APPROVED is a failure output and nothing is sent', async () => {
    w.sims.meta.state.addTemplate({
      name: 'spring_sale',
      language: 'en',
      status: 'REJECTED',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Sale {{1}}', example: { body_text: [['x']] } }],
    } as never);
    expect((await w.call('POST', '/api/templates/sync', { token: admin, body: {} })).status).toBe(200);
    const answer = await answerOf(
      await action({
        phone: '+3725550105',
        template: await templateId('spring_sale'),
        variable_1: 'x',
      }).send(),
    );
    expect(answer).toMatchObject({ branchId: 'failed', success: false, status: 'failed', messageId: null });
    expect(answer.reasonCode).toBe('template_not_approved');
    expect(answer.reason).toMatch(/REJECTED/);
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
    expect(await countRows(w, 'messages')).toBe(0);
  });

  it('variables that do not fit are a failure output and nothing is sent', async () => {
    const id = await templateId();
    const missing = await answerOf(
      await action({ phone: '+3725550106', template: id, variable_1: 'Mari' }).send(),
    );
    const tooMany = await answerOf(
      await action({
        phone: '+3725550107',
        template: id,
        variable_1: 'a',
        variable_2: 'b',
        variable_3: 'c',
      }).send(),
    );
    const unknown = await answerOf(
      await action({ phone: '+3725550108', template: 'no_such_template', variable_1: 'a' }).send(),
    );
    expect(missing).toMatchObject({ status: 'failed', reasonCode: 'invalid_variables', messageId: null });
    expect(tooMany).toMatchObject({ status: 'failed', reasonCode: 'invalid_variables' });
    expect(unknown).toMatchObject({ status: 'failed', reasonCode: 'template_not_found' });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
    expect(await countRows(w, 'messages')).toBe(0);
  });

  it('an opted-out customer is a failure output', async () => {
    const contact = await w.ctx.contacts.ensure(number.connectionId, '+3725550109', null, w.t.clock.now());
    await w.ctx.contacts.setOptOut(contact.id, w.t.clock.now(), w.t.clock.now());
    const answer = await answerOf(
      await action({
        phone: '+3725550109',
        template: await templateId(),
        variable_1: 'a',
        variable_2: 'b',
      }).send(),
    );
    expect(answer).toMatchObject({ status: 'failed', reasonCode: 'opted_out' });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
  });

  it('dynamic options list the APPROVED templates of the location, signed calls only', async () => {
    w.sims.meta.state.addTemplate({
      name: 'pending_one',
      language: 'en',
      status: 'PENDING',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello' }],
    } as never);
    expect((await w.call('POST', '/api/templates/sync', { token: admin, body: {} })).status).toBe(200);
    const event = hl().signEvent({ data: {}, extras: { locationId: locationId() } });
    const res = await w.post('/automations/highlevel/options/templates', event);
    expect(res.status).toBe(200);
    const { options } = (await res.json()) as { options: { label: string; value: string }[] };
    expect(options).toEqual([{ label: 'order_shipped (en)', value: await templateId() }]);
    const numbers = await w.post('/automations/highlevel/options/numbers', event);
    expect(((await numbers.json()) as { options: { value: string }[] }).options).toEqual([
      expect.objectContaining({ value: number.senderPhone }),
    ]);
    const unsigned = await w.app.request('/automations/highlevel/options/templates', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: event.body,
    });
    expect(unsigned.status).toBe(401);
  });
});

describe('Send WhatsApp message', () => {
  it('sends free text inside the window', async () => {
    await customerWrites(w, number, '+3725550201', 'hello');
    await w.settle();
    const answer = await answerOf(
      await action({ phone: '+3725550201', message: 'Thanks, on it!' }, 'm-1', 'send-message').send(),
    );
    expect(answer).toMatchObject({ status: 'queued' });
    await w.settle();
    expect(lastSent(w, 'meta')).toMatchObject({ kind: 'text', text: 'Thanks, on it!' });
  });

  it('fails with template_required when the window is closed and no fallback is chosen', async () => {
    const answer = await answerOf(
      await action({ phone: '+3725550202', message: 'Are you there?' }, 'm-2', 'send-message').send(),
    );
    expect(answer).toMatchObject({ success: false, status: 'failed', reasonCode: 'template_required' });
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
  });

  it('falls back to the chosen template when the window is closed', async () => {
    const answer = await answerOf(
      await action(
        {
          phone: '+3725550203',
          message: 'Are you there?',
          fallback_template: await templateId(),
          variable_1: 'Mari',
          variable_2: 'A-3',
        },
        'm-3',
        'send-message',
      ).send(),
    );
    expect(answer).toMatchObject({ status: 'queued' });
    await w.settle();
    expect(lastSent(w, 'meta')).toMatchObject({ kind: 'template', params: ['Mari', 'A-3'] });
  });
});
