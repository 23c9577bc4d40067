// Messaging limits per business portfolio (issue 12 item 2): the Graph reads at connect time and the
// `business_capability_update` webhook, against the simulator, whose answers and webhooks are checked against the
// schemas written from Meta's pages (test/spec/meta-portfolio-schemas.ts; Graph answers through spec-patches.ts).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { META_TEST_BASE, useMetaSimulator } from '../../../test/mocks/meta/harness';
import { META_SIM_PORTFOLIO, metaCapabilityWebhook } from '../../../test/mocks/meta';
import { metaEnvelope } from '../../../test/mocks/meta/meta-webhooks';
import { metaBusinessCapabilityWebhookSchema } from '../../../test/spec/meta-portfolio-schemas';
import { parseMetaWebhook } from './map-meta-webhook';
import { metaTierLimit } from './meta-messaging-limit';

const { sim, adapter, assertSpecValid } = useMetaSimulator({ extraPhoneNumberIds: ['106540352242923'] });
const validWebhook = new Ajv2020({ strict: false }).compile(metaBusinessCapabilityWebhookSchema);
const parse = (payload: unknown) => parseMetaWebhook(JSON.stringify(payload), () => 1_700_000_000_000);

describe('metaTierLimit', () => {
  it.each([
    ['TIER_250', 250],
    ['TIER_2K', 2000],
    ['TIER_10K', 10_000],
    ['TIER_100K', 100_000],
    ['TIER_UNLIMITED', null],
    [2000, 2000],
    ['2000', 2000],
    [-1, null],
    ['TIER_NOT_SET', undefined],
    ['LOTS', undefined],
    [0, undefined],
  ])('%s → %s', (value, limit) => expect(metaTierLimit(value)).toBe(limit));
});

describe('Graph: the portfolio and its limit at connect time', () => {
  it('reads the WABA owner and the phone number limit; Graph answers only the fields asked for', async () => {
    sim.portfolio.reset();
    await expect(adapter().readMessagingLimit!()).resolves.toEqual({
      portfolioId: META_SIM_PORTFOLIO.id,
      limit: 250,
    });
    sim.portfolio.tier = 'TIER_UNLIMITED';
    await expect(adapter().readMessagingLimit!()).resolves.toEqual({
      portfolioId: META_SIM_PORTFOLIO.id,
      limit: null,
    });
    // Without ?fields the defaults stay as they were (id, display_phone_number, …): no limit, no owner.
    const plain = await fetch(`${META_TEST_BASE}/v23.0/${sim.config.phoneNumberId}`, {
      headers: { authorization: `Bearer ${sim.config.accessToken}` },
    });
    expect(await plain.json()).not.toHaveProperty('whatsapp_business_manager_messaging_limit');
    await assertSpecValid();
  });

  it('a Graph error is a ProviderError, not a guess', async () => {
    sim.faults.add({ match: (r) => new URL(r.url).pathname.endsWith(`/${sim.config.wabaId}`), status: 500 });
    await expect(adapter().readMessagingLimit!()).rejects.toMatchObject({ name: 'ProviderError' });
  });
});

describe('business_capability_update', () => {
  it.each(['business', 'business-number', 'legacy'] as const)(
    'the simulator sends the %s form, valid against the schema; parsed as the WABA limit',
    (form) => {
      const payload = metaCapabilityWebhook(
        { wabaId: '524126980791429' },
        { tier: 'TIER_2K', form, timeMs: 1_739_321_024_000 },
      );
      expect(validWebhook(payload), JSON.stringify(validWebhook.errors)).toBe(true);
      expect(parse(payload)).toEqual([
        { kind: 'messaging_limit', routingKey: '524126980791429', limit: 2000, timestamp: 1_739_321_024_000 },
      ]);
    },
  );

  it("Meta's own example and an unlimited portfolio", () => {
    // The reference page's example payload, verbatim.
    const example = {
      entry: [
        {
          id: '524126980791429',
          time: 1739321024,
          changes: [
            {
              value: { max_daily_conversations_per_business: 2000, max_phone_numbers_per_waba: 25 },
              field: 'business_capability_update',
            },
          ],
        },
      ],
      object: 'whatsapp_business_account',
    };
    expect(validWebhook(example)).toBe(true);
    expect(parse(example)).toMatchObject([{ kind: 'messaging_limit', limit: 2000 }]);
    const unlimited = metaCapabilityWebhook({}, { tier: 'TIER_UNLIMITED' });
    expect(validWebhook(unlimited)).toBe(true);
    expect(parse(unlimited)).toMatchObject([{ kind: 'messaging_limit', limit: null }]);
  });

  it('a change of phone-number limits only is no event; an unreadable one is kept, the rest of the batch read', () => {
    const phonesOnly = metaEnvelope([
      {
        id: '1',
        time: 1,
        changes: [{ field: 'business_capability_update', value: { max_phone_numbers_per_waba: 25 } }],
      },
    ]);
    expect(parse(phonesOnly)).toEqual([]);
    const mixed = metaEnvelope([
      {
        id: '2',
        time: 2,
        changes: [
          {
            field: 'business_capability_update',
            value: { max_daily_conversations_per_business: { odd: 1 } },
          },
          {
            field: 'business_capability_update',
            value: { max_daily_conversations_per_business: 'TIER_10K' },
          },
        ],
      },
    ]);
    expect(validWebhook(mixed)).toBe(false);
    expect(parse(mixed)).toMatchObject([
      {
        kind: 'unreadable',
        provider: 'meta',
        routingKey: '2',
        reason: expect.stringMatching(/business_capability/),
      },
      { kind: 'messaging_limit', routingKey: '2', limit: 10_000, timestamp: 2000 },
    ]);
  });
});
