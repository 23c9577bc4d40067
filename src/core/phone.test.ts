import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { normalizePhone, toDigits, toCmNumber, isE164 } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['+39 333 123 4567', undefined, '+393331234567'],
    ['whatsapp:+393331234567', undefined, '+393331234567'],
    ['WhatsApp:+39 333 1234567', undefined, '+393331234567'],
    ['tel:+1-650-555-1234', undefined, '+16505551234'],
    ['0039 333 1234567', undefined, '+393331234567'],
    ['00447911123456', undefined, '+447911123456'], // CM.com number form (vendors/providers.md)
    ['393331234567', undefined, '+393331234567'], // Meta wa_id
    ['333 1234567', 'IT', '+393331234567'],
    ['06 1234 5678', 'it', '+390612345678'],
    ['(650) 555-1234', 'US', '+16505551234'],
    ['+372 5123 4567', 'IT', '+37251234567'], // an international number ignores the default country
    ['393331234567', 'EE', '+393331234567'], // wa_id still parses with a default country
  ])('%j (default %s) → %s', (input, country, e164) => {
    expect(normalizePhone(input, country)).toMatchObject({ ok: true, e164 });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['call me', 'invalid_characters'],
    ['+39 333 abc', 'invalid_characters'],
    ['39+3331234567', 'invalid_characters'],
    ['06 1234 5678', 'missing_country'],
    ['+39 12', 'invalid_number'],
    ['+999 1234567', 'invalid_number'],
  ])('%j → %s', (input, reason) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason });
  });

  it('reports the country when known', () => {
    expect(normalizePhone('+372 5123 4567')).toEqual({ ok: true, e164: '+37251234567', country: 'EE' });
  });

  it('property: normalization is idempotent and always yields E.164', () => {
    const digits = fc.stringMatching(/^[1-9][0-9]{6,13}$/);
    fc.assert(
      fc.property(digits, (d) => {
        const r = normalizePhone(`+${d}`);
        if (!r.ok) return;
        expect(isE164(r.e164)).toBe(true);
        expect(normalizePhone(r.e164)).toMatchObject({ ok: true, e164: r.e164 });
        expect(normalizePhone(`whatsapp:${r.e164}`)).toMatchObject({ ok: true, e164: r.e164 });
        expect(normalizePhone(toCmNumber(r.e164))).toMatchObject({ ok: true, e164: r.e164 });
      }),
    );
  });
});

describe('provider number forms', () => {
  it('toDigits is the Meta wa_id, toCmNumber the CM.com 00-form', () => {
    expect(toDigits('+393331234567')).toBe('393331234567');
    expect(toCmNumber('+447911123456')).toBe('00447911123456');
  });

  it('refuses anything that is not E.164', () => {
    expect(() => toDigits('393331234567')).toThrow(RangeError);
    expect(() => toCmNumber('+39 333')).toThrow(RangeError);
  });
});
