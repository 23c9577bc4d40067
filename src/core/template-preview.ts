// WhatsApp formatting to safe HTML (DESIGN.md §3.3). Escape first, then format: no input ever becomes markup.
import type { Template, TemplateValues } from './template';
import { extractVariables, substitute, variableId } from './template-variables';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// A marker pair formats only when it hugs non-space text and stands at a word boundary, as in WhatsApp:
// `a*b*c` stays literal, `*bold*,` is bold.
const EDGE = String.raw`(^|[\s\p{P}\p{S}])`;
const AFTER = String.raw`(?=$|[\s\p{P}\p{S}])`;
function inline(marker: string, tag: string): [RegExp, string] {
  const m = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [new RegExp(`${EDGE}${m}(?!\\s)([^\\n]*?[^\\s])${m}${AFTER}`, 'gu'), `$1<${tag}>$2</${tag}>`];
}
const INLINE_RULES = [inline('*', 'strong'), inline('_', 'em'), inline('~', 's')];
const MONO = /```([\s\S]+?)```/g;

/** Renders WhatsApp-formatted text (`*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ````) as safe HTML. */
export function formatWhatsApp(text: string): string {
  // Monospace content is not formatted further: cut it out first, put it back last.
  const mono: string[] = [];
  let html = escapeHtml(text.replace(/\uE000/g, '')).replace(MONO, (_all, code: string) => {
    mono.push(code);
    return `\uE000${mono.length - 1}\uE000`;
  });
  for (const [pattern, replacement] of INLINE_RULES) html = html.replace(pattern, replacement);
  html = html.replace(/\r?\n/g, '<br>');
  return html.replace(/\uE000(\d+)\uE000/g, (_all, i: string) => `<code>${mono[Number(i)] ?? ''}</code>`);
}

// Private-use marks around an unfilled placeholder, turned into <mark> after escaping and formatting.
const OPEN = '\uE001';
const CLOSE = '\uE002';
const MARKS = /[\uE001\uE002]/g;
const MARKED = /\uE001([^\uE002]*)\uE002/g;

/**
 * HTML preview of a whole template. Variables with a value are filled; the others show their example (the
 * gallery: what the template looks like), or with `unfilled: 'mark'` (the sidebar, before sending) the
 * placeholder itself highlighted as `<mark class="wa-missing">{{1}}</mark>`, so an empty variable never looks
 * filled.
 */
export function previewTemplate(
  template: Pick<Template, 'components'> & Partial<Pick<Template, 'variables'>>,
  values: TemplateValues = {},
  options: { unfilled?: 'example' | 'mark' } = {},
): string {
  const variables = template.variables?.length ? template.variables : extractVariables(template.components);
  const examples = new Map(variables.map((v) => [v.id, v.example]));
  const mark = options.unfilled === 'mark';
  const fill = (location: 'header' | 'body') => (key: string) => {
    const id = variableId(location, key);
    const value = values[id]?.replace(MARKS, '');
    if (value !== undefined && value.trim() !== '') return value;
    if (mark) return `${OPEN}${key}${CLOSE}`;
    return examples.get(id) ?? `{{${key}}}`;
  };
  const marked = (html: string) =>
    mark ? html.replace(MARKED, (_all, key: string) => `<mark class="wa-missing">{{${key}}}</mark>`) : html;
  const { header, body, footer, buttons } = template.components;
  const parts: string[] = [];
  if (header?.format === 'TEXT' && header.text) {
    parts.push(
      `<div class="wa-header"><strong>${marked(escapeHtml(substitute(header.text, fill('header'))))}</strong></div>`,
    );
  } else if (header) {
    parts.push(`<div class="wa-header wa-media">[${escapeHtml(header.format.toLowerCase())}]</div>`);
  }
  parts.push(`<div class="wa-body">${marked(formatWhatsApp(substitute(body, fill('body'))))}</div>`);
  if (footer) parts.push(`<div class="wa-footer">${escapeHtml(footer)}</div>`);
  if (buttons.length > 0) {
    const items = buttons.map((b) => `<li class="wa-button">${escapeHtml(b.text)}</li>`).join('');
    parts.push(`<ul class="wa-buttons">${items}</ul>`);
  }
  return `<div class="wa-preview">${parts.join('')}</div>`;
}
