// The template form of the sidebar: one labelled input per variable (fillable from the contact's fields), a media
// header URL when the header is media (never pre-filled with the sample), the live preview (the core's own
// renderer, unfilled placeholders highlighted, never the examples as if filled), character counters where
// WhatsApp has limits, and the reason Send is disabled.
import type { Template, TemplateVariable } from '../../core/template';
import { previewTemplate } from '../../core/template-preview';
import { BODY_MAX_RENDERED, checkParameter, render } from '../../core/template-render';
import { byId, clear, h } from './dom';
import { firstNameOf, firstNameVariableIds } from './first-name';
import { formatList, formatNumber, t } from './i18n';

export type ListedTemplate = Template & { id: string };

/** What the CRM and the thread know about the customer, offered to fill variables. */
export interface ContactFields {
  fullName: string | null;
  phone: string | null;
}

type ContactField = 'firstName' | 'lastName' | 'fullName' | 'phone';
const CONTACT_LABELS = {
  firstName: 'sidebar.form.contact.firstName',
  lastName: 'sidebar.form.contact.lastName',
  fullName: 'sidebar.form.contact.fullName',
  phone: 'sidebar.form.contact.phone',
} as const;

function contactValues(contact: ContactFields): Partial<Record<ContactField, string>> {
  const full = contact.fullName?.trim() || null;
  const first = firstNameOf(full);
  const rest = full && first ? full.slice(full.indexOf(first) + first.length).trim() : '';
  const values: Partial<Record<ContactField, string>> = {};
  if (first) values.firstName = first;
  if (rest) values.lastName = rest;
  if (full && /\p{L}/u.test(full)) values.fullName = full;
  if (contact.phone) values.phone = contact.phone;
  return values;
}

/**
 * WhatsApp's parameter limits: a text header is at most 60 characters (so is its parameter), a coupon code at most
 * 15 (Cloud API template docs, COPY_CODE); body parameters have no own limit below the rendered body's 1024.
 */
function limitFor(template: ListedTemplate, v: TemplateVariable): number {
  if (v.location === 'header') return 60;
  if (v.location === 'button') {
    const button = template.components.buttons[v.buttonIndex ?? 0];
    return button?.type === 'COPY_CODE' ? 15 : 2000;
  }
  return BODY_MAX_RENDERED;
}

function labelFor(template: ListedTemplate, v: TemplateVariable): string {
  if (v.location === 'header') return t('sidebar.form.headerVar', { key: v.key });
  if (v.location === 'body') return t('sidebar.form.bodyVar', { key: v.key });
  const button = template.components.buttons[v.buttonIndex ?? 0];
  if (button?.type === 'COPY_CODE') return t('sidebar.form.couponVar', { text: button.text || 'Copy code' });
  return t('sidebar.form.buttonVar', { text: button?.text ?? '', key: v.key });
}

const MEDIA_HEADERS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);

export function needsMediaUrl(template: Template): boolean {
  return !!template.components.header && MEDIA_HEADERS.has(template.components.header.format);
}

function validMediaUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export interface TemplateFormState {
  template: ListedTemplate;
  values: Record<string, string>;
  headerMediaUrl?: string;
  valid: boolean;
  /** Why Send is disabled, naming the fields ('' when valid). */
  blocker: string;
}

interface Field {
  v: TemplateVariable;
  label: string;
  max: number;
  input: HTMLInputElement;
  error: HTMLElement;
  counter: HTMLElement;
}

function renderField(
  template: ListedTemplate,
  v: TemplateVariable,
  i: number,
  contact: Partial<Record<ContactField, string>>,
): { row: HTMLElement; field: Field } {
  const id = `var-${i}`;
  const label = labelFor(template, v);
  const max = limitFor(template, v);
  const input = h('input', {
    id,
    name: v.id,
    type: 'text',
    autocomplete: 'off',
    required: true,
    'aria-describedby': `${id}-error ${id}-counter${v.example ? ` ${id}-hint` : ''}`,
  }) as HTMLInputElement;
  const error = h('p', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' });
  const counter = h('p', { id: `${id}-counter`, class: 'counter' });
  const choices = Object.entries(contact) as [ContactField, string][];
  const fill =
    choices.length > 0 &&
    h(
      'select',
      {
        class: 'fill-from',
        'aria-label': t('sidebar.form.fillFrom', { field: label }),
        'data-for': id,
        onchange: (e: Event) => {
          const select = e.target as HTMLSelectElement;
          const value = contact[select.value as ContactField];
          if (value !== undefined) {
            input.value = value;
            input.dispatchEvent(new Event('input'));
          }
          select.value = '';
        },
      },
      h('option', { value: '' }, t('sidebar.form.fillFromChoose')),
      ...choices.map(([field, value]) =>
        h('option', { value: field }, `${t(CONTACT_LABELS[field])}: ${value}`),
      ),
    );
  const row = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('div', { class: 'var-row' }, input, fill),
    v.example &&
      h('p', { id: `${id}-hint`, class: 'hint' }, t('sidebar.form.example', { example: v.example })),
    counter,
    error,
  );
  return { row, field: { v, label, max, input, error, counter } };
}

