import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { OutboundMessage } from '../../../src/core/message';
import type { TemplateDraft } from '../../../src/core/template';
import { createCmSimulator, CM_SIM_PRODUCT_TOKEN } from '../../../test/mocks/cm';
import { createCmAdapter } from './cm-adapter';
import templateRequest from './__fixtures__/send-template-request.json';

const BASE = 'https://cm.test';
const sim = createCmSimulator({ baseUrl: BASE });
const server = setupServer(...sim.handlers);
const creds = { productToken: CM_SIM_PRODUCT_TOKEN, from: '+31201234567' };
const adapter = createCmAdapter({ credentials: creds, http: { baseUrl: BASE, timeoutMs: 300 } });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  sim.faults.clear();
  sim.state.sent.length = 0;
  sim.state.templates.clear();
});
afterAll(() => server.close());

const to = '+31612345678';
const msg = (content: OutboundMessage['content'], extra: Partial<OutboundMessage> = {}): OutboundMessage => ({
  reference: 'msg01',
  to,
  content,
  ...extra,
});

async function sendAndCapture(message: OutboundMessage) {
  const result = await adapter.send(message);
  const sent = sim.state.sent.at(-1);
  if (!sent) throw new Error('nothing reached the simulator');
  return { result, sent };
}

describe('send', () => {
  it('text: from digits, 00-recipient, WhatsApp only, reference = providerMessageId', async () => {
    const { result, sent } = await sendAndCapture(msg({ type: 'text', text: 'Hello' }));
    expect(result).toEqual({ providerMessageId: 'msg01', status: 'pending' });
    expect(sent).toMatchObject({
      to: '0031612345678',
      from: '31201234567',
      reference: 'msg01',
      bodyContent: 'Hello',
    });
    expect(sent.part).toEqual({ text: 'Hello' });
    expect(sim.state.countsByRecipient.get('0031612345678')).toBe(1);
  });

  it('derives a stable 32-char alphanumeric reference from ids CM.com would refuse', async () => {
    const id = 'msg_01J9Z-abc/def';
    const a = await adapter.send(msg({ type: 'text', text: 'x' }, { reference: id }));
    const b = await adapter.send(msg({ type: 'text', text: 'x' }, { reference: id }));
    expect(a.providerMessageId).toMatch(/^[a-f0-9]{32}$/);
    expect(b.providerMessageId).toBe(a.providerMessageId);
    expect(sim.state.sent.at(-1)?.reference).toBe(a.providerMessageId);
  });

  it('media with caption, name and MIME type derived from the URL', async () => {
    const { sent } = await sendAndCapture(
      msg({
        type: 'media',
        mediaType: 'document',
        url: 'https://files.test/q3/report.pdf',
        caption: 'Your invoice',
      }),
    );
    expect(sent.part).toEqual({
      text: 'Your invoice',
      media: {
        mediaName: 'report.pdf',
        mediaUri: 'https://files.test/q3/report.pdf',
        mimeType: 'application/pdf',
      },
    });
    expect(sent.bodyContent).toBe('Your invoice');
  });

  it('image without caption keeps a non-empty fallback body', async () => {
    const { sent } = await sendAndCapture(
      msg({ type: 'media', mediaType: 'image', url: 'https://files.test/a' }),
    );
    expect(sent.part).toEqual({
      media: { mediaName: 'a', mediaUri: 'https://files.test/a', mimeType: 'image/jpeg' },
    });
    expect(sent.bodyContent).toBe('[image]');
  });

  it('location with string coordinates, label and searchQuery', async () => {
    const { sent } = await sendAndCapture(
      msg({
        type: 'location',
        latitude: 51.603802,
        longitude: 4.770821,
        name: 'CM HQ',
        address: 'Konijnenberg 30',
      }),
    );
    expect(sent.part).toEqual({
      location: {
        latitude: '51.603802',
        longitude: '4.770821',
        label: 'CM HQ',
        searchQuery: 'Konijnenberg 30',
      },
    });
  });

  it('contacts in WhatsApp contact format', async () => {
    const { sent } = await sendAndCapture(
      msg({
        type: 'contacts',
        contacts: [{ name: 'Ann Lee', phones: ['+3161111111'], emails: ['a@x.test'], organization: 'ACME' }],
      }),
    );
    expect(sent.part).toEqual({
      contacts: [
        {
          name: { formatted_name: 'Ann Lee', first_name: 'Ann Lee' },
          phones: [{ phone: '+3161111111', type: 'CELL' }],
          emails: [{ email: 'a@x.test', type: 'WORK' }],
          org: { company: 'ACME' },
        },
      ],
    });
  });

  it('reply buttons, list and CTA URL as interactive parts, with reply context', async () => {
    const buttons = await sendAndCapture(
      msg(
        {
          type: 'interactive_buttons',
          body: 'Pick',
          header: 'H',
          footer: 'F',
          buttons: [{ id: 'y', title: 'Yes' }],
        },
        { replyTo: 'mo-1' },
      ),
    );
    expect(buttons.sent.part).toEqual({
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'H' },
        body: { text: 'Pick' },
        footer: { text: 'F' },
        action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] },
      },
      context: { message_id: 'mo-1' },
    });
    const list = await sendAndCapture(
      msg({
        type: 'interactive_list',
        body: 'Menu',
        buttonText: 'Open',
        sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row' }] }],
      }),
    );
    expect(list.sent.part).toEqual({
      interactive: {
        type: 'list',
        body: { text: 'Menu' },
        action: { button: 'Open', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row' }] }] },
      },
    });
    const cta = await sendAndCapture(
      msg({ type: 'cta_url', body: 'Track', buttonText: 'Open', url: 'https://t.test/1' }),
    );
    expect(cta.sent.part).toEqual({
      interactive: {
        type: 'cta_url',
        body: { text: 'Track' },
        action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://t.test/1' } },
      },
    });
  });

  it('template: the vendor example request, byte for byte in the template part', async () => {
    const expected = templateRequest.messages.msg[0]!;
    sim.state.templates.set('0a72eb69_2478_4109_a8b6_577bf0ec778a:orange_money_pass:fr', {
      namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
      elementName: 'orange_money_pass',
      language: 'fr',
      bodyParams: 1,
    });
    const { sent } = await sendAndCapture(
      msg(
        {
          type: 'template',
          templateId: 't1',
          templateName: 'orange_money_pass',
          language: 'fr',
          values: { 'body.1': 'https://bit.ly/3zyzp5E' },
          renderedText: 'Fallback text',
        },
        {
          reference: 'crmmsg123',
          template: {
            providerTemplateId: '0a72eb69_2478_4109_a8b6_577bf0ec778a:orange_money_pass:fr',
            name: 'orange_money_pass',
            language: 'fr',
            namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
            parameterFormat: 'POSITIONAL',
            variables: [{ id: 'body.1', location: 'body', key: '1' }],
          },
        },
      ),
    );
    expect(sent.part).toEqual(expected.richContent.conversation[0]);
    expect(sent.bodyContent).toBe(expected.body.content);
    expect(sent.reference).toBe(expected.reference);
  });

  it('template with media header, text body and URL + quick-reply buttons', async () => {
    const { sent } = await sendAndCapture(
      msg(
        {
          type: 'template',
          templateId: 't2',
          templateName: 'order_ready',
          language: 'en',
          values: { 'body.1': 'Ann', 'body.2': '#42', 'button.0.1': 'o/42', 'button.1.payload': 'STOP' },
          headerMediaUrl: 'https://files.test/banner.png',
        },
        {
          template: {
            providerTemplateId: 'ns:order_ready:en',
            name: 'order_ready',
            language: 'en',
            namespace: 'ns',
            parameterFormat: 'POSITIONAL',
            headerFormat: 'IMAGE',
            buttonTypes: ['URL', 'QUICK_REPLY'],
            variables: [
              { id: 'body.1', location: 'body', key: '1' },
              { id: 'body.2', location: 'body', key: '2' },
              { id: 'button.0.1', location: 'button', key: '1', buttonIndex: 0 },
              { id: 'button.1.payload', location: 'button', key: 'payload', buttonIndex: 1 },
            ],
          },
        },
      ),
    );
    const template = (sent.part as { template: { whatsapp: { components: unknown[] } } }).template.whatsapp;
    expect(template.components).toEqual([
      {
        type: 'header',
        parameters: [
          {
            type: 'image',
            media: {
              mediaName: 'banner.png',
              mediaUri: 'https://files.test/banner.png',
              mimeType: 'image/png',
            },
          },
        ],
      },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ann' },
          { type: 'text', text: '#42' },
        ],
      },
      { type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: 'o/42' }] },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: 1,
        parameters: [{ type: 'payload', payload: 'STOP' }],
      },
    ]);
    expect(sent.bodyContent).toBe('order_ready');
  });

  it('refuses content CM.com cannot send, before any HTTP call', async () => {
    const before = sim.state.requests;
    await expect(
      adapter.send(msg({ type: 'reaction', emoji: '👍', targetProviderMessageId: 'x' })),
    ).rejects.toMatchObject({
      kind: 'rejected',
    });
    await expect(
      adapter.send(msg({ type: 'template', templateId: 't', templateName: 'n', language: 'en', values: {} })),
    ).rejects.toMatchObject({ kind: 'template_mismatch' });
    expect(sim.state.requests).toBe(before);
  });
});

