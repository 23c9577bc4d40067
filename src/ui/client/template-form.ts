// The template form of the sidebar: one labelled input per variable, a media header URL when the header is
// media, the live preview (the core's own renderer, so the agent sees what WhatsApp will show) and validity.
import type { Template, TemplateVariable } from '../../core/template';
import { previewTemplate } from '../../core/template-preview';
import { checkParameter } from '../../core/template-render';
import { byId, clear, h } from './dom';
import { firstNameOf, firstNameVariableIds } from './first-name';

export type ListedTemplate = Template & { id: string };

const PROBLEMS: Record<string, string> = {
  empty_value: 'Fill this in.',
  invalid_characters: 'No new lines or tabs.',
  too_many_spaces: 'At most four spaces in a row.',
};

function labelFor(template: ListedTemplate, v: TemplateVariable): string {
  if (v.location === 'header') return `Header {{${v.key}}}`;
  if (v.location === 'body') return `Body {{${v.key}}}`;
  const button = template.components.buttons[v.buttonIndex ?? 0];
  if (button?.type === 'COPY_CODE') return `Coupon code (button “${button.text || 'Copy code'}”)`;
  return `Button “${button?.text ?? ''}” link {{${v.key}}}`;
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
}

/** Renders the form for `template` into the page and calls `onChange` with the current state. */
export function renderTemplateForm(
  template: ListedTemplate,
  contactName: string | null,
  onChange: (state: TemplateFormState) => void,
): TemplateFormState {
  const state: TemplateFormState = { template, values: {}, valid: false };
  const variables = template.variables;
  const firstName = firstNameOf(contactName);
  const prefill = new Set(firstName ? firstNameVariableIds(template.components.body, variables) : []);
  const container = byId('variables');
  const inputs: { v: TemplateVariable; input: HTMLInputElement; error: HTMLElement }[] = [];

  clear(container);
  variables.forEach((v, i) => {
    const id = `var-${i}`;
    const input = h('input', {
      id,
      name: v.id,
      type: 'text',
      autocomplete: 'off',
      required: true,
      placeholder: v.example ? `e.g. ${v.example}` : '',
      'aria-describedby': `${id}-error`,
    }) as HTMLInputElement;
    if (prefill.has(v.id) && firstName) input.value = firstName;
    const error = h('p', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite' });
    container.append(
      h('div', { class: 'field' }, h('label', { for: id }, labelFor(template, v)), input, error),
    );
    inputs.push({ v, input, error });
  });
  if (variables.length === 0) container.append(h('p', { class: 'hint' }, 'This template has no variables.'));

  const mediaField = byId('header-media');
  const mediaInput = byId<HTMLInputElement>('header-media-url');
  const mediaError = byId('header-media-error');
  const media = needsMediaUrl(template);
  mediaField.hidden = !media;
  mediaInput.value = media ? (template.components.header?.mediaExample ?? '') : '';
  if (media)
    byId('header-media-label').textContent = `Header ${template.components.header!.format.toLowerCase()} URL`;

  const update = (touched?: HTMLInputElement) => {
    let valid = true;
    state.values = {};
    for (const { v, input, error } of inputs) {
      const value = input.value;
      state.values[v.id] = value;
      const problem = checkParameter(value);
      if (problem) valid = false;
      // An untouched empty field is not yet an error: say so only once the agent has been there.
      const show = problem && (input === touched || input.dataset.touched === '1' || value !== '');
      error.textContent = show ? (PROBLEMS[problem] ?? problem) : '';
      input.setAttribute('aria-invalid', show ? 'true' : 'false');
    }
    if (media) {
      const ok = validMediaUrl(mediaInput.value.trim());
      if (!ok) valid = false;
      mediaError.textContent = ok || mediaInput.value === '' ? '' : 'Enter a full https:// link.';
      mediaInput.setAttribute('aria-invalid', ok || mediaInput.value === '' ? 'false' : 'true');
      state.headerMediaUrl = ok ? mediaInput.value.trim() : undefined;
    } else {
      state.headerMediaUrl = undefined;
    }
    state.valid = valid;
    // previewTemplate escapes every value before formatting: safe to insert as HTML.
    byId('preview').innerHTML = previewTemplate(template, state.values);
    onChange(state);
  };
  for (const { input } of inputs) {
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
