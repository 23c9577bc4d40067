// The provider contract (issue 3, over the registry since issue 13) as a reusable suite: what every ProviderModule
// and its adapter must do — happy sends, every error class, paging, signatures, every inbound type — with every
// request validated against the vendor's OpenAPI file where there is one. Run by provider-contract.test.ts over the
// registry and by fake-provider.test.ts over a provider registered at run time.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderModule } from '../../adapters/providers/provider-module';
import { parseConfig, SECRET_NAMES } from '../../src/config';
import { ProviderError } from '../../src/core/errors';
import { describeContent } from '../../src/core/readable';
import { attachSpecValidation, formatViolations } from '../spec/msw-validation';
import { text, type ContractErrorKind, type ProviderContractFixture } from './provider-fixture';

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

/** What the app reads from the module itself, beside its adapter: it must agree with the adapter and the config. */
function describeModule(module: ProviderModule, fixture: ProviderContractFixture): void {
  describe('module', () => {
    const env = { config: parseConfig({}), now: () => Date.UTC(2026, 2, 1) };

    it('names the same provider as its adapter and its fixture', () => {
      expect(module.name).toBe(fixture.provider);
      expect(fixture.adapter().provider).toBe(module.name);
      expect(module.label.trim()).not.toBe('');
    });

    it('parses the credentials its adapter works with, routes by them and masks its secret fields', () => {
      const credentials = module.credentialsSchema.parse(fixture.credentials());
      const routing = module.routing(credentials);
      expect(routing.routingKey).toMatch(/\S/);
      // Every secret field is a field of the schema (a misspelt one would leave the real secret unmasked).
      const shape = (module.credentialsSchema as unknown as { _zod: { def: { shape?: object } } })._zod.def
        .shape;
      expect(shape, 'credentials are an object schema').toBeDefined();
      for (const field of module.secretFields)
        expect(Object.keys(shape!), `secret field ${field}`).toContain(field);
      expect(module.credentialsSchema.safeParse({}).success).toBe(false);
    });

    it('builds the same adapter from the app configuration (create), and a bare one that verifies safely', async () => {
      const created = module.create(env, module.credentialsSchema.parse(fixture.credentials()));
      expect(created.provider).toBe(module.name);
      expect(created.capabilities).toEqual(fixture.adapter().capabilities);
      const bare = module.create(env);
      expect(await bare.verifyWebhook(await fixture.forged())).toBe(false);
    });

    it('declares config keys that exist: secrets by name, base URLs that parse', () => {
      for (const name of Object.keys(module.configKeys.secrets)) expect(SECRET_NAMES).toContain(name);
      for (const key of Object.values(module.configKeys.baseUrls))
        expect(String(env.config[key])).toMatch(/^https?:\/\//);
      // A token in the path is a per-connection URL's; a platform webhook is one URL for every number.
      if (module.webhook.tokenInPath) expect(module.webhook.scope).toBe('connection');
    });
  });
}

export function describeProviderContract(module: ProviderModule, fixture: ProviderContractFixture): void {
  describe(`${fixture.provider} adapter contract`, () => {
    describeModule(module, fixture);

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
        if (fixture.unsigned) {
          // Where the proof signs the body (not a token in the URL), a changed body fails it.
          const { request } = await fixture.status();
          expect(
            await adapter.verifyWebhook({
              ...request,
              rawBody: request.rawBody.replace('delivered', 'read'),
            }),
          ).toBe(false);
        }
        if (fixture.unsigned)
          expect(await adapter.verifyWebhook(fixture.unsigned((await fixture.status()).request))).toBe(false);
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
  });
}