describe('send errors', () => {
  const text = msg({ type: 'text', text: 'hi' });

  it('wrong product token → auth with CM code 101', async () => {
    const bad = createCmAdapter({
      credentials: { productToken: '11111111-1111-4111-8111-111111111111', from: creds.from },
      http: { baseUrl: BASE, timeoutMs: 1000 },
    });
    const err = await bad.send(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'auth', vendorCode: '101', httpStatus: 400 });
    expect((err as ProviderError).vendorMessage).toBe('No account found for the given authentication');
  });

  it('rejected message (304 empty body) → rejected with the message details', async () => {
    sim.faults.add({
      status: 400,
      body: {
        details: 'Created 0 message(s)',
        errorCode: 201,
        messages: [
          {
            to: '0031612345678',
            status: 'Rejected',
            reference: 'msg01',
            parts: 0,
            messageDetails: 'A body without content was found',
            messageErrorCode: 304,
          },
        ],
      },
    });
    await expect(adapter.send(text)).rejects.toMatchObject({
      kind: 'rejected',
      vendorCode: '304',
      vendorMessage: 'A body without content was found',
    });
  });

  it('invalid number → invalid_recipient (simulator validates the 00 form)', async () => {
    const err = await adapter.send({ ...text, to: '+1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid_recipient', vendorCode: '303' });
  });

  it('unknown template / parameter count → template_mismatch', async () => {
    sim.seedTemplates(1, 'ns');
    const err = await adapter
      .send(
        msg(
          { type: 'template', templateId: 't', templateName: 'template_0', language: 'en', values: {} },
          {
            template: {
              providerTemplateId: 'ns:template_0:en',
              name: 'template_0',
              language: 'en',
              namespace: 'ns',
              parameterFormat: 'POSITIONAL',
              variables: [],
            },
          },
        ),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'template_mismatch', vendorCode: '305' });
  });

  it('HTTP 429 with Retry-After → rate_limited with the delay', async () => {
    sim.faults.add({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { details: 'Too many requests', errorCode: 0 },
    });
    await expect(adapter.send(text)).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      httpStatus: 429,
    });
  });

  it('5xx → transient (retryable)', async () => {
    sim.faults.add({ status: 503, body: 'upstream down' });
    const err = (await adapter.send(text).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('transient');
    expect(err.retryable).toBe(true);
  });

  it('timeout after the request left → unknown_outcome, not retryable', async () => {
    sim.faults.add({
      delayMs: 1500,
      status: 200,
      body: { details: 'Created 1 message(s)', errorCode: 0, messages: [] },
    });
    const err = (await adapter.send(text).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('unknown_outcome');
    expect(err.retryable).toBe(false);
  });

  it('network error once connected → unknown_outcome, as Meta and Twilio (it may have been accepted)', async () => {
    sim.faults.add({ networkError: true });
    await expect(adapter.send(text)).rejects.toMatchObject({ kind: 'unknown_outcome', retryable: false });
  });

  it('a 200 with a body we cannot read → unknown_outcome (it may have been accepted)', async () => {
    sim.faults.add({ status: 200, body: { unexpected: true } });
    await expect(adapter.send(text)).rejects.toMatchObject({ kind: 'unknown_outcome' });
  });

  it('malformed JSON error body on a 400 → rejected with the HTTP status', async () => {
    sim.faults.add({ status: 400, body: '<html>bad request</html>' });
    await expect(adapter.send(text)).rejects.toMatchObject({ kind: 'rejected', httpStatus: 400 });
  });

  it('send without credentials → auth, no HTTP call', async () => {
    const noCreds = createCmAdapter({ http: { baseUrl: BASE, timeoutMs: 100 } });
    await expect(noCreds.send(text)).rejects.toMatchObject({ kind: 'auth' });
  });
});

