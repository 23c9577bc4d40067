import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { OutboundMessage } from '../../../src/core/message';
import type { Template, TemplateDraft } from '../../../src/core/template';
import {
  META_TEST_APP_SECRET,
  META_TEST_BASE,
  metaTestCredentials,
  useMetaSimulator,
} from '../../../test/mocks/meta/harness';
import { metaInbound, metaMessagesWebhook, metaWebhookRequest } from '../../../test/mocks/meta/meta-webhooks';
import providers from './__fixtures__/providers-md-examples.json';
import { createMetaAdapter } from './meta-adapter';

const { sim, server, adapter, assertSpecValid } = useMetaSimulator();
afterEach(assertSpecValid);

const text: OutboundMessage = {
  reference: 'r1',
  to: '+16505551234',
  content: { type: 'text', text: 'hello' },
};
const messagesUrl = `${META_TEST_BASE}/v23.0/${metaTestCredentials().phoneNumberId}/messages`;

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function collect(iterable: AsyncIterable<Template[]>): Promise<Template[][]> {
  const pages: Template[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

describe('listTemplates', () => {
  it('follows paging.next to the end: 6,000 templates in 60 pages of 100', async () => {
    sim.state.seedTemplates(6_000);
    const pages = await collect(adapter().listTemplates());
    expect(pages).toHaveLength(60);
    expect(pages.every((p) => p.length === 100)).toBe(true);
    const all = pages.flat();
    expect(new Set(all.map((t) => t.providerTemplateId)).size).toBe(6_000);
    expect(all[0]).toMatchObject({ provider: 'meta', name: 'seed_template_000001', status: 'APPROVED' });
    expect(all.filter((t) => t.status === 'REJECTED')[0]?.rejectionReason).toBe('PROMOTIONAL');
    expect(sim.state.calls.listTemplates).toBe(60);
  });

  it('yields one empty page for an account without templates, and honours pageSize', async () => {
    expect(await collect(adapter().listTemplates())).toEqual([[]]);
    sim.state.seedTemplates(7);
    const pages = await collect(adapter({ pageSize: 3 }).listTemplates());
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
  });

  it('reports a changed response shape as one clear error', async () => {
    server.use(
      http.get(`${META_TEST_BASE}/v23.0/:waba/message_templates`, () => HttpResponse.json({ templates: [] })),
    );
    const error = await caught(collect(adapter().listTemplates()));
    expect(error.message).toMatch(/unexpected template list \(data: /);
  });

  it('stops with transient on a timeout and retries nothing by itself', async () => {
    sim.faults.add({ delayMs: 500, status: 200, body: { data: [] } });
    const error = await caught(
      collect(adapter({ http: { baseUrl: META_TEST_BASE, timeoutMs: 50 } }).listTemplates()),
    );
    expect(error.kind).toBe('transient');
  });
});

describe('submitTemplate', () => {
  const draft: TemplateDraft = {
    name: 'order_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: {
      header: { format: 'TEXT', text: 'Order {{1}}' },
      body: 'Thanks {{1}}! Your order number is {{2}}.',
      buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/t?o={{1}}' }],
    },
    examples: { 'header.1': 'A-1', 'body.1': 'Mark', 'body.2': '860198', 'button.0.1': '860198' },
  };

  it('creates the template and stores what was sent', async () => {
    const result = await adapter().submitTemplate(draft);
    expect(result).toEqual({ providerTemplateId: sim.state.templates[0]!.id, status: 'PENDING' });
    expect(sim.state.templates[0]).toMatchObject({
      name: 'order_confirmation',
      category: 'UTILITY',
      status: 'PENDING',
    });
    const duplicate = await caught(adapter().submitTemplate(draft));
    expect(duplicate).toMatchObject({ kind: 'rejected', vendorCode: '100', httpStatus: 400 });
  });

  it('throws the lint findings before any HTTP call', async () => {
    const bad = {
      ...draft,
      name: 'Order Confirmation!',
      components: { ...draft.components, body: '{{1}} {{2}}' },
    };
    const error = await adapter()
      .submitTemplate(bad)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_request');
    const issues = ((error as AppError).details as { issues: { path: string; severity: string }[] }).issues;
    expect(issues.some((i) => i.path === 'name' && i.severity === 'error')).toBe(true);
    expect(sim.state.templates).toHaveLength(0);
  });
});

describe('errors', () => {
  it('maps a 429 with Retry-After to rate_limited', async () => {
    sim.faults.add({
      status: 429,
      headers: { 'retry-after': '12' },
      body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
    });
    expect(await caught(adapter().send(text))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 12_000,
      vendorCode: '130429',
    });
  });

  it('maps 5xx to transient and a sync 131047 to template_required', async () => {
    sim.faults.add({
      status: 503,
      body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2 } },
    });
    expect((await caught(adapter().send(text))).kind).toBe('transient');
    sim.faults.add({ status: 400, body: providers.error131047 });
    expect(await caught(adapter().send(text))).toMatchObject({
      kind: 'template_required',
      vendorCode: '131047',
    });
  });

  it('turns a send timeout or dropped connection into unknown_outcome', async () => {
    sim.faults.add({ delayMs: 500 });
    const slow = adapter({ http: { baseUrl: META_TEST_BASE, timeoutMs: 50 } });
    expect((await caught(slow.send(text))).kind).toBe('unknown_outcome');
    sim.faults.add({ networkError: true });
    expect((await caught(adapter().send(text))).kind).toBe('unknown_outcome');
  });

  it('treats an unreadable 200 to a send as unknown_outcome', async () => {
    server.use(
      http.post(
        messagesUrl,
        () =>
          new HttpResponse('<html>oops', {
            status: 200,
            headers: { 'content-type': 'application/json', 'x-mock-fault': '1' },
          }),
      ),
    );
    expect((await caught(adapter().send(text))).kind).toBe('unknown_outcome');
  });

  it('maps template problems reported by the simulator like Meta does', async () => {
    const message: OutboundMessage = {
      reference: 'r2',
      to: '+16505551234',
      content: { type: 'template', templateId: 't', templateName: 'gone', language: 'en_US', values: {} },
      template: {
        providerTemplateId: '1',
        name: 'gone',
        language: 'en_US',
        parameterFormat: 'POSITIONAL',
        variables: [],
      },
    };
    expect(await caught(adapter().send(message))).toMatchObject({
      kind: 'template_mismatch',
      vendorCode: '132001',
      httpStatus: 404,
    });
    sim.state.seedTemplates(1); // body has {{1}} {{2}}
    const wrongCount = { ...message, template: { ...message.template!, name: 'seed_template_000001' } };
    expect(await caught(adapter().send(wrongCount))).toMatchObject({
      kind: 'template_mismatch',
      vendorCode: '132000',
    });
  });

  it('answers a wrong token with auth, and checks credentials cheaply', async () => {
    await expect(adapter().testCredentials()).resolves.toBeUndefined();
    const wrong = adapter({ credentials: metaTestCredentials({ accessToken: 'EAAwrong-token-000' }) });
    expect(await caught(wrong.testCredentials())).toMatchObject({
      kind: 'auth',
      vendorCode: '190',
      httpStatus: 401,
    });
    expect(await caught(wrong.send(text))).toMatchObject({ kind: 'auth' });
    const otherNumber = adapter({ credentials: metaTestCredentials({ phoneNumberId: '999' }) });
    expect(await caught(otherNumber.testCredentials())).toMatchObject({
      kind: 'rejected',
      vendorCode: '100',
    });
  });
});

