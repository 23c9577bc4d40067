// Template lint before submission (DESIGN.md §3.3; seeds 002, 003; vendors/providers.md "Create template").
// Errors are what Meta rejects outright; warnings are common rejection reasons worth a second look.
import type { TemplateDraft } from './template';
import type { Emit, LintFinding } from './template-lint-finding';
import { BUTTON_LIMITS, lintButtons, lintCategory } from './template-lint-buttons';
import { extractVariables, findPlaceholders } from './template-variables';
import type { Placeholder } from './template-variables';
import { checkParameter } from './template-render';

export const LIMITS = {
  name: 512,
  body: 1024,
  headerText: 60,
  headerVariables: 1,
  footer: 60,
  ...BUTTON_LIMITS,
} as const;

const NAME = /^[a-z0-9_]+$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2}|_[A-Za-z]{4})?$/;

export function lintTemplate(draft: TemplateDraft): LintFinding[] {
  const findings: LintFinding[] = [];
  const emit: Emit = (code, severity, path, message, params) =>
    findings.push(params ? { code, severity, path, message, params } : { code, severity, path, message });
  lintName(draft, emit);
  lintHeader(draft, emit);
  lintBody(draft, emit);
  lintFooter(draft, emit);
  lintButtons(draft.components.buttons, emit);
  lintVariables(draft, emit);
  lintCategory(draft, emit);
  return findings;
}