describe('templates and credentials', () => {
  it('capabilities say there is no template list or submission API, and listTemplates yields nothing', async () => {
    expect(adapter.capabilities).toMatchObject({ listTemplates: false, submitTemplate: false });
    const pages: unknown[] = [];
    for await (const page of adapter.listTemplates()) pages.push(page);
    expect(pages).toEqual([]);
  });

  const draft: TemplateDraft = {
    name: 'order_update',
    language: 'en',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: { body: 'Hello {{1}}, your order is ready for pickup today.', buttons: [] },
    examples: { 'body.1': 'Ann' },
  };

  it('submitTemplate lints first, then explains where CM.com templates are submitted', async () => {
    const bad = await adapter.submitTemplate({ ...draft, name: 'Bad Name!' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).code).toBe('invalid_request');
    await expect(adapter.submitTemplate(draft)).rejects.toMatchObject({
      kind: 'rejected',
      message: 'CM.com templates are submitted in the CM.com Channels app',
    });
  });

  it('testCredentials accepts a known token and sends nothing', async () => {
    await expect(adapter.testCredentials()).resolves.toBeUndefined();
    expect(sim.state.sent).toHaveLength(0);
  });

  it('testCredentials rejects an unknown token with auth', async () => {
    const bad = createCmAdapter({
      credentials: { productToken: '22222222-2222-4222-8222-222222222222', from: creds.from },
      http: { baseUrl: BASE, timeoutMs: 1000 },
    });
    await expect(bad.testCredentials()).rejects.toMatchObject({ kind: 'auth', vendorCode: '101' });
  });

  it('testCredentials surfaces an outage as transient', async () => {
    sim.faults.add({ status: 502 });
    await expect(adapter.testCredentials()).rejects.toMatchObject({ kind: 'transient' });
  });
});
