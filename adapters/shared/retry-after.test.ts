import { describe, expect, it } from 'vitest';
import { headerOf, parseRetryAfter } from './retry-after';

describe('parseRetryAfter (the one Retry-After parser of every adapter)', () => {
  const now = Date.UTC(2026, 0, 1);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date against the injected clock, never negative', () => {
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0);
  });

  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(['3'], now)).toBeUndefined();
  });

  it('clamps negative seconds to no wait', () => {
    expect(parseRetryAfter('-4', now)).toBe(0);
  });
});

describe('headerOf', () => {
  it('reads fetch Headers and plain lower-cased header objects', () => {
    expect(headerOf(new Headers({ 'Retry-After': '2' }), 'retry-after')).toBe('2');
    expect(headerOf({ 'retry-after': 2 }, 'Retry-After')).toBe('2');
    expect(headerOf(undefined, 'retry-after')).toBeUndefined();
  });
});
