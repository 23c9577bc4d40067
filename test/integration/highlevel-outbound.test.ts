// The Delivery URL beyond the happy path: bulk bursts go through the queue, attachments become media messages,
// provider errors and missing numbers fail the HighLevel message with a readable reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminToken,
  connectProvider,
  createWorld,
  customerWrites,
  installationOf,
  installHighLevel,
  sentCount,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel;
const failuresOf = (messageId: string) =>
  hl().state.statusUpdates.filter((u) => u.messageId === messageId && u.status === 'failed');

async function installed(withNumber = true): Promise<ConnectedNumber | null> {
  expect((await installHighLevel(w)).status).toBe(302);
  const installation = (await installationOf(w))!;
  return withNumber ? connectProvider(w, await adminToken(w, installation.id), 'meta') : null;
}

async function deliver(phone: string, message: string, attachments?: string[]): Promise<string> {
  const delivery = hl().buildOutboundDelivery({ phone, message, attachments });
  const res = await w.post('/crm/highlevel/outbound', delivery);
  expect(res.status).toBe(200);
  return delivery.payload.messageId;
}

describe('Delivery URL → WhatsApp', () => {
  it('acknowledges a bulk burst without calling the provider, then sends each message exactly once', async () => {
    const number = (await installed())!;
    const phones = Array.from({ length: 10 }, (_, i) => `+37255503${String(i).padStart(2, '0')}`);
    for (const phone of phones) await customerWrites(w, number, phone, 'hi');
    await w.settle();
    for (const phone of phones) await deliver(phone, 'Thanks for writing!');
    expect(sentCount(w, 'meta')).toBe(0);
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(10);
    const recipients = w.sims.meta.state.sent.map((m) => m.to);
    expect(new Set(recipients).size).toBe(10);
  }, 90_000); // 10 webhooks and 10 deliveries through real local D1: slow on a loaded machine

  it('sends attachments as media messages, the text as the first caption', async () => {
    const number = (await installed())!;
    await customerWrites(w, number, '+3725550400', 'send me the invoice');
    await w.settle();
    await deliver('+3725550400', 'Here you go', [
      'https://files.example/invoice%20A-1.pdf',
      'https://files.example/photo.jpg',
    ]);
    await w.settle();
    const sent = w.sims.meta.state.sent.map((m) => ({ type: m.type, body: m.body }));
    expect(sent).toEqual([
      {
        type: 'document',
        body: expect.objectContaining({
          document: expect.objectContaining({
            link: 'https://files.example/invoice%20A-1.pdf',
            caption: 'Here you go',
            filename: 'invoice A-1.pdf',
          }),
        }),
      },
      {
        type: 'image',
        body: expect.objectContaining({
          image: expect.objectContaining({ link: 'https://files.example/photo.jpg' }),
        }),
      },
    ]);
  });

  it('outside the window a reply with attachments fails back to HighLevel: no template carries them', async () => {
    await installed();
    const messageId = await deliver('+3725550401', 'Hi Mari, your order A-1001 has shipped.', [
      'https://files.example/photo.jpg',
    ]);
    await w.settle();
    expect(sentCount(w, 'meta')).toBe(0);
    expect(failuresOf(messageId)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'template_required' }) }),
    ]);
  });

  it('maps a provider refusal to a failed HighLevel status with the normalized reason', async () => {
    const number = (await installed())!;
    await customerWrites(w, number, '+3725550402', 'hello');
    await w.settle();
    w.sims.meta.faults.add({
      status: 400,
      body: {
        error: {
          message: '(#131026) Message Undeliverable.',
          type: 'OAuthException',
          code: 131026,
          error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' },
          fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
        },
      },
    });
    const messageId = await deliver('+3725550402', 'Are you there?');
    await w.settle();
    const [failure] = failuresOf(messageId);
    expect(failure!.error).toMatchObject({ code: '131026', type: 'saas' });
    expect(failure!.error!.message.length).toBeGreaterThan(10);
    expect(failure!.error!.message).not.toMatch(/[{}]/); // a sentence, not raw JSON
  });

  it('fails the message back when the location has no WhatsApp number connected yet', async () => {
    await installed(false);
    const messageId = await deliver('+3725550403', 'Hello');
    await w.settle();
    expect(failuresOf(messageId)).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({
          code: 'rejected',
          message: expect.stringContaining('No WhatsApp number'),
        }),
      }),
    ]);
    expect(await w.t.db.prepare('SELECT outcome FROM crm_deliveries').first()).toEqual({
      outcome: 'failed:no_connection',
    });
  });

  it('fails the message back when the contact has no usable phone number', async () => {
    await installed();
    const messageId = await deliver('not-a-number', 'Hello');
    await w.settle();
    expect(failuresOf(messageId)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'invalid_recipient' }) }),
    ]);
    expect(sentCount(w, 'meta')).toBe(0);
  });
});
