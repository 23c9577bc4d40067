// Fills a template with values (DESIGN.md §3.3). Values must match the variables exactly, and each
// parameter obeys WhatsApp's rules: not empty, no newline or tab, at most four consecutive spaces
// (Meta rejects the send otherwise: 132000 / 132018, vendors/providers.md).
import type { Template, TemplateButton, TemplateValues, TemplateVariable } from './template';
import { extractVariables, substitute, variableId, COPY_CODE_KEY } from './template-variables';

export const BODY_MAX_RENDERED = 1024;

export type RenderErrorCode =
  | 'missing_value'
  | 'unexpected_value'
  | 'empty_value'
  | 'invalid_characters'
  | 'too_many_spaces'
  | 'too_long';

export interface RenderError {
  code: RenderErrorCode;
  /** The variable id (`body.1`), or the component (`body`) for whole-component errors. */
  variable: string;
  message: string;
}

export interface RenderedButton {
  index: number;
  type: TemplateButton['type'];
  text: string;
  url?: string;
  phoneNumber?: string;
  code?: string;
}

export interface RenderedTemplate {
  header?: { format: string; text?: string };
  body: string;
  footer?: string;
  buttons: RenderedButton[];
}

export type RenderResult = { ok: true; rendered: RenderedTemplate } | { ok: false; errors: RenderError[] };

/** Why a parameter value is not acceptable to WhatsApp, or null when it is fine. */
export function checkParameter(
  value: string,
): Exclude<RenderErrorCode, 'missing_value' | 'unexpected_value' | 'too_long'> | null {
  if (value.trim() === '') return 'empty_value';
  if (/[\n\r\t]/.test(value)) return 'invalid_characters';
  if (/ {5,}/.test(value)) return 'too_many_spaces';
  return null;
}

const MESSAGES: Record<RenderErrorCode, (id: string) => string> = {
  missing_value: (id) => `No value given for ${id}.`,
  unexpected_value: (id) => `${id} is not a variable of this template.`,
  empty_value: (id) => `${id} may not be empty.`,
  invalid_characters: (id) => `${id} may not contain new lines or tabs.`,
  too_many_spaces: (id) => `${id} may not contain more than four consecutive spaces.`,
  too_long: (id) => `The rendered ${id} is longer than ${BODY_MAX_RENDERED} characters.`,
};

function error(code: RenderErrorCode, variable: string): RenderError {
  return { code, variable, message: MESSAGES[code](variable) };
}

type Renderable = Pick<Template, 'components'> & { variables?: TemplateVariable[] };

/** Checks values against the template's variables without rendering. Empty list = valid. */
export function validateValues(template: Renderable, values: TemplateValues): RenderError[] {
  const variables = template.variables?.length ? template.variables : extractVariables(template.components);
  const ids = new Set(variables.map((v) => v.id));
  const errors: RenderError[] = [];
  for (const v of variables) {
    const value = values[v.id];
    if (value === undefined) {
      errors.push(error('missing_value', v.id));
      continue;
    }
    const problem = checkParameter(value);
    if (problem) errors.push(error(problem, v.id));
  }
  for (const id of Object.keys(values)) {
    if (!ids.has(id)) errors.push(error('unexpected_value', id));
  }
  return errors;
}

export function render(template: Renderable, values: TemplateValues): RenderResult {
  const errors = validateValues(template, values);
  if (errors.length > 0) return { ok: false, errors };

  const { header, body, footer, buttons } = template.components;
  const fill = (location: 'header' | 'body') => (key: string) => values[variableId(location, key)] ?? '';
  const renderedBody = substitute(body, fill('body'));
  if (renderedBody.length > BODY_MAX_RENDERED) return { ok: false, errors: [error('too_long', 'body')] };

  const rendered: RenderedTemplate = {
    body: renderedBody,
    buttons: buttons.map((button, index) => renderButton(button, index, values)),
  };
  if (header) {
    rendered.header =
      header.format === 'TEXT'
        ? { format: 'TEXT', text: substitute(header.text ?? '', fill('header')) }
        : { format: header.format };
  }
  if (footer !== undefined) rendered.footer = footer;
  return { ok: true, rendered };
}

function renderButton(button: TemplateButton, index: number, values: TemplateValues): RenderedButton {
  const base: RenderedButton = { index, type: button.type, text: button.text };
  switch (button.type) {
    case 'URL':
      return {
        ...base,
        url: substitute(button.url, (key) => values[variableId('button', key, index)] ?? ''),
      };
    case 'PHONE_NUMBER':
      return { ...base, phoneNumber: button.phoneNumber };
    case 'COPY_CODE': {
      const code = values[variableId('button', COPY_CODE_KEY, index)];
      return code === undefined ? base : { ...base, code };
    }
    default:
      return base;
  }
}
