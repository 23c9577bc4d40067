import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { lintTemplate, hasErrors } from './template-lint';
import type { TemplateButton, TemplateDraft } from './template';

// Seed 003 (CM.com): "Salve {1}, grazie per il vostro ordine! ... numero {2} qui {3}. Buona giornata!"
const good: TemplateDraft = {
  name: 'conferma_ordine',
  language: 'it',
  category: 'UTILITY',
  parameterFormat: 'POSITIONAL',
  components: {
    header: { format: 'TEXT', text: 'Ordine {{1}}' },
    body: "Salve {{1}}, grazie per il vostro ordine! Vi contatteremo quando l'ordine sarà pronto per la spedizione. Potete rintracciare il vostro ordine con il numero {{2}} qui {{3}}. Buona giornata!",
    footer: 'Negozio Esempio',
    buttons: [
      { type: 'URL', text: 'Traccia', url: 'https://shop.example.com/track/{{1}}' },
      { type: 'PHONE_NUMBER', text: 'Chiamaci', phoneNumber: '+390212345678' },
    ],
  },
  examples: {
    'header.1': 'A-1',
    'body.1': 'Giulia',
    'body.2': 'A-1',
    'body.3': 'https://shop.example.com/t/A-1',
    'button.0.1': 'A-1',
  },
};

const withBody = (body: string, examples: Record<string, string> = {}): TemplateDraft => ({
  ...good,
  components: { body, buttons: [] },
  examples,
});
const withButtons = (buttons: TemplateButton[], examples: Record<string, string> = {}): TemplateDraft => ({
  ...good,
  components: { body: good.components.body, buttons },
  examples: { 'body.1': 'Giulia', 'body.2': 'A-1', 'body.3': 'https://shop.example.com/t/A-1', ...examples },
});
const codes = (d: TemplateDraft) => lintTemplate(d).map((f) => f.code);

