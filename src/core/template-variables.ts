// Template variables (DESIGN.md §3.3): `{{1}}` positional or `{{first_name}}` named placeholders,
// identified as `header.<key>`, `body.<key>`, `button.<index>.<key>` (see TemplateVariable).
import type { TemplateComponents, TemplateVariable, ParameterFormat } from './template';

export interface Placeholder {
  /** The whole placeholder as written, e.g. `{{1}}`. */
  raw: string;
  /** The trimmed text between the braces. */
  key: string;
  start: number;
  end: number;
  /** `positional` (digits), `named` (lowercase, digits, `_`), or `invalid` (anything else). */
  form: 'positional' | 'named' | 'invalid';
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const POSITIONAL_KEY = /^[0-9]+$/;
// Meta named parameters: lowercase letters, digits and underscores (vendors/providers.md).
const NAMED_KEY = /^[a-z_][a-z0-9_]*$/;

export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const key = (m[1] ?? '').trim();
    const form = POSITIONAL_KEY.test(key) ? 'positional' : NAMED_KEY.test(key) ? 'named' : 'invalid';
    found.push({ raw: m[0], key, start: m.index, end: m.index + m[0].length, form });
  }
  return found;
}

/** Distinct valid placeholder keys of a text, in order of first appearance. */
export function placeholderKeys(text: string | undefined): string[] {
  if (!text) return [];
  const keys: string[] = [];
  for (const p of findPlaceholders(text)) {
    if (p.form !== 'invalid' && !keys.includes(p.key)) keys.push(p.key);
  }
  return keys;
}

export function variableId(location: 'header' | 'body', key: string): string;
export function variableId(location: 'button', key: string, buttonIndex: number): string;
export function variableId(
  location: TemplateVariable['location'],
  key: string,
  buttonIndex?: number,
): string {
  return location === 'button' ? `button.${buttonIndex ?? 0}.${key}` : `${location}.${key}`;
}

/** Key used for a copy-code button's coupon code, which is a parameter without a placeholder. */
export const COPY_CODE_KEY = 'code';

/**
 * Every fillable slot of a template, in send order (header, body, buttons), each with its example.
 * Examples come from `examples` (keyed by variable id) first, then from the components themselves.
 */
export function extractVariables(
  components: TemplateComponents,
  examples: Record<string, string> = {},
): TemplateVariable[] {
  const vars: TemplateVariable[] = [];
  const push = (v: TemplateVariable, fallback: string | undefined) => {
    const example = examples[v.id] ?? fallback;
    vars.push(example === undefined ? v : { ...v, example });
  };

  const header = components.header;
  if (header?.format === 'TEXT') {
    placeholderKeys(header.text).forEach((key, i) =>
      push({ id: variableId('header', key), location: 'header', key }, header.examples?.[i]),
    );
  }
  for (const key of placeholderKeys(components.body)) {
    push({ id: variableId('body', key), location: 'body', key }, undefined);
  }
  components.buttons.forEach((button, index) => {
    if (button.type === 'URL') {
      placeholderKeys(button.url).forEach((key, i) =>
        push(
          { id: variableId('button', key, index), location: 'button', key, buttonIndex: index },
          button.examples?.[i],
        ),
      );
    } else if (button.type === 'COPY_CODE') {
      push(
        {
          id: variableId('button', COPY_CODE_KEY, index),
          location: 'button',
          key: COPY_CODE_KEY,
          buttonIndex: index,
        },
        button.example,
      );
    }
  });
  return vars;
}

/** The parameter format a set of components uses, or `mixed` when both forms appear. */
export function detectParameterFormat(components: TemplateComponents): ParameterFormat | 'mixed' | 'none' {
  const texts = [
    components.header?.format === 'TEXT' ? components.header.text : undefined,
    components.body,
    ...components.buttons.map((b) => (b.type === 'URL' ? b.url : undefined)),
  ];
  let positional = false;
  let named = false;
  for (const t of texts) {
    for (const p of t ? findPlaceholders(t) : []) {
      if (p.form === 'positional') positional = true;
      if (p.form === 'named') named = true;
    }
  }
  if (positional && named) return 'mixed';
  return positional ? 'POSITIONAL' : named ? 'NAMED' : 'none';
}

/** Replaces each valid placeholder of `text` by `fill(key)`; invalid placeholders are kept as written. */
export function substitute(text: string, fill: (key: string) => string): string {
  let out = '';
  let last = 0;
  for (const p of findPlaceholders(text)) {
    if (p.form === 'invalid') continue;
    out += text.slice(last, p.start) + fill(p.key);
    last = p.end;
  }
  return out + text.slice(last);
}
