import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  computeWindow,
  updateSummary,
  windowFromSummary,
  EMPTY_SUMMARY,
  HOUR_MS,
  PMP_START,
  pricingModelAt,
} from './window';
import { inbound, P0, reply, T0, tpl } from '../../test/helpers/log-entries';

const H = HOUR_MS;

describe('customer service window (DESIGN §3.1)', () => {
  it('is none when the customer never wrote: templates only', () => {
    const w = computeWindow([tpl(T0, 'MARKETING')], T0 + H);
    expect(w).toMatchObject({
      state: 'none',
      lastInboundAt: null,
      closesAt: null,
      freeFormAllowed: false,
      templateRequired: true,
    });
  });

  it.each([
    ['just after the inbound', 1, 'open'],
    ['one ms before 24 h', 24 * H - 1, 'open'],
    ['exactly at 24 h', 24 * H, 'closed'],
    ['a day later', 48 * H, 'closed'],
  ])(
    '"Quando un cliente ti invia un messaggio, si avvia un timer di 24 ore": %s → %s',
    (_label, offset, state) => {
      const w = computeWindow([inbound(T0)], T0 + offset);
      expect(w.state).toBe(state);
      expect(w.closesAt).toBe(T0 + 24 * H);
      expect(w.freeFormAllowed).toBe(state === 'open');
      expect(w.templateRequired).toBe(state !== 'open');
    },
  );

  it('each further inbound resets the window to 24 h from that message', () => {
    const w = computeWindow([inbound(T0), inbound(T0 + 20 * H)], T0 + 30 * H);
    expect(w).toMatchObject({ state: 'open', lastInboundAt: T0 + 20 * H, closesAt: T0 + 44 * H });
  });

  it('business messages never extend it, templates do not open it', () => {
    const w = computeWindow([inbound(T0), reply(T0 + 23 * H), tpl(T0 + 23 * H, 'UTILITY')], T0 + 25 * H);
    expect(w.state).toBe('closed');
    expect(w.closesAt).toBe(T0 + 24 * H);
  });

  it('ignores log entries after now and sorts out-of-order logs', () => {
    const w = computeWindow([inbound(T0 + 5 * H), inbound(T0)], T0 + 2 * H);
    expect(w.lastInboundAt).toBe(T0);
  });
});

describe('open conversations under CBP (seed 000)', () => {
  it('"se esiste una conversazione di autenticazione aperta ... e gli invii un altro messaggio di modello di autenticazione entro 24 ore, non viene aperta una nuova conversazione"', () => {
    const w = computeWindow([tpl(T0, 'AUTHENTICATION'), tpl(T0 + 2 * H, 'AUTHENTICATION')], T0 + 3 * H);
    expect(w.openConversations).toEqual([
      { category: 'AUTHENTICATION', openedAt: T0, closesAt: T0 + 24 * H },
    ]);
  });

  it('"Se gli invii un messaggio di marketing, tuttavia, viene aperta una nuova conversazione di marketing, con conseguenti due conversazioni aperte"', () => {
    const w = computeWindow([tpl(T0, 'AUTHENTICATION'), tpl(T0 + 2 * H, 'MARKETING')], T0 + 3 * H);
    expect(w.openConversations.map((c) => c.category)).toEqual(['AUTHENTICATION', 'MARKETING']);
  });

  it('"se non esiste una conversazione aperta e il cliente ti invia un messaggio ... e tu rispondi entro 24 ore con un messaggio in formato libero, viene aperta una nuova conversazione di servizio"', () => {
    const w = computeWindow([inbound(T0), reply(T0 + H)], T0 + 2 * H);
    expect(w.openConversations).toEqual([{ category: 'SERVICE', openedAt: T0 + H, closesAt: T0 + 25 * H }]);
  });

  it('"Tra te e un cliente esiste una conversazione di servizio aperta e tu gli invii un messaggio modello entro 24 ore" → two conversations', () => {
    const w = computeWindow([inbound(T0), reply(T0 + H), tpl(T0 + 2 * H, 'UTILITY')], T0 + 3 * H);
    expect(w.openConversations.map((c) => c.category)).toEqual(['SERVICE', 'UTILITY']);
  });

  it('"Le conversazioni ... durano 24 ore": a conversation closes 24 h after it opened', () => {
    const log = [tpl(T0, 'MARKETING')];
    expect(computeWindow(log, T0 + 24 * H - 1).openConversations).toHaveLength(1);
    expect(computeWindow(log, T0 + 24 * H).openConversations).toHaveLength(0);
  });
});

