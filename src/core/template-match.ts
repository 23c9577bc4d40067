// Out-of-window text → approved template (DESIGN.md §1, HighLevel): HighLevel's composer only sends text,
// so a text that is an approved template's body with its placeholders filled is sent as that template.
import type { Template, TemplateValues } from './template';
import { findPlaceholders, variableId } from './template-variables';
import { checkParameter } from './template-render';

export interface TemplateMatch {
  template: Template;
  /** Extracted parameter values keyed by variable id (`body.1`, `body.first_name`). */
  values: TemplateValues;
  /** Fixed characters of the body: the higher, the more specific the match. */
  literalChars: number;
}

type Segment = { literal: string } | { key: string };

function segments(body: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const p of findPlaceholders(body)) {
    if (p.form === 'invalid') continue;
    if (p.start > last) out.push({ literal: body.slice(last, p.start) });
    out.push({ key: p.key });
    last = p.end;
  }
  if (last < body.length) out.push({ literal: body.slice(last) });
  return out;
}

/** A template can be matched from bare text only if the body holds all its parameters. */
function matchable(t: Template): boolean {
  if (t.status !== 'APPROVED') return false;
  if (t.components.header && t.components.header.format !== 'TEXT') return false;
  if (t.components.header?.text && findPlaceholders(t.components.header.text).length > 0) return false;
  return t.components.buttons.every((b) =>
    b.type === 'URL' ? findPlaceholders(b.url).length === 0 : b.type !== 'COPY_CODE',
  );
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/**
 * Matches `text` against a body split in segments; placeholders capture at least one character that is a valid
 * parameter. Backtracking with a memo of dead ends keeps it polynomial; repeated keys must capture the same value.
 */
function matchSegments(segs: Segment[], text: string): Record<string, string> | null {
  const dead = new Set<string>();
  const bound: Record<string, string> = {};
  const keys = segs.flatMap((s) => ('key' in s ? [s.key] : []));
  // Without repeated keys, whether the rest matches depends only on (segment, position).
  const repeats = new Set(keys).size !== keys.length;
  const step = (i: number, pos: number): boolean => {
    const memo = repeats ? `${i}:${pos}:${JSON.stringify(bound)}` : `${i}:${pos}`;
    if (dead.has(memo)) return false;
    const ok = tryStep(i, pos);
    if (!ok) dead.add(memo);
    return ok;
  };
  const tryStep = (i: number, pos: number): boolean => {
    const seg = segs[i];
    if (!seg) return pos === text.length;
    if ('literal' in seg) return text.startsWith(seg.literal, pos) && step(i + 1, pos + seg.literal.length);
    const known = bound[seg.key];
    if (known !== undefined) return text.startsWith(known, pos) && step(i + 1, pos + known.length);
    const next = segs[i + 1];
    const ends: number[] = [];
    if (!next) ends.push(text.length);
    else if ('literal' in next) {
      for (let at = text.indexOf(next.literal, pos + 1); at !== -1; at = text.indexOf(next.literal, at + 1))
        ends.push(at);
    } else for (let at = pos + 1; at <= text.length; at++) ends.push(at);
    for (const end of ends) {
      const value = text.slice(pos, end);
      if (checkParameter(value)) {
        if (/[\n\r\t]/.test(value)) break; // longer captures only add more of the same
        continue;
      }
      bound[seg.key] = value;
      if (step(i + 1, end)) return true;
      delete bound[seg.key];
    }
    return false;
  };
  return step(0, 0) ? { ...bound } : null;
}

/** All approved templates whose body matches `text`, most specific first. */
export function matchTemplates(
  text: string,
  templates: Template[],
  opts: { language?: string } = {},
): TemplateMatch[] {
  const wanted = normalize(text);
  const matches: TemplateMatch[] = [];
  for (const template of templates) {
    if (!matchable(template)) continue;
    const segs = segments(normalize(template.components.body));
    const captured = matchSegments(segs, wanted);
    if (!captured) continue;
    const values: TemplateValues = {};
    for (const [key, value] of Object.entries(captured)) values[variableId('body', key)] = value;
    const literalChars = segs.reduce((n, s) => n + ('literal' in s ? s.literal.length : 0), 0);
    matches.push({ template, values, literalChars });
  }
  const lang = (m: TemplateMatch) => (opts.language && m.template.language === opts.language ? 0 : 1);
  return matches.sort(
    (a, b) =>
      b.literalChars - a.literalChars ||
      lang(a) - lang(b) ||
      Object.keys(a.values).length - Object.keys(b.values).length ||
      a.template.name.localeCompare(b.template.name) ||
      a.template.language.localeCompare(b.template.language),
  );
}

/** The most specific approved template whose rendered body is `text`, with the values it was filled with. */
export function matchTemplate(
  text: string,
  templates: Template[],
  opts: { language?: string } = {},
): TemplateMatch | null {
  return matchTemplates(text, templates, opts)[0] ?? null;
}