describe('lintTemplate (DESIGN §3.3)', () => {
  it('a well-formed draft has no findings', () => {
    expect(lintTemplate(good)).toEqual([]);
  });

  it.each<[string, TemplateDraft, string, string]>([
    ['uppercase name', { ...good, name: 'Conferma_Ordine' }, 'name_invalid', 'name'],
    [
      'name with spaces (seed 003: "tutto in minuscolo e senza spazi")',
      { ...good, name: 'conferma ordine' },
      'name_invalid',
      'name',
    ],
    ['name over 512', { ...good, name: 'a'.repeat(513) }, 'name_too_long', 'name'],
    ['empty name', { ...good, name: '' }, 'name_missing', 'name'],
    ['empty language', { ...good, language: '' }, 'language_missing', 'language'],
    [
      'body over 1024 (seed 003: "massimo di 1024 caratteri")',
      withBody('x'.repeat(1025)),
      'body_too_long',
      'components.body',
    ],
    ['empty body', withBody('  '), 'body_missing', 'components.body'],
    [
      'header over 60',
      { ...good, components: { ...good.components, header: { format: 'TEXT', text: 'x'.repeat(61) } } },
      'header_too_long',
      'components.header.text',
    ],
    [
      'header with two variables',
      {
        ...good,
        components: { ...good.components, header: { format: 'TEXT', text: 'Ordine {{1}} {{2}}' } },
        examples: { ...good.examples, 'header.2': 'x' },
      },
      'header_too_many_variables',
      'components.header.text',
    ],
    [
      'media header without example',
      {
        ...good,
        components: { ...good.components, header: { format: 'IMAGE' } },
        examples: Object.fromEntries(Object.entries(good.examples).filter(([k]) => k !== 'header.1')),
      },
      'header_example_missing',
      'components.header.mediaExample',
    ],
    [
      'footer over 60',
      { ...good, components: { ...good.components, footer: 'x'.repeat(61) } },
      'footer_too_long',
      'components.footer',
    ],
    [
      'footer with variable',
      { ...good, components: { ...good.components, footer: 'Ciao {{1}}' } },
      'footer_has_variables',
      'components.footer',
    ],
    [
      'variable at the start',
      withBody('{{1}}, il tuo ordine è pronto per il ritiro in negozio.', { 'body.1': 'Ann' }),
      'variable_at_start',
      'components.body',
    ],
    [
      'variable at the end',
      withBody('Il tuo ordine è pronto per il ritiro, numero {{1}}', { 'body.1': 'A' }),
      'variable_at_end',
      'components.body',
    ],
    [
      'adjacent variables',
      withBody('Ciao {{1}} {{2}}, il tuo ordine è pronto per il ritiro.', { 'body.1': 'a', 'body.2': 'b' }),
      'variables_adjacent',
      'components.body',
    ],
    [
      'gap in positional variables',
      withBody('Ciao {{1}}, ordine {{3}} pronto per il ritiro oggi.', { 'body.1': 'a', 'body.3': 'b' }),
      'variables_not_sequential',
      'components.body',
    ],
    [
      'not starting from 1',
      withBody('Ciao {{2}}, il tuo ordine è pronto per il ritiro.', { 'body.2': 'a' }),
      'variables_not_sequential',
      'components.body',
    ],
    [
      'missing example',
      withBody('Ciao {{1}}, il tuo ordine è pronto per il ritiro.'),
      'example_missing',
      'examples.body.1',
    ],
    [
      '# inside a variable',
      withBody('Ciao {{#1}}, il tuo ordine è pronto per il ritiro.'),
      'variable_special_characters',
      'components.body',
    ],
    [
      '$ inside a variable',
      withBody('Prezzo {{$price}} per il tuo ordine in negozio.'),
      'variable_special_characters',
      'components.body',
    ],
    [
      'malformed variable',
      withBody('Ciao {{First Name}}, il tuo ordine è pronto.'),
      'variable_invalid',
      'components.body',
    ],
    [
      'named in a positional template',
      withBody('Ciao {{name}}, il tuo ordine è pronto.', { 'body.name': 'a' }),
      'variable_format_mismatch',
      'components.body',
    ],
    [
      'seed 002: "asendusmärkide lisamine nagu {{1}}, {{2}} ... on arusaamatu"',
      withBody('Hi {{1}}, {{2}}, {{3}}!', { 'body.1': 'a', 'body.2': 'b', 'body.3': 'c' }),
      'mostly_placeholders',
      'components.body',
    ],
  ])('%s → %s', (_label, draft, code, path) => {
    const findings = lintTemplate(draft);
    expect(findings).toContainEqual(
      expect.objectContaining({ code, severity: 'error', path, message: expect.any(String) }),
    );
  });

  it.each<[string, TemplateButton[], string]>([
    [
      '11 buttons',
      Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY' as const, text: `R${i}` })),
      'too_many_buttons',
    ],
    [
      '3 URL buttons',
      Array.from({ length: 3 }, () => ({ type: 'URL' as const, text: 'Go', url: 'https://a.example/x' })),
      'too_many_url_buttons',
    ],
    [
      '2 phone buttons',
      Array.from({ length: 2 }, () => ({
        type: 'PHONE_NUMBER' as const,
        text: 'Call',
        phoneNumber: '+390212345678',
      })),
      'too_many_phone_buttons',
    ],
    [
      '2 copy-code buttons',
      Array.from({ length: 2 }, () => ({ type: 'COPY_CODE' as const, text: 'Copy', example: 'X1' })),
      'too_many_copy_code_buttons',
    ],
    ['button text over 25', [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }], 'button_text_too_long'],
    [
      'quick replies split by a URL button',
      [
        { type: 'QUICK_REPLY', text: 'A' },
        { type: 'URL', text: 'Go', url: 'https://a.example/x' },
        { type: 'QUICK_REPLY', text: 'B' },
      ],
      'quick_replies_not_grouped',
    ],
    [
      'URL variable not at the end',
      [{ type: 'URL', text: 'Go', url: 'https://a.example/{{1}}/x' }],
      'button_url_variable_not_at_end',
    ],
  ])('buttons: %s → %s', (_label, buttons, code) => {
    const examples = { 'button.0.1': 'x', 'button.0.code': 'X1', 'button.1.code': 'X2' };
    const draft = withButtons(buttons, buttons[0]?.type === 'COPY_CODE' ? examples : { 'button.0.1': 'x' });
    const errors = lintTemplate(draft).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual([code]);
    expect(errors[0]?.path).toMatch(/^components\.buttons/);
  });

  it('promotional wording in a UTILITY template is a category warning, not an error', () => {
    const draft = withBody(
      'Ciao {{1}}, approfitta dello sconto del 20% off sul tuo prossimo ordine in negozio!',
      { 'body.1': 'Ann' },
    );
    const findings = lintTemplate(draft);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'category_promotional_content',
        severity: 'warning',
        path: 'category',
      }),
    ]);
    expect(hasErrors(findings)).toBe(false);
    expect(codes({ ...draft, category: 'MARKETING' })).toEqual([]);
  });

  it('an example for a variable that does not exist is a warning', () => {
    expect(lintTemplate({ ...good, examples: { ...good.examples, 'body.9': 'x' } })).toEqual([
      expect.objectContaining({ code: 'example_unused', severity: 'warning', path: 'examples.body.9' }),
    ]);
  });

  it('property: every finding has a code, a severity, a path and a message, and lint never throws', () => {
    const part = fc.constantFrom(
      'Ciao',
      ' ',
      '{{1}}',
      '{{2}}',
      '{{name}}',
      '{{#x}}',
      '*',
      'ordine',
      '.',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 20 }), fc.string({ maxLength: 20 }), (parts, name) => {
        const findings = lintTemplate({ ...withBody(parts.join('')), name });
        for (const f of findings) {
          expect(f.code).toMatch(/^[a-z_]+$/);
          expect(['error', 'warning']).toContain(f.severity);
          expect(f.path.length).toBeGreaterThan(0);
          expect(f.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