describe('free entry point (DESIGN §3.2, seed 001)', () => {
  it('a referral inbound awaits a reply within the CSW; the reply opens 72 h and closes other conversations', () => {
    const awaiting = computeWindow([tpl(T0 - H, 'MARKETING'), inbound(T0, true)], T0 + H);
    expect(awaiting.freeEntryPoint).toEqual({
      active: false,
      closesAt: null,
      awaitingReply: true,
      replyBy: T0 + 24 * H,
    });

    const w = computeWindow([tpl(T0 - H, 'MARKETING'), inbound(T0, true), reply(T0 + 2 * H)], T0 + 3 * H);
    // "Le conversazioni con ingresso libero durano 72 ore" and close the others.
    expect(w.freeEntryPoint).toEqual({
      active: true,
      closesAt: T0 + 74 * H,
      awaitingReply: false,
      replyBy: null,
    });
    expect(w.openConversations).toEqual([
      { category: 'FREE_ENTRY_POINT', openedAt: T0 + 2 * H, closesAt: T0 + 74 * H },
    ]);
  });

  it('FEP is about price, not permission: free-form still needs an open CSW', () => {
    const w = computeWindow([inbound(T0, true), reply(T0 + H)], T0 + 30 * H);
    expect(w.freeEntryPoint?.active).toBe(true);
    expect(w.freeFormAllowed).toBe(false);
    expect(w.templateRequired).toBe(true);
  });

  it('no FEP when the business only answers after the window closed', () => {
    const w = computeWindow([inbound(T0, true), tpl(T0 + 25 * H, 'UTILITY')], T0 + 26 * H);
    expect(w.freeEntryPoint).toBeNull();
    expect(w.openConversations.map((c) => c.category)).toEqual(['UTILITY']);
  });

  it('also opens under PMP, where no other conversations exist', () => {
    expect(pricingModelAt(PMP_START - 1)).toBe('CBP');
    expect(pricingModelAt(PMP_START)).toBe('PMP');
    const w = computeWindow([inbound(P0, true), tpl(P0 + H, 'MARKETING'), reply(P0 + 2 * H)], P0 + 3 * H);
    expect(w.openConversations).toEqual([
      { category: 'FREE_ENTRY_POINT', openedAt: P0 + H, closesAt: P0 + 73 * H },
    ]);
    expect(computeWindow([inbound(P0), tpl(P0 + H, 'MARKETING')], P0 + 2 * H).openConversations).toEqual([]);
  });
});

const entryArb = (base: number) =>
  fc.record({
    direction: fc.constantFrom('inbound' as const, 'outbound' as const),
    at: fc.integer({ min: base, max: base + 200 * H }),
    kind: fc.constantFrom('free_form' as const, 'template' as const),
    category: fc.constantFrom('MARKETING' as const, 'UTILITY' as const, 'AUTHENTICATION' as const),
    freeEntryPoint: fc.boolean(),
  });

describe('properties', () => {
  it('the contact summary, folded incrementally, answers like the full log', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb(T0), { maxLength: 30 }),
        fc.integer({ min: 0, max: 260 * H }),
        (log, offset) => {
          const now = T0 + offset;
          const sorted = [...log].sort((a, b) => a.at - b.at).filter((e) => e.at <= now);
          const summary = sorted.reduce(updateSummary, EMPTY_SUMMARY);
          const { openConversations: _o, ...full } = computeWindow(log, now);
          expect(windowFromSummary(summary, now)).toEqual(full);
        },
      ),
    );
  });

  it('outbound messages never change the window state', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb(T0), { maxLength: 30 }),
        fc.integer({ min: 0, max: 260 * H }),
        (log, offset) => {
          const now = T0 + offset;
          const onlyInbound = log.filter((e) => e.direction === 'inbound');
          const a = computeWindow(log, now);
          const b = computeWindow(onlyInbound, now);
          expect([a.state, a.closesAt, a.freeFormAllowed]).toEqual([b.state, b.closesAt, b.freeFormAllowed]);
        },
      ),
    );
  });

  it('never more than one open conversation per category, and none besides an active FEP', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb(T0), { maxLength: 40 }),
        fc.integer({ min: 0, max: 260 * H }),
        (log, offset) => {
          const w = computeWindow(log, T0 + offset);
          const categories = w.openConversations.map((c) => c.category);
          expect(new Set(categories).size).toBe(categories.length);
          if (categories.includes('FREE_ENTRY_POINT')) expect(categories).toEqual(['FREE_ENTRY_POINT']);
        },
      ),
    );
  });
});
