// Issue 11 acceptance, sending side: the agent answers a customer known only by BSUID. The provider receives the BSUID
// as recipient (Meta `recipient`, Twilio `whatsapp:CC.…`), statuses keyed by recipient_user_id move the ticks; outside
// the window → 409 template_required; an authentication template → 409 phone_required with nothing sent; CM.com
// cannot address a BSUID → phone_required.
import { describe, expect, it } from 'vitest';
import { makeTemplate } from '../../src/core/__fixtures__/templates';
import { useAppHarness } from '../contract/app-harness';
import { SENDERS } from '../contract/app-harness';
import { HOUR } from '../helpers/platform';
import { metaInbound, metaMessagesWebhook, metaStatus, metaStatusesWebhook } from '../mocks/meta';
import { buildTwilioInbound, buildTwilioStatus } from '../mocks/twilio';

const h = useAppHarness();
const BSUID = 'US.13491208655302741918';

async function usernameCustomerWritesMeta(at = h.t.clock.now()) {
  const res = await h.postMeta(
    metaMessagesWebhook({}, [
      metaInbound.text({ userId: BSUID, username: 'sheena.shop', timestampMs: at }, 'hi'),
    ]),
  );
  expect(res.status).toBe(200);
}

async function reply(connectionId: string, content: unknown = { type: 'text', text: 'Hello there' }) {
  return h.api('POST', '/api/messages', { connectionId, to: BSUID, content });
}

describe('sending to a customer known only by BSUID', () => {
  it('Meta: the reply goes to `recipient` = BSUID; statuses by recipient_user_id move the ticks', async () => {
    await usernameCustomerWritesMeta();
    const res = await reply(h.connections.meta.id);
    expect(res.status).toBe(202);
    const { message } = (await res.json()) as { message: { id: string } };
    await h.runJobs(['send_message']);
    const [sent] = h.sims.meta.state.sent;
    expect(sent?.body).toMatchObject({ recipient: BSUID, type: 'text' });
    expect(sent?.body).not.toHaveProperty('to');
    const row = await h.t.db
      .prepare('SELECT provider_message_id FROM messages WHERE id = ?')
      .bind(message.id)
      .first<{ provider_message_id: string }>();
    for (const status of ['sent', 'delivered', 'read'] as const) {
      h.t.clock.advance(1000);
      const posted = await h.postMeta(
        metaStatusesWebhook({}, [
          metaStatus({
            id: row!.provider_message_id,
            status,
            recipientUserId: BSUID,
            timestampMs: h.t.clock.now(),
          }),
        ]),
      );
      expect(posted.status).toBe(200);
    }
    const after = await h.t.db
      .prepare('SELECT status, status_times FROM messages WHERE id = ?')
      .bind(message.id)
      .first<{ status: string; status_times: string }>();
    expect(after?.status).toBe('read');
    expect(Object.keys(JSON.parse(after!.status_times) as object)).toEqual(
      expect.arrayContaining(['sent', 'delivered', 'read']),
    );
    await h.assertSpecValid();
  });

  it('Meta: outside the window → 409 template_required, nothing sent', async () => {
    await usernameCustomerWritesMeta(h.t.clock.now() - 25 * HOUR);
    const res = await reply(h.connections.meta.id);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('template_required');
    expect(h.sims.meta.state.sent).toHaveLength(0);
  });

  it('an authentication template to a phone-less customer → 409 phone_required before any provider call', async () => {
    await usernameCustomerWritesMeta();
    await h.ctx.templates.insertManual(
      h.connections.meta.id,
      makeTemplate({
        name: 'login_code',
        providerTemplateId: 'tpl-login',
        category: 'AUTHENTICATION',
        components: { body: '{{1}} is your code.', buttons: [] },
        variables: [{ id: 'body.1', location: 'body', key: '1', example: '123456' }],
      }),
      h.t.clock.now(),
    );
    const stored = await h.ctx.templates.findByProviderId(h.connections.meta.id, 'tpl-login', 'meta');
    const before = await h.count('messages');
    const res = await reply(h.connections.meta.id, {
      type: 'template',
      templateId: stored!.id,
      values: { 'body.1': '123456' },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('phone_required');
    expect(await h.count('messages')).toBe(before);
    expect(h.t.queue.pending.filter((p) => p.job.type === 'send_message')).toHaveLength(0);
    expect(h.sims.meta.state.sent).toHaveLength(0);
  });

  it('Twilio: a username customer writes as whatsapp:CC.…, the reply goes To whatsapp:CC.…', async () => {
    const res = await h.postTwilio(
      buildTwilioInbound({ to: SENDERS.twilio, from: BSUID, body: 'hi from twilio' }),
    );
    expect(res.status).toBe(200);
    const contact = await h.t.db
      .prepare('SELECT phone, user_id FROM contacts WHERE connection_id = ?')
      .bind(h.connections.twilio.id)
      .first();
    expect(contact).toEqual({ phone: BSUID, user_id: BSUID });
    const sent = await reply(h.connections.twilio.id);
    expect(sent.status).toBe(202);
    const { message } = (await sent.json()) as { message: { id: string } };
    await h.runJobs(['send_message']);
    const [out] = h.sims.twilio.state.messages;
    expect(out?.to).toBe(`whatsapp:${BSUID}`);
    const status = await h.postTwilio(
      buildTwilioStatus({ messageSid: out!.sid, status: 'delivered', from: SENDERS.twilio, to: BSUID }),
    );
    expect(status.status).toBe(200);
    const row = await h.t.db.prepare('SELECT status FROM messages WHERE id = ?').bind(message.id).first();
    expect(row).toEqual({ status: 'delivered' });
  });

  it('CM.com cannot address a BSUID: the API answers 409 phone_required and nothing is sent', async () => {
    const res = await reply(h.connections.cm.id);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('phone_required');
    expect(h.sims.cm.state.sent).toHaveLength(0);
  });
});
