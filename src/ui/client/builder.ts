// Template builder: a draft form, example inputs for each variable it finds, lint findings as you type
// (POST /api/templates/lint, the core's rules, debounced), and "Submit for approval".
import type {
  Template,
  TemplateButton,
  TemplateComponents,
  TemplateDraft,
  TemplateVariable,
} from '../../core/template';
import { detectParameterFormat, extractVariables } from '../../core/template-variables';
import { api, ApiError, describeError } from './api';
import { byId, clear, debounce, h } from './dom';
import { hasText, t } from './admin-text';
import { findingText, type Finding } from './lint-text';

const value = (id: string) => byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value;
let buttonSeq = 0;
let hasErrors = true;

function buttonsOf(): TemplateButton[] {
  return [...document.querySelectorAll<HTMLElement>('#tpl-buttons .button-row')].map((row) => {
    const type = row.querySelector<HTMLSelectElement>('select')!.value;
    const text = row.querySelector<HTMLInputElement>('input[data-role="text"]')!.value;
    const extra = row.querySelector<HTMLInputElement>('input[data-role="extra"]')!.value;
    switch (type) {
      case 'URL':
        return { type, text, url: extra };
      case 'PHONE_NUMBER':
        return { type, text, phoneNumber: extra };
      case 'COPY_CODE':
        return { type, text, example: extra || undefined };
      default:
        return { type: 'QUICK_REPLY', text };
    }
  });
}

function components(): TemplateComponents {
  const format = value('tpl-header-format');
  return {
    ...(format === 'NONE'
      ? {}
      : {
          header:
            format === 'TEXT'
              ? { format: 'TEXT' as const, text: value('tpl-header-text') }
              : { format: format as 'IMAGE', mediaExample: value('tpl-header-media') || undefined },
        }),
    body: value('tpl-body'),
    ...(value('tpl-footer') ? { footer: value('tpl-footer') } : {}),
    buttons: buttonsOf(),
  };
}

function examples(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of document.querySelectorAll<HTMLInputElement>('#tpl-examples input')) {
    if (input.value) out[input.name] = input.value;
  }
  return out;
}

export function draft(): TemplateDraft {
  const c = components();
  const format = detectParameterFormat(c);
  return {
    name: value('tpl-name'),
    language: value('tpl-language'),
    category: value('tpl-category') as TemplateDraft['category'],
    parameterFormat: format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: c,
    examples: examples(),
  };
}

/** One example input per variable the draft uses; typed values survive edits of the text around them. */
function renderExamples(variables: TemplateVariable[]): void {
  const container = byId('tpl-examples');
  const kept = examples();
  const ids = variables.map((v) => v.id).join('|');
  if (container.dataset.ids === ids) return;
  container.dataset.ids = ids;
  clear(
    container,
    ...variables.map((v, i) =>
      h(
        'div',
        { class: 'field' },
        h('label', { for: `example-${i}` }, t('admin.builder.exampleFor', { id: v.id })),
        h('input', { id: `example-${i}`, name: v.id, type: 'text', value: kept[v.id] ?? '' }),
      ),
    ),
  );
  if (variables.length === 0) container.append(h('p', { class: 'hint' }, t('admin.builder.noVariables')));
}

function renderFindings(findings: Finding[]): void {
  hasErrors = findings.some((f) => f.severity === 'error');
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  byId('lint-summary').textContent =
    findings.length === 0 ? t('admin.builder.clean') : t('admin.builder.counts', { errors, warnings });
  byId('lint-summary').dataset.tone = hasErrors ? 'error' : 'ok';
  clear(
    byId('lint-findings'),
    ...findings.map((f) =>
      h(
        'li',
        { class: `finding finding-${f.severity}`, 'data-code': f.code },
        h('strong', {}, `${t(`admin.builder.${f.severity}`)}: `),
        `${findingText(f)} `,
        h('code', {}, f.path),
      ),
    ),
  );
  byId<HTMLButtonElement>('submit-template').disabled = hasErrors;
}

async function lint(): Promise<void> {
  const d = draft();
  renderExamples(extractVariables(d.components));
  const withExamples = { ...d, examples: examples() };
  try {
    const { issues } = await api<{ issues: Finding[] }>('/api/templates/lint', {
      method: 'POST',
      body: { draft: withExamples },
    });
    renderFindings(issues);
  } catch (error) {
    // Malformed drafts (e.g. an empty language) come back as field errors: show them as findings too.
    if (error instanceof ApiError && Array.isArray(error.details)) {
      renderFindings(
        (error.details as { path: string; message: string }[]).map((d) => ({
          code: 'invalid',
          severity: 'error',
          path: d.path.replace(/^draft\./, ''),
          message: d.message,
        })),
      );
    } else byId('lint-summary').textContent = describeError(error);
  }
}

