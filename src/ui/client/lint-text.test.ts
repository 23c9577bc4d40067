import { afterAll, describe, expect, it } from 'vitest';
import { lintTemplate } from '../../core/template-lint';
import type { TemplateDraft } from '../../core/template';
import { ADMIN_CATALOGUES, CATALOGUES } from '../i18n/all';
import { LANGUAGES, type Language } from '../i18n/index';
import { useCatalogue } from './i18n';
import { findingText } from './lint-text';

const page = (lang: Language) =>
  useCatalogue(lang, { ...CATALOGUES[lang], ...ADMIN_CATALOGUES[lang] } as never);
afterAll(() => page('en'));

const draft: TemplateDraft = {
  name: 'promo',
  language: 'it',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  components: { body: `Ciao {{1}}, ${'x'.repeat(1100)} grazie`, buttons: [] },
  examples: { 'body.1': 'Ann' },
};

describe('lint findings in the page language', () => {
  it('fills limits and lengths with the language’s number format, never the server’s English', () => {
    const [finding] = lintTemplate(draft).filter((f) => f.code === 'body_too_long');
    expect(finding?.params).toEqual({ length: 1119, limit: 1024 });
    page('de');
    expect(findingText(finding!)).toBe('Der Text hat 1.119 Zeichen; höchstens 1.024.');
    page('it');
    expect(findingText(finding!)).toBe('Il testo ha 1119 caratteri; al massimo 1024.');
    page('en');
    expect(findingText(finding!)).toBe('The body is 1,119 characters; at most 1,024.');
  });

  it.each(LANGUAGES)('%s: variants, lists and variables', (lang) => {
    page(lang);
    const findings = lintTemplate({
      ...draft,
      parameterFormat: 'NAMED',
      components: { body: 'Ciao {{1}} {{3}} sconto e offerta per te oggi', buttons: [] },
      examples: { 'body.1': 'a', 'body.3': 'b' },
    });
    const text = (code: string) => findingText(findings.find((f) => f.code === code)!);
    expect(text('variable_format_mismatch')).toContain('{{1}}');
    expect(text('variables_not_sequential')).toMatch(/\{\{1\}\}.*\{\{3\}\}/);
    expect(text('category_promotional_content')).toMatch(/sconto.*offerta/);
    if (lang !== 'en') for (const f of findings) expect(findingText(f), f.code).not.toBe(f.message);
  });

  it('keeps the server’s English for a code the page does not know', () => {
    page('it');
    expect(findingText({ code: 'new_rule', severity: 'error', path: 'name', message: 'New rule.' })).toBe(
      'New rule.',
    );
  });
});
