import { describe, expect, it } from 'vitest';
import { firstNameOf, firstNameVariableIds } from './first-name';
import { formatAgo, formatDuration, freeEntryPointText, ticks, windowBadge, type WindowView } from './format';

const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12);
const win = (over: Partial<WindowView>): WindowView => ({
  state: 'none',
  lastInboundAt: null,
  closesAt: null,
  freeFormAllowed: false,
  freeEntryPoint: null,
  ...over,
});

describe('window badge', () => {
  it.each([
    [
      win({
        state: 'open',
        lastInboundAt: NOW - 2 * H,
        closesAt: NOW + 22 * H - 12 * 60_000,
        freeFormAllowed: true,
      }),
      'open',
      'open — closes in 21 h 48 min',
    ],
    [
      win({ state: 'open', lastInboundAt: NOW - 23.5 * H, closesAt: NOW + 0.5 * H }),
      'open',
      'open — closes in 30 min',
    ],
    [
      win({ state: 'open', lastInboundAt: NOW - 24 * H + 20_000, closesAt: NOW + 20_000 }),
      'open',
      'open — closes in less than a minute',
    ],
    [
      win({ state: 'closed', lastInboundAt: NOW - 30 * H, closesAt: NOW - 6 * H }),
      'closed',
      'closed — last message 30 h ago: a template is required',
    ],
    [
      win({ state: 'closed', lastInboundAt: NOW - 3 * 24 * H, closesAt: NOW - 2 * 24 * H }),
      'closed',
      'closed — last message 3 days ago: a template is required',
    ],
    [win({}), 'none', 'no conversation yet: a template is required'],
  ])('%#: %s', (w, tone, text) => {
    expect(windowBadge(w, NOW)).toEqual({ tone, text });
  });

  it('closes by itself once the page clock passes closesAt, without a new answer from the server', () => {
    const w = win({
      state: 'open',
      lastInboundAt: NOW - 24 * H + 60_000,
      closesAt: NOW + 60_000,
      freeFormAllowed: true,
    });
    expect(windowBadge(w, NOW).tone).toBe('open');
    expect(windowBadge(w, NOW + 60_000)).toEqual({
      tone: 'closed',
      text: 'closed — last message 24 h ago: a template is required',
    });
  });

  it('describes a running free entry point and one waiting for the first reply', () => {
    const active = win({
      freeEntryPoint: { active: true, closesAt: NOW + 50 * H, awaitingReply: false, replyBy: null },
    });
    expect(freeEntryPointText(active, NOW)).toBe('free entry point — messages are free for 50 h');
    const waiting = win({
      freeEntryPoint: { active: false, closesAt: null, awaitingReply: true, replyBy: NOW + 3 * H },
    });
    expect(freeEntryPointText(waiting, NOW)).toBe('came from an ad — reply within 3 h to open 72 free hours');
    expect(freeEntryPointText(win({}), NOW)).toBeNull();
  });
});

describe('durations and ticks', () => {
  it('says durations and ages in words', () => {
    expect(formatDuration(5 * H + 12 * 60_000 + 59_000)).toBe('5 h 12 min');
    expect(formatDuration(2 * H)).toBe('2 h');
    expect(formatAgo(30_000)).toBe('just now');
    expect(formatAgo(12 * 60_000)).toBe('12 min ago');
    expect(formatAgo(47 * H)).toBe('47 h ago');
    expect(formatAgo(49 * H)).toBe('2 days ago');
  });

  it('gives every status a tick and a word', () => {
    expect(ticks('pending')).toEqual({ symbol: '🕓', label: 'sending' });
    expect(ticks('sent')).toEqual({ symbol: '✓', label: 'sent' });
    expect(ticks('delivered')).toEqual({ symbol: '✓✓', label: 'delivered' });
    expect(ticks('read')).toEqual({ symbol: '✓✓', label: 'read' });
    expect(ticks('failed')).toEqual({ symbol: '!', label: 'failed' });
  });
});

describe('first-name variables', () => {
  const v = (id: string) => {
    const [location, key] = id.split('.') as ['body' | 'header', string];
    return { id, location, key };
  };
  it('finds named first-name parameters and positional ones after a greeting', () => {
    expect(
      firstNameVariableIds('Ciao {{first_name}}, il tuo appuntamento è il {{date}}.', [
        v('body.first_name'),
        v('body.date'),
      ]),
    ).toEqual(['body.first_name']);
    expect(firstNameVariableIds('Hi {{1}}, your order {{2}} is ready.', [v('body.1'), v('body.2')])).toEqual([
      'body.1',
    ]);
    expect(firstNameVariableIds('Tere {{1}}, teie tellimus on teel.', [v('body.1')])).toEqual(['body.1']);
    expect(firstNameVariableIds('Use code {{1}} for 10% off.', [v('body.1')])).toEqual([]);
    expect(firstNameVariableIds('Your order {{1}} shipped. Thanks!', [v('body.1')])).toEqual([]);
  });

  it('takes the first word of the contact name, or nothing usable', () => {
    expect(firstNameOf('Giulia Bianchi')).toBe('Giulia');
    expect(firstNameOf('  Mari  ')).toBe('Mari');
    expect(firstNameOf('+372 5123 4567')).toBeNull();
    expect(firstNameOf(null)).toBeNull();
  });
});