export function hasErrors(findings: LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

function lintName({ name, language }: TemplateDraft, emit: Emit): void {
  if (name.length === 0) emit('name_missing', 'error', 'name', 'The template needs a name.');
  else if (!NAME.test(name))
    emit(
      'name_invalid',
      'error',
      'name',
      'Use only lowercase letters, digits and underscores, e.g. order_confirmation.',
    );
  if (name.length > LIMITS.name)
    emit('name_too_long', 'error', 'name', `The name is ${name.length} characters; at most ${LIMITS.name}.`, {
      length: name.length,
      limit: LIMITS.name,
    });
  if (language.trim() === '') emit('language_missing', 'error', 'language', 'Choose the template language.');
  else if (!LANGUAGE.test(language))
    emit(
      'language_format',
      'warning',
      'language',
      `"${language}" does not look like a WhatsApp language code (en_US, it).`,
      { language },
    );
}

function lintHeader({ components: { header } }: TemplateDraft, emit: Emit): void {
  if (!header) return;
  const path = 'components.header';
  if (header.format !== 'TEXT') {
    if (!header.mediaExample)
      emit(
        'header_example_missing',
        'error',
        `${path}.mediaExample`,
        `A ${header.format.toLowerCase()} header needs an example file.`,
        { format: header.format },
      );
    return;
  }
  const text = header.text ?? '';
  if (text.trim() === '') emit('header_text_missing', 'error', `${path}.text`, 'A text header needs text.');
  if (text.length > LIMITS.headerText)
    emit(
      'header_too_long',
      'error',
      `${path}.text`,
      `The header is ${text.length} characters; at most ${LIMITS.headerText}.`,
      { length: text.length, limit: LIMITS.headerText },
    );
  const vars = findPlaceholders(text).length;
  if (vars > LIMITS.headerVariables)
    emit(
      'header_too_many_variables',
      'error',
      `${path}.text`,
      `The header has ${vars} variables; at most one.`,
      { count: vars, limit: LIMITS.headerVariables },
    );
}

function lintBody({ components: { body } }: TemplateDraft, emit: Emit): void {
  const path = 'components.body';
  if (body.trim() === '') {
    emit('body_missing', 'error', path, 'The body may not be empty.');
    return;
  }
  if (body.length > LIMITS.body)
    emit('body_too_long', 'error', path, `The body is ${body.length} characters; at most ${LIMITS.body}.`, {
      length: body.length,
      limit: LIMITS.body,
    });
  const placeholders = findPlaceholders(body);
  const trimmed = body.trim();
  if (/^\{\{[^{}]*\}\}/.test(trimmed))
    emit(
      'variable_at_start',
      'error',
      path,
      'The body may not start with a variable: begin with fixed text.',
    );
  if (/\{\{[^{}]*\}\}$/.test(trimmed))
    emit('variable_at_end', 'error', path, 'The body may not end with a variable: close with fixed text.');
  for (let i = 1; i < placeholders.length; i++) {
    const prev = placeholders[i - 1] as Placeholder;
    const cur = placeholders[i] as Placeholder;
    if (body.slice(prev.end, cur.start).trim() === '')
      emit(
        'variables_adjacent',
        'error',
        path,
        `${prev.raw} and ${cur.raw} are side by side: put fixed text between them.`,
        { first: prev.raw, second: cur.raw },
      );
  }
  if (placeholders.length > 0) {
    // Seed 002: "Mallidel peab olema selge eesmärk" — a template of bare placeholders has no clear purpose.
    let literal = body;
    for (const p of [...placeholders].reverse())
      literal = literal.slice(0, p.start) + ' ' + literal.slice(p.end);
    const words = literal.split(/[\s\p{P}\p{S}]+/u).filter((w) => w.length > 0).length;
    if (words <= placeholders.length)
      emit(
        'mostly_placeholders',
        'error',
        path,
        'The body is mostly placeholders: add fixed text that explains its purpose.',
      );
    else if (words < 3 * placeholders.length)
      emit(
        'few_fixed_words',
        'warning',
        path,
        'Many variables for little fixed text: Meta may reject it as unclear.',
      );
  }
  if (/(^|[^{])\{[0-9]+\}(?!\})/.test(body))
    emit(
      'single_brace_variable',
      'warning',
      path,
      'Variables are written with double braces, e.g. {{1}}, not {1}.',
    );
}

function lintFooter({ components: { footer } }: TemplateDraft, emit: Emit): void {
  if (footer === undefined) return;
  const path = 'components.footer';
  if (footer.length > LIMITS.footer)
    emit(
      'footer_too_long',
      'error',
      path,
      `The footer is ${footer.length} characters; at most ${LIMITS.footer}.`,
      { length: footer.length, limit: LIMITS.footer },
    );
  if (/\{\{[^{}]*\}\}/.test(footer))
    emit('footer_has_variables', 'error', path, 'The footer may not contain variables.');
}
function lintVariables(draft: TemplateDraft, emit: Emit): void {
  const { components } = draft;
  const texts: [string, string | undefined][] = [
    ['components.header.text', components.header?.format === 'TEXT' ? components.header.text : undefined],
    ['components.body', components.body],
    ...components.buttons.map((b, i): [string, string | undefined] => [
      `components.buttons.${i}.url`,
      b.type === 'URL' ? b.url : undefined,
    ]),
  ];
  for (const [path, text] of texts) {
    if (!text) continue;
    const placeholders = findPlaceholders(text);
    for (const p of placeholders) {
      if (/[#$%]/.test(p.key))
        emit('variable_special_characters', 'error', path, `${p.raw}: variables may not contain #, $ or %.`, {
          variable: p.raw,
        });
      else if (p.form === 'invalid')
        emit(
          'variable_invalid',
          'error',
          path,
          `${p.raw}: use {{1}}, {{2}}, … or lowercase names like {{first_name}}.`,
          { variable: p.raw },
        );
      else if (p.form === 'positional' && draft.parameterFormat === 'NAMED')
        emit(
          'variable_format_mismatch',
          'error',
          path,
          `${p.raw} is positional but the template uses named variables.`,
          { variable: p.raw, variant: 'positional' },
        );
      else if (p.form === 'named' && draft.parameterFormat === 'POSITIONAL')
        emit(
          'variable_format_mismatch',
          'error',
          path,
          `${p.raw} is named but the template uses positional variables.`,
          { variable: p.raw, variant: 'named' },
        );
    }
    const numbers = [
      ...new Set(placeholders.filter((p) => p.form === 'positional').map((p) => Number(p.key))),
    ].sort((a, b) => a - b);
    if (numbers.some((n, i) => n !== i + 1))
      emit(
        'variables_not_sequential',
        'error',
        path,
        `Positional variables must be {{1}}, {{2}}, … in sequence without gaps; found ${numbers.map((n) => `{{${n}}}`).join(', ')}.`,
        { found: numbers.map((n) => `{{${n}}}`) },
      );
  }
  const variables = extractVariables(components, draft.examples);
  for (const v of variables) {
    const example = v.example;
    if (example === undefined || example.trim() === '') {
      emit('example_missing', 'error', `examples.${v.id}`, `Give an example value for ${v.id}.`, {
        variable: v.id,
      });
    } else if (checkParameter(example)) {
      emit(
        'example_invalid',
        'error',
        `examples.${v.id}`,
        `The example for ${v.id} may not contain new lines, tabs or long runs of spaces.`,
        { variable: v.id },
      );
    }
  }
  const ids = new Set(variables.map((v) => v.id));
  for (const id of Object.keys(draft.examples)) {
    if (!ids.has(id))
      emit('example_unused', 'warning', `examples.${id}`, `${id} is not a variable of this template.`, {
        variable: id,
      });
  }
}

export const lint = lintTemplate;