/** Renders the form for `template` into the page and calls `onChange` with the current state. */
export function renderTemplateForm(
  template: ListedTemplate,
  contact: ContactFields,
  onChange: (state: TemplateFormState) => void,
  /** Values to start from (a draft that matched this template). */
  initial: Record<string, string> = {},
): TemplateFormState {
  const state: TemplateFormState = { template, values: {}, valid: false, blocker: '' };
  const variables = template.variables;
  const known = contactValues(contact);
  const prefill = new Set(known.firstName ? firstNameVariableIds(template.components.body, variables) : []);
  const container = byId('variables');
  const fields: Field[] = [];

  clear(container);
  variables.forEach((v, i) => {
    const { row, field } = renderField(template, v, i, known);
    if (initial[v.id]) field.input.value = initial[v.id]!;
    else if (prefill.has(v.id) && known.firstName) field.input.value = known.firstName;
    container.append(row);
    fields.push(field);
  });
  if (variables.length === 0) container.append(h('p', { class: 'hint' }, t('sidebar.form.noVariables')));

  const mediaField = byId('header-media');
  const mediaInput = byId<HTMLInputElement>('header-media-url');
  const mediaError = byId('header-media-error');
  const media = needsMediaUrl(template);
  mediaField.hidden = !media;
  // Never the template's sample image: it would be sent to the customer as if chosen.
  mediaInput.value = '';
  if (media) {
    const format = template.components.header!.format as 'IMAGE' | 'VIDEO' | 'DOCUMENT';
    byId('header-media-label').textContent = t(`sidebar.form.media.${format}`);
  }

  const update = (touched?: HTMLInputElement) => {
    const missing: string[] = [];
    const wrong: string[] = [];
    state.values = {};
    for (const { v, label, max, input, error, counter } of fields) {
      const value = input.value;
      state.values[v.id] = value;
      const problem = value.length > max ? 'too_long' : checkParameter(value);
      if (problem === 'empty_value') missing.push(label);
      else if (problem) wrong.push(label);
      // An untouched empty field is not yet an error: say so only once the agent has been there.
      const show = problem && (input === touched || input.dataset.touched === '1' || value !== '');
      error.textContent = show ? t(`sidebar.form.problem.${problem}`, { max: formatNumber(max) }) : '';
      input.setAttribute('aria-invalid', show ? 'true' : 'false');
      // The counter appears near the limit (and past it), where it helps.
      counter.textContent =
        value.length >= max * 0.8
          ? t('sidebar.reply.counter', { count: formatNumber(value.length), max: formatNumber(max) })
          : '';
    }
    let mediaMissing = false;
    if (media) {
      const ok = validMediaUrl(mediaInput.value.trim());
      mediaMissing = !ok;
      mediaError.textContent = ok || mediaInput.value === '' ? '' : t('sidebar.form.mediaInvalid');
      mediaInput.setAttribute('aria-invalid', ok || mediaInput.value === '' ? 'false' : 'true');
      state.headerMediaUrl = ok ? mediaInput.value.trim() : undefined;
    } else {
      state.headerMediaUrl = undefined;
    }
    // All filled: the core's renderer has the last word (the rendered body's 1024 characters).
    const tooLong =
      missing.length === 0 &&
      wrong.length === 0 &&
      (() => {
        const result = render(template, state.values);
        return !result.ok && result.errors.some((e) => e.code === 'too_long');
      })();
    state.blocker = tooLong
      ? t('sidebar.form.renderedTooLong', { max: formatNumber(BODY_MAX_RENDERED) })
      : missing.length
        ? t('sidebar.form.fillMissing', { fields: formatList(missing) })
        : wrong.length
          ? t('sidebar.form.fixProblems', { fields: formatList(wrong) })
          : mediaMissing
            ? t('sidebar.form.mediaMissing')
            : '';
    state.valid = state.blocker === '';
    // previewTemplate escapes every value before formatting: safe to insert as HTML.
    byId('preview').innerHTML = previewTemplate(template, state.values, { unfilled: 'mark' });
    byId('preview-unfilled').hidden = !byId('preview').querySelector('mark.wa-missing');
    onChange(state);
  };
  for (const { input } of fields) {
    input.addEventListener('input', () => update(input));
    input.addEventListener('blur', () => {
      input.dataset.touched = '1';
      update(input);
    });
  }
  mediaInput.oninput = () => update();
  update();
  return state;
}