function addButtonRow(initial?: TemplateButton): void {
  const n = buttonSeq++;
  const type = h(
    'select',
    { id: `btn-${n}-type`, 'aria-label': t('admin.button.type', { n: n + 1 }) },
    ...(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'] as const).map((type) =>
      h('option', { value: type }, t(`admin.button.${type}`)),
    ),
  );
  const row = h(
    'div',
    { class: 'button-row row' },
    type,
    h('input', {
      'data-role': 'text',
      type: 'text',
      'aria-label': t('admin.button.text', { n: n + 1 }),
      placeholder: t('admin.button.textPlaceholder'),
    }),
    h('input', {
      'data-role': 'extra',
      type: 'text',
      'aria-label': t('admin.button.extra', { n: n + 1 }),
      placeholder: t('admin.button.extraPlaceholder'),
    }),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': t('admin.button.remove', { n: n + 1 }),
        onclick: () => (row.remove(), schedule()),
      },
      '✕',
    ),
  );
  byId('tpl-buttons').append(row);
  if (initial) {
    (type as HTMLSelectElement).value = initial.type;
    row.querySelector<HTMLInputElement>('input[data-role="text"]')!.value = initial.text;
    row.querySelector<HTMLInputElement>('input[data-role="extra"]')!.value =
      'url' in initial
        ? initial.url
        : 'phoneNumber' in initial
          ? initial.phoneNumber
          : 'example' in initial
            ? (initial.example ?? '')
            : '';
  } else (type as HTMLSelectElement).focus();
}

const setValue = (id: string, v: string) => {
  byId<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value = v;
};

/** "Edit and resubmit" (issue 14): a rejected or paused template's content back in the builder, linted at once. */
export function loadIntoBuilder(template: Template, connectionId?: string | false): void {
  if (
    connectionId &&
    [...byId<HTMLSelectElement>('builder-connection').options].some((o) => o.value === connectionId)
  )
    setValue('builder-connection', connectionId);
  const { header, body, footer, buttons } = template.components;
  setValue('tpl-name', template.name);
  setValue('tpl-language', template.language);
  setValue('tpl-category', template.category);
  setValue('tpl-header-format', header?.format && header.format !== 'LOCATION' ? header.format : 'NONE');
  byId('tpl-header-format').dispatchEvent(new Event('change'));
  setValue('tpl-header-text', header?.text ?? '');
  setValue('tpl-header-media', header?.mediaExample ?? '');
  setValue('tpl-body', body);
  setValue('tpl-footer', footer ?? '');
  clear(byId('tpl-buttons'));
  for (const b of buttons) addButtonRow(b);
  const examples = Object.fromEntries(template.variables.map((v) => [v.id, v.example ?? '']));
  renderExamples(extractVariables(template.components));
  for (const input of document.querySelectorAll<HTMLInputElement>('#tpl-examples input'))
    input.value = examples[input.name] ?? '';
  byId('submit-result').textContent = t('admin.templates.loaded', { name: template.name });
  void lint();
}

const schedule = debounce(() => void lint(), 250);

export function wireBuilder(onSubmitted: () => Promise<void>): void {
  const form = byId<HTMLFormElement>('template-builder');
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  byId('tpl-header-format').addEventListener('change', () => {
    const format = value('tpl-header-format');
    byId('tpl-header-text-field').hidden = format !== 'TEXT';
    byId('tpl-header-media-field').hidden = format === 'NONE' || format === 'TEXT';
  });
  byId('add-button').addEventListener('click', () => addButtonRow());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await lint();
    if (hasErrors) return;
    const out = byId('submit-result');
    out.textContent = t('admin.builder.submitting');
    try {
      const r = await api<{ providerTemplateId: string; status: string }>('/api/templates', {
        method: 'POST',
        body: { connectionId: value('builder-connection'), draft: draft() },
      });
      out.textContent = t('admin.builder.submitted', {
        status: hasText(`admin.status.${r.status}`)
          ? t(`admin.status.${r.status}` as 'admin.status.other')
          : r.status,
      });
      out.dataset.tone = 'ok';
      await onSubmitted();
    } catch (error) {
      out.textContent = describeError(error);
      out.dataset.tone = 'error';
    }
  });
  byId('lint-summary').textContent = t('admin.builder.start');
}
