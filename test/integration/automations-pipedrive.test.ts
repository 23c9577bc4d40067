// The automation webhook (issue 15) that Pipedrive's "send webhook" automation action calls: Basic auth with the
// installation's hook id and secret (shown in /api/automations, rotatable), the same send path, the result logged as
// a note on the person and deal through the CRM record path.
import { describe, expect, it } from 'vitest';
import {
  adminSession,
  connectProvider,
  installPipedrive,
  lastSent,
  row,
  sentCount,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();

interface Hook {
  url: string;
  username: string;
  secret: string;
}

async function setUp(w: World) {
  expect((await installPipedrive(w)).status).toBe(302);
  const admin = await adminSession(w);
  const number = await connectProvider(w, admin, 'meta');
  const settings = await w.call('GET', '/api/automations', { token: admin });
  expect(settings.status).toBe(200);
  const { webhook } = (await settings.json()) as { webhook: Hook };
  return { admin, number, webhook };
}

function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** Pipedrive's webhook action: POST with the body built from key-value pairs and the webhook's Basic credentials. */
function fire(w: World, hook: Hook, secret: string, body: Record<string, unknown>) {
  return w.app.request(new URL(hook.url).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(hook.username, secret) },
    body: JSON.stringify(body),
  });
}

describe('Pipedrive automation webhook', () => {
  it('with the right secret sends the template and logs a note on the person and deal', async () => {
    const w = world.get();
    const { webhook, number } = await setUp(w);
    const pd = w.sims.pipedrive;
    const person = pd.seedPerson({ name: 'Mari Tamm', phones: [{ value: '+372 5123 4567', primary: true }] });
    const deal = pd.seedDeal({ title: 'Pickup', personId: person.id });
    const res = await fire(w, webhook, webhook.secret, {
      phone: '+372 5123 4567',
      person_name: 'Mari Tamm',
      deal_id: deal.id,
      template: 'order_ready',
      language: 'en',
      variables: { '1': 'Mari', '2': 'A-1001' },
      idempotency_key: `deal-${deal.id}-stage-3`,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { success: boolean; status: string; messageId: string };
    expect(answer).toMatchObject({ success: true, status: 'queued' });
    while ((await w.drain()) > 0);
    expect(lastSent(w, 'meta')).toMatchObject({ templateName: 'order_ready', params: ['Mari', 'A-1001'] });
    const stored = await row<{ crm_message_id: string; connection_id: string }>(
      w,
      'SELECT crm_message_id, connection_id FROM messages WHERE id = ?',
      answer.messageId,
    );
    expect(stored?.connection_id).toBe(number.connectionId);
    const note = pd.state.notes.get(Number(stored!.crm_message_id))!;
    expect(note).toMatchObject({ person_id: person.id, deal_id: deal.id });
    expect(note.content).toContain('A-1001');

    // Pipedrive retrying the same run: nothing more is sent.
    const again = await fire(w, webhook, webhook.secret, {
      phone: '+372 5123 4567',
      deal_id: deal.id,
      template: 'order_ready',
      variables: { '1': 'Mari', '2': 'A-1001' },
      idempotency_key: `deal-${deal.id}-stage-3`,
    });
    expect(await again.json()).toMatchObject({
      status: 'queued',
      messageId: answer.messageId,
      duplicate: true,
    });
    while ((await w.drain()) > 0);
    expect(sentCount(w, 'meta')).toBe(1);
  });

  it('a wrong or missing secret is a 401 and sends nothing', async () => {
    const w = world.get();
    const { webhook } = await setUp(w);
    const body = { phone: '+37251234567', template: 'order_ready', variable_1: 'a', variable_2: 'b' };
    const wrong = await fire(w, webhook, 'not-the-secret', body);
    const otherHook = await w.app.request('/automations/webhook/hook_unknown', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('hook_unknown', webhook.secret) },
      body: JSON.stringify(body),
    });
    const none = await w.app.request(new URL(webhook.url).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    for (const res of [wrong, otherHook, none]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    while ((await w.drain()) > 0);
    expect(sentCount(w, 'meta')).toBe(0);
    expect(await row<{ n: number }>(w, 'SELECT COUNT(*) AS n FROM automation_executions')).toEqual({ n: 0 });
  });

  it('after a rotation the old secret is refused and the new one works', async () => {
    const w = world.get();
    const { admin, webhook } = await setUp(w);
    const rotated = await w.call('POST', '/api/automations/webhook/rotate', { token: admin });
    expect(rotated.status).toBe(200);
    const next = ((await rotated.json()) as { webhook: Hook }).webhook;
    expect(next.url).toBe(webhook.url); // the URL pasted in Pipedrive stays; only the secret changes
    expect(next.secret).not.toBe(webhook.secret);
    const body = { phone: '+37251234567', template: 'order_ready', variable_1: 'a', variable_2: 'b' };
    expect((await fire(w, webhook, webhook.secret, body)).status).toBe(401);
    const ok = await fire(w, next, next.secret, body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'queued' });
    const shown = await w.call('GET', '/api/automations', { token: admin });
    const view = (await shown.json()) as { webhook: Hook; executions: { status: string }[] };
    expect(view.webhook.secret).toBe(next.secret);
    // The admin's table: who got what (the recipient and the template from the message the execution created).
    expect(view.executions).toEqual([
      expect.objectContaining({
        status: 'queued',
        recipient: '+37251234567',
        sent: expect.stringMatching(/^order_ready \(/),
      }),
    ]);
  });

  it('a template that does not fit is a failure outcome, nothing sent', async () => {
    const w = world.get();
    const { webhook } = await setUp(w);
    const res = await fire(w, webhook, webhook.secret, { phone: '+37251234567', template: 'order_ready' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      success: false,
      status: 'failed',
      reasonCode: 'invalid_variables',
    });
    while ((await w.drain()) > 0);
    expect(sentCount(w, 'meta')).toBe(0);
  });
});
