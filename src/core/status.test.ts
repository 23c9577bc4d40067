import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { applyStatus, applyStatusEvent, describeStatus, effectiveStatus, isUpgrade } from './status';
import type { StatusEvent, StatusState } from './status';
import { MESSAGE_STATUSES } from './message';
import type { MessageStatus, StatusTimes } from './message';

const fold = (events: [MessageStatus, number][]): StatusTimes =>
  events.reduce<StatusTimes>((t, [s, at]) => applyStatus(t, s, at), {});

describe('status lattice (DESIGN §3.4, seed 004)', () => {
  it.each([
    [[], 'pending'],
    [[['pending', 1]], 'pending'],
    [
      [
        ['sent', 2],
        ['pending', 1],
      ],
      'sent',
    ],
    [
      [
        ['read', 4],
        ['delivered', 3],
        ['sent', 2],
      ],
      'read',
    ], // a late delivered never downgrades a read
    [
      [
        ['sent', 2],
        ['failed', 3],
      ],
      'failed',
    ], // failed wins over pending / sent
    [
      [
        ['delivered', 3],
        ['failed', 5],
      ],
      'delivered',
    ], // a failure never erases delivered
    [
      [
        ['failed', 5],
        ['read', 4],
      ],
      'read',
    ],
    [
      [
        ['pending', 1],
        ['failed', 2],
      ],
      'failed',
    ],
  ] as [[MessageStatus, number][], MessageStatus][])('%j → %s', (events, expected) => {
    expect(effectiveStatus(fold(events))).toBe(expected);
  });

  it('keeps each status with its own earliest timestamp; duplicates change nothing', () => {
    const t = fold([
      ['delivered', 30],
      ['sent', 10],
      ['delivered', 20],
      ['sent', 10],
    ]);
    expect(t).toEqual({ sent: 10, delivered: 20 });
    expect(applyStatus(t, 'sent', 15)).toBe(t);
  });

  it('tells whether an event moves the effective status', () => {
    expect(isUpgrade({}, 'pending')).toBe(true);
    expect(isUpgrade({ read: 4 }, 'delivered')).toBe(false);
    expect(isUpgrade({ sent: 1 }, 'failed')).toBe(true);
    expect(isUpgrade({ delivered: 3 }, 'failed')).toBe(false);
  });

  it('carries the failure reason while failed is effective, and hides it under a later delivered', () => {
    const error = { kind: 'template_required', vendorCode: '131047', reason: 'Outside the 24-hour window' };
    const failed = applyStatusEvent({ times: { sent: 1 } }, { status: 'failed', at: 2, error });
    expect(describeStatus(failed)).toEqual({ status: 'failed', at: 2, error });
    const delivered = applyStatusEvent(failed, { status: 'delivered', at: 3 });
    expect(describeStatus(delivered)).toEqual({ status: 'delivered', at: 3 });
    expect(delivered.error).toEqual(error); // kept as history
  });
});

const statusArb = fc.constantFrom(...MESSAGE_STATUSES);
const errorArb = fc.option(
  fc.record({
    kind: fc.constantFrom('rejected', 'template_required'),
    vendorCode: fc.constantFrom('1', '2'),
    reason: fc.constantFrom('a', 'b'),
  }),
  { nil: undefined },
);
const eventArb = fc
  .record({ status: statusArb, at: fc.integer({ min: 0, max: 20 }), error: errorArb })
  .map((e): StatusEvent =>
    e.status === 'failed' && e.error
      ? { status: e.status, at: e.at, error: e.error }
      : { status: e.status, at: e.at },
  );
const foldEvents = (events: StatusEvent[]) => events.reduce<StatusState>(applyStatusEvent, { times: {} });

describe('properties: out-of-order and duplicate safe', () => {
  it('any permutation of the same events gives the same times and effective status', () => {
    fc.assert(
      fc.property(
        fc
          .array(eventArb, { maxLength: 12 })
          .chain((events) =>
            fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
          ),
        ([events, shuffled]) => {
          expect(foldEvents(shuffled)).toEqual(foldEvents(events));
          expect(describeStatus(foldEvents(shuffled))).toEqual(describeStatus(foldEvents(events)));
        },
      ),
    );
  });

  it('replaying events twice changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), (events) => {
        expect(foldEvents([...events, ...events])).toEqual(foldEvents(events));
      }),
    );
  });

  it('the effective status never goes down as events arrive', () => {
    const rank: Record<MessageStatus, number> = { pending: 0, sent: 1, failed: 2, delivered: 3, read: 4 };
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), (events) => {
        let state: StatusState = { times: {} };
        let prev = rank[effectiveStatus(state.times)];
        for (const e of events) {
          state = applyStatusEvent(state, e);
          const now = rank[effectiveStatus(state.times)];
          expect(now).toBeGreaterThanOrEqual(prev);
          prev = now;
        }
      }),
    );
  });
});
