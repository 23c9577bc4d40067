// markRead against the Meta simulator: the read receipt's wire shape, Graph's answers, every exchange spec-checked.
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors';
import { metaInbound } from '../../../test/mocks/meta';
import { META_TEST_BASE, metaTestCredentials, useMetaSimulator } from '../../../test/mocks/meta/harness';

const { sim, server, adapter, assertSpecValid } = useMetaSimulator();
afterEach(assertSpecValid);

const CUSTOMER = '+16505551234';

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** The customer writes: the simulator delivers the message to us and remembers its id. */
function customerMessageId(): string {
  const message = metaInbound.text({ from: CUSTOMER }, 'Is my order on its way?');
  sim.inboundWebhook([message]);
  return String(message.id);
}

describe('markRead', () => {
  it('sends Meta a read receipt for the customer message and resolves on {"success": true}', async () => {
    const wamid = customerMessageId();
    let body: unknown;
    server.events.on('request:start', ({ request }) => {
      if (request.method === 'POST')
        void request
          .clone()
          .json()
          .then((b: unknown) => (body = b));
    });
    await adapter().markRead!(wamid);
    server.events.removeAllListeners('request:start');
    expect(body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: wamid });
    expect(sim.state.reads.map((r) => r.messageId)).toEqual([wamid]);
    expect(sim.state.sent).toEqual([]); // a receipt is not a message
  });

  it('maps Graph refusing an id it never delivered to us to rejected, with code and details kept', async () => {
    const error = await caught(adapter().markRead!('wamid.NEVER_DELIVERED'));
    expect(error).toMatchObject({ kind: 'rejected', vendorCode: '100', httpStatus: 400 });
    expect(error.vendorMessage).toMatch(/Invalid message_id/);
    expect(sim.state.reads).toEqual([]);
  });

  it('maps a wrong access token to auth without echoing the token', async () => {
    const wamid = customerMessageId();
    const wrong = adapter({ credentials: metaTestCredentials({ accessToken: 'EAAwrongToken' }) });
    const error = await caught(wrong.markRead!(wamid));
    expect(error).toMatchObject({ kind: 'auth', vendorCode: '190', httpStatus: 401 });
    expect(error.message).not.toContain('EAAwrongToken');
    expect(sim.state.reads).toEqual([]);
  });

  it('treats a 2xx without success as a refusal, not as done', async () => {
    server.use(
      http.post(`${META_TEST_BASE}/:version/:phoneNumberId/messages`, () =>
        HttpResponse.json({ success: false }, { headers: { 'x-mock-fault': '1' } }),
      ),
    );
    const error = await caught(adapter().markRead!('wamid.ANY'));
    expect(error.kind).toBe('rejected');
  });

  it('maps a Meta rate limit to rate_limited (the caller ignores it)', async () => {
    sim.faults.add({
      status: 429,
      body: { error: { message: 'Rate limit hit', type: 'OAuthException', code: 130429 } },
    });
    const error = await caught(adapter().markRead!(customerMessageId()));
    expect(error.kind).toBe('rate_limited');
  });
});