describe('webhooks through the adapter', () => {
  const payload = metaMessagesWebhook({}, [metaInbound.text({ from: '+16505551234' }, 'hi')]);

  it('verifies with the global app secret or the connection secret, and parses without credentials', async () => {
    const request = await metaWebhookRequest(payload, META_TEST_APP_SECRET);
    expect(await adapter().verifyWebhook(request)).toBe(true);
    const perConnection = adapter({ credentials: metaTestCredentials({ appSecret: 'connection-secret' }) });
    expect(await perConnection.verifyWebhook(request)).toBe(false);
    expect(await perConnection.verifyWebhook(await metaWebhookRequest(payload, 'connection-secret'))).toBe(
      true,
    );

    const bare = createMetaAdapter({
      http: { baseUrl: META_TEST_BASE, timeoutMs: 1000 },
      appSecret: META_TEST_APP_SECRET,
    });
    expect(await bare.verifyWebhook(request)).toBe(true);
    expect(bare.parseWebhook(request)).toMatchObject([
      { kind: 'inbound_message', content: { type: 'text', text: 'hi' } },
    ]);
    await expect(bare.send(text)).rejects.toMatchObject({ code: 'not_configured' });
    const noSecret = createMetaAdapter({ http: { baseUrl: META_TEST_BASE, timeoutMs: 1000 } });
    expect(await noSecret.verifyWebhook(request)).toBe(false);
  });

  it('rejects a tampered body', async () => {
    const request = await metaWebhookRequest(payload, META_TEST_APP_SECRET);
    expect(await adapter().verifyWebhook({ ...request, rawBody: request.rawBody.replace('hi', 'ho') })).toBe(
      false,
    );
  });
});
