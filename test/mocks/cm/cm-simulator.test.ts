import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { createCmSimulator, CM_SIM_PRODUCT_TOKEN } from './index';
import authFailed from '../../../adapters/providers/cm/__fixtures__/response-auth-failed.json';

const BASE = 'https://cm-sim.test';
const sim = createCmSimulator({ baseUrl: BASE });
const server = setupServer(...sim.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${BASE}/v1.0/message`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const msg = (number: string, reference: string, content = 'Hi') => ({
  from: '31201234567',
  to: [{ number }],
  body: { type: 'auto', content },
  reference,
  allowedChannels: ['WhatsApp'],
  richContent: { conversation: [{ text: content }] },
});

describe('CM.com simulator', () => {
  it('answers a bad token with the documented 101 body', async () => {
    const res = await post({
      messages: { authentication: { producttoken: 'nope' }, msg: [msg('0031612345678', 'a')] },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(authFailed);
  });

  it('accepts the token from the body alone (SDK style) and records the message', async () => {
    const res = await post({
      messages: { authentication: { producttoken: CM_SIM_PRODUCT_TOKEN }, msg: [msg('0031612345678', 'a1')] },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      details: 'Created 1 message(s)',
      errorCode: 0,
      messages: [
        {
          to: '0031612345678',
          status: 'Accepted',
          reference: 'a1',
          parts: 1,
          messageDetails: null,
          messageErrorCode: 0,
        },
      ],
    });
    expect(sim.state.sent.at(-1)).toMatchObject({
      reference: 'a1',
      to: '0031612345678',
      part: { text: 'Hi' },
    });
  });

  it('partially invalid batch → HTTP 200 with errorCode 201 and a Rejected entry (providers.md example shape)', async () => {
    const res = await post(
      { messages: { msg: [msg('0031612345678', 'ok1'), msg('0031612345679', 'bad1', '')] } },
      { 'X-CM-PRODUCTTOKEN': CM_SIM_PRODUCT_TOKEN },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      errorCode: number;
      messages: { status: string; messageErrorCode: number }[];
    };
    expect(body.errorCode).toBe(201);
    expect(body.messages.map((m) => [m.status, m.messageErrorCode])).toEqual([
      ['Accepted', 0],
      ['Rejected', 304],
    ]);
  });

  it('malformed JSON and an empty msg array are request errors', async () => {
    const bad = await post('{"messages":', { 'X-CM-PRODUCTTOKEN': CM_SIM_PRODUCT_TOKEN });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 202 });
    const empty = await post({ messages: { msg: [] } }, { 'X-CM-PRODUCTTOKEN': CM_SIM_PRODUCT_TOKEN });
    expect(await empty.json()).toMatchObject({ errorCode: 203 });
  });

  it('seeds thousands of templates and counts sends per recipient', async () => {
    const seeded = sim.seedTemplates(6000);
    expect(seeded).toHaveLength(6000);
    expect(sim.state.templates.size).toBe(6000);
    const before = sim.state.countsByRecipient.get('0031600000001') ?? 0;
    for (const ref of ['c1', 'c2']) {
      await post(
        { messages: { msg: [msg('0031600000001', ref)] } },
        { 'X-CM-PRODUCTTOKEN': CM_SIM_PRODUCT_TOKEN },
      );
    }
    expect(sim.state.countsByRecipient.get('0031600000001')).toBe(before + 2);
  });

  it('faults answer before the gateway logic', async () => {
    sim.faults.add({ status: 429, headers: { 'Retry-After': '2' } });
    const res = await post(
      { messages: { msg: [msg('0031612345678', 'f1')] } },
      { 'X-CM-PRODUCTTOKEN': CM_SIM_PRODUCT_TOKEN },
    );
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('2');
    expect(sim.faults.injected).toBe(1);
  });
});
