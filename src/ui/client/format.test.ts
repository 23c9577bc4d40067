import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { et } from '../i18n/et';
import { customerLanguage, customerLanguageFirst } from './customer-language';
import { firstNameOf, firstNameVariableIds } from './first-name';
import {
  formatAgo,
  formatDuration,
  freeEntryPointText,
  ticks,
  windowAnnouncement,
  windowBadge,
  type WindowView,
} from './format';
import { useCatalogue } from './i18n';

beforeAll(() => useCatalogue('en', en));

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
      /^Window open — closes in 21 hr,? 48 min$/,
    ],
    [
      win({ state: 'open', lastInboundAt: NOW - 23.5 * H, closesAt: NOW + 0.5 * H }),
      'soon',
      /^Window open — closes in 30 min$/,
    ],
    [
      win({ state: 'open', lastInboundAt: NOW - 24 * H + 9 * 60_000, closesAt: NOW + 9 * 60_000 }),
      'urgent',
      /^Window open — closes in 9 min$/,
    ],
    [
      win({ state: 'open', lastInboundAt: NOW - 24 * H + 20_000, closesAt: NOW + 20_000 }),
      'urgent',
      /^Window open — closes in 20 sec$/,
    ],
    [
      win({ state: 'closed', lastInboundAt: NOW - 30 * H, closesAt: NOW - 6 * H }),
      'closed',
      /^Window closed — last message 30 hours ago$/,
    ],
    [
      win({ state: 'closed', lastInboundAt: NOW - 3 * 24 * H, closesAt: NOW - 2 * 24 * H }),
      'closed',
      /^Window closed — last message 3 days ago$/,
    ],
    [win({}), 'none', /^No conversation yet$/],
  ])('%#: %s', (w, tone, text) => {
    const badge = windowBadge(w, NOW);
    expect(badge.tone).toBe(tone);
    expect(badge.text).toMatch(text);
  });

  it('closes by itself once the page clock passes closesAt, without a new answer from the server', () => {
    const w = win({
      state: 'open',
      lastInboundAt: NOW - 24 * H + 60_000,
      closesAt: NOW + 60_000,
      freeFormAllowed: true,
    });
    expect(windowBadge(w, NOW).tone).toBe('urgent');
    expect(windowBadge(w, NOW + 60_000)).toEqual({
      tone: 'closed',
      text: 'Window closed — last message 24 hours ago',
    });
  });

  it('says the badge in the page language', () => {
    useCatalogue('et', et);
    try {
      const w = win({ state: 'closed', lastInboundAt: NOW - 30 * H, closesAt: NOW - 6 * H });
      expect(windowBadge(w, NOW).text).toBe('Aken on suletud — viimane sõnum 30 tunni eest');
    } finally {
      useCatalogue('en', en);
    }
  });

  it('announces state changes in words', () => {
    expect(windowAnnouncement('soon')).toBe('The window closes in less than an hour.');
    expect(windowAnnouncement('none')).toBe(
      'The window has closed: only approved templates can be sent now.',
    );
  });

  it('describes a running free entry point and one waiting for the first reply', () => {
    const active = win({
      freeEntryPoint: { active: true, closesAt: NOW + 50 * H, awaitingReply: false, replyBy: null },
    });
    expect(freeEntryPointText(active, NOW)).toBe('Free entry point — messages are free for 50 hr');
    const waiting = win({
      freeEntryPoint: { active: false, closesAt: null, awaitingReply: true, replyBy: NOW + 3 * H },
    });
    expect(freeEntryPointText(waiting, NOW)).toBe(
      'Came from an ad — reply within 3 hr to open 72 free hours',
    );
    expect(freeEntryPointText(win({}), NOW)).toBeNull();
  });
});

describe('durations and ticks', () => {
  it('says durations and ages in words, through Intl', () => {
    expect(formatDuration(5 * H + 12 * 60_000 + 59_000)).toMatch(/^5 hr,? 12 min$/);
    expect(formatDuration(2 * H)).toBe('2 hr');
    expect(formatDuration(42_000)).toBe('42 sec');
    expect(formatAgo(30_000)).toBe('now');
    expect(formatAgo(12 * 60_000)).toBe('12 minutes ago');
    expect(formatAgo(47 * H)).toBe('47 hours ago');
    expect(formatAgo(49 * H)).toBe('2 days ago');
  });

  it('gives every status a tick and words that tell delivered from read', () => {
    expect(ticks('pending')).toEqual({ symbol: '🕓', label: 'Sending' });
    expect(ticks('sent')).toEqual({ symbol: '✓', label: 'Sent, not yet delivered' });
    expect(ticks('delivered')).toEqual({ symbol: '✓✓', label: 'Delivered, not read yet' });
    expect(ticks('read')).toEqual({ symbol: '✓✓', label: 'Read by the customer' });
    expect(ticks('failed')).toEqual({ symbol: '!', label: 'Not delivered' });
  });
});

describe('the customer’s language', () => {
  it('guesses it from the calling code, longest code first', () => {
    expect(customerLanguage('+393471234567')).toBe('it');
    expect(customerLanguage('+37251234567')).toBe('et');
    expect(customerLanguage('+351912345678')).toBe('pt');
    expect(customerLanguage('+5511912345678')).toBe('pt');
    expect(customerLanguage('+14155550123')).toBe('en');
    expect(customerLanguage('SG.20260604000001')).toBeNull();
    expect(customerLanguage(null)).toBeNull();
  });

  it('puts templates in it first, keeping the order otherwise', () => {
    const list = [{ language: 'en_US' }, { language: 'pt_BR' }, { language: 'it' }, { language: 'pt_PT' }];
    expect(customerLanguageFirst(list, 'pt').map((t) => t.language)).toEqual([
      'pt_BR',
      'pt_PT',
      'en_US',
      'it',
    ]);
    expect(customerLanguageFirst(list, null)).toBe(list);
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
