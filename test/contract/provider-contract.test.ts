// One contract, three adapters (issue 3): every ProviderAdapter behaves the same against its vendor's simulator —
// happy sends, every error class, paging, signatures, every inbound type — and every request it sends validates
// against the vendor's OpenAPI file (CM.com publishes none).
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors';
import { describeContent } from '../../src/core/readable';
import { attachSpecValidation, formatViolations } from '../spec/msw-validation';
import { cmFixture } from './cm.fixture';
import { metaFixture } from './meta.fixture';
import { text, type ContractErrorKind, type ProviderContractFixture } from './provider-fixture';
import { twilioFixture } from './twilio.fixture';

const ERROR_KINDS: ContractErrorKind[] = [
  'template_required',
  'rate_limited',
  'template_mismatch',
  'invalid_recipient',
  'auth',
  'transient',
  'unknown_outcome',
];

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe.each([metaFixture, twilioFixture, cmFixture])(
  '$provider adapter contract',
  (fixture: ProviderContractFixture) => {
    const server = setupServer(...fixture.handlers);
    const validation = attachSpecValidation(server, {
      vendorBases: fixture.specBases,
      // Meta and Twilio document no error bodies for these operations; documented statuses are still checked.
      allowUndocumentedStatus: (status) => status >= 400,
    });

    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    beforeEach(() => fixture.reset());
    afterEach(async () => {
      await validation.settled();
      // No filter: the vendors' documented spec gaps are patched, with reasons, in test/spec/spec-patches.ts.
      const real = validation.violations();
      validation.reset();
      expect(
        real,
        `requests and responses must match the ${fixture.provider} spec:\n${formatViolations(real)}`,
      ).toEqual([]);
    });
    afterAll(() => {
      validation.detach();
      server.close();
    });

    describe('send', () => {
      it.each(fixture.sends.map((s) => [s.name, s] as const))(
        '%s: returns the provider message id',
        async (_name, s) => {
          const before = fixture.sentCount();
          const result = await fixture.adapter().send(s.message());
          expect(result.providerMessageId).toMatch(/\S{6,}/);
          expect(result.status).toBe('pending');
          expect(fixture.sentCount()).toBe(before + 1);
        },
      );
    });

    describe('errors', () => {
      it.each(ERROR_KINDS)('%s', async (kind) => {
        const c = fixture.errors[kind];
        c.arrange?.();
        const adapter = fixture.adapter({
          badCredentials: c.badCredentials,
          timeoutMs: kind === 'unknown_outcome' ? 300 : undefined,
        });
        const error = await failure(adapter.send(c.message?.() ?? text()));
        expect(error.kind).toBe(kind);
        expect(adapter.normalizeError(error)).toBe(error);
        if (c.vendorCode) expect(error.vendorCode).toBe(c.vendorCode);
        if (kind === 'rate_limited') expect(error.retryAfterMs).toBe(c.retryAfterMs);
        // Only throttling and outages are retried; a send that may have happened never is.
        expect(error.retryable).toBe(kind === 'rate_limited' || kind === 'transient');
        if (kind !== 'unknown_outcome' && kind !== 'transient')
          expect(error.vendorMessage ?? error.message).toBeTruthy();
        expect(fixture.sentCount()).toBe(0);
      });
    });

    describe('read receipts', () => {
      const deliveredInboundId = fixture.deliveredInboundId;
      if (deliveredInboundId) {
        it('marks a delivered customer message read, and refuses an id it never delivered', async () => {
          const adapter = fixture.adapter();
          await expect(adapter.markRead!(deliveredInboundId())).resolves.toBeUndefined();
          const error = await failure(adapter.markRead!('wamid.NEVER_DELIVERED_TO_US'));
          expect(error.kind).toBe('rejected');
          expect(fixture.sentCount()).toBe(0);
        });
      } else {
        it('has no read receipt API: the capability is absent', () => {
          expect(fixture.adapter().markRead).toBeUndefined();
        });
      }
    });

    describe('templates', () => {
      if (fixture.listing.supported) {
        const listing = fixture.listing;
        it('lists every template over several pages', async () => {
          listing.seed(listing.pageSize * 4 + 7);
          const pages: number[] = [];
          const ids = new Set<string>();
          for await (const page of fixture.adapter().listTemplates()) {
            pages.push(page.length);
            for (const t of page) {
              expect(t.provider).toBe(fixture.provider);
              expect(t.source).toBe('synced');
              ids.add(t.providerTemplateId);
            }
          }
          expect(pages).toEqual([listing.pageSize, listing.pageSize, listing.pageSize, listing.pageSize, 7]);
          expect(ids.size).toBe(listing.pageSize * 4 + 7);
          expect(fixture.adapter().capabilities.listTemplates).toBe(true);
        });

        it('stops a listing with a transient error when a page fails', async () => {
          listing.seed(listing.pageSize * 3);
          let calls = 0;
          fixture.faults.add({
            match: (r) => r.method === 'GET' && ++calls === 2,
            status: 503,
            body: { error: 'down' },
          });
          const adapter = fixture.adapter();
          const error = await failure(
            (async () => {
              for await (const page of adapter.listTemplates()) void page;
            })(),
          ).then((e) => adapter.normalizeError(e));
          expect(error.kind).toBe('transient');
        });
      } else {
        it('has no list API: the capability says so and the listing yields nothing', async () => {
          const adapter = fixture.adapter();
          expect(adapter.capabilities.listTemplates).toBe(false);
          const pages = [];
          for await (const page of adapter.listTemplates()) pages.push(...page);
          expect(pages).toEqual([]);
        });
      }
    });

    describe('webhooks', () => {
      it('accepts a genuine status webhook and parses it', async () => {
        const { request, providerMessageId, status } = await fixture.status();
        const adapter = fixture.adapter();
        expect(await adapter.verifyWebhook(request)).toBe(true);
        expect(adapter.parseWebhook(request)).toEqual([
          expect.objectContaining({
            kind: 'status',
            providerMessageId,
            status,
            timestamp: expect.any(Number),
          }),
        ]);
      });

      it('rejects a forged one without throwing, and one whose body was changed', async () => {
        const adapter = fixture.adapter();
        expect(await adapter.verifyWebhook(await fixture.forged())).toBe(false);
        if (fixture.provider !== 'cm') {
          // CM.com's proof is the URL token, not the body; the others sign the body.
          const { request } = await fixture.status();
          expect(
            await adapter.verifyWebhook({
              ...request,
              rawBody: request.rawBody.replace('delivered', 'read'),
            }),
          ).toBe(false);
        }
        const { request } = await fixture.status();
        const headers = new Headers(request.headers);
        headers.delete('x-hub-signature-256');
        headers.delete('x-twilio-signature');
        if (fixture.provider !== 'cm')
          expect(await adapter.verifyWebhook({ ...request, headers })).toBe(false);
      });

      it.each(fixture.inbound.map((c) => [c.name, c] as const))('inbound %s', async (_name, c) => {
        const adapter = fixture.adapter();
        const request = await c.request();
        expect(await adapter.verifyWebhook(request)).toBe(true);
        const events = adapter.parseWebhook(request);
        expect(events).toHaveLength(1);
        const event = events[0]!;
        expect(event.kind).toBe(c.kind);
        if (c.expect) expect(event).toMatchObject(c.expect);
        if ('content' in event) {
          expect(event.content.type).toBe(c.contentType);
          // Nothing reaches the CRM as raw JSON (DESIGN.md §3.4).
          const readable = describeContent(event.content);
          expect(readable.trim()).not.toBe('');
          expect(readable).not.toMatch(/^\s*[{[]/);
        }
        if (event.kind === 'inbound_message') expect(event.from).toMatch(/^\+\d{8,15}$/);
      });
    });
  },
);
