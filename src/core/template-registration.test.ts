import { describe, expect, it } from 'vitest';
import { checkRegistration } from './template-registration';

const ok = {
  namespace: '0a72eb69_2478_4109_a8b6_577bf0ec778a',
  elementName: 'pickup_ready',
  language: 'en',
  category: 'UTILITY' as const,
  body: 'Hi {{1}}, your parcel {{2}} is ready.',
};

describe('checkRegistration (a template registered by hand)', () => {
  it('accepts an approved template copied from the portal, without examples', () => {
    expect(checkRegistration(ok)).toEqual([]);
    expect(checkRegistration({ ...ok, language: 'pt_BR', footer: 'Reply STOP to opt out' })).toEqual([]);
  });

  it('names each field that is wrong: namespace shape, element name, language, body', () => {
    const problems = checkRegistration({
      namespace: 'ns',
      elementName: 'Pickup Ready',
      language: 'english',
      category: 'UTILITY',
      body: '{{1}} is ready {{2}}',
    });
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['namespace', 'namespace_format'],
      ['language', 'language_unsupported'],
      ['elementName', 'name_invalid'],
      ['body', 'variable_at_start'],
      ['body', 'variable_at_end'],
      ['body', 'mostly_placeholders'],
    ]);
    // One problem per field and code: nothing said twice.
    expect(new Set(problems.map((p) => p.message)).size).toBe(problems.length);
  });

  it('refuses a language WhatsApp does not list even when it looks like a code', () => {
    expect(checkRegistration({ ...ok, language: 'xx_YY' })).toEqual([
      expect.objectContaining({ path: 'language', code: 'language_unsupported' }),
    ]);
  });
});
