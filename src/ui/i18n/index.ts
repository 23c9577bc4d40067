// Localisation of the pages (issue 14): one typed catalogue per language, the language chosen from what the CRM
// or the browser says, and parameters filled by `translate`. No library: the catalogues are plain objects whose
// type is the English one, so a key missing from any language fails the type check. Dates, times, durations and
// language names go through `Intl` (./intl.ts), never through the catalogues. English is the type (./en.ts) and
// the fallback, but like every language its words are a static asset (public/ui/i18n, built by
// scripts/build-ui.ts) that the server loads through the ASSETS binding before rendering (./load.ts, issue 13:
// the catalogues were a third of the Worker bundle). ./all.ts has every language for the build and the tests.
import type { Catalogue, MessageKey } from './en';

export type { Catalogue, MessageKey };

export const LANGUAGES = ['en', 'it', 'et', 'es', 'pt-BR', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

const loaded: Partial<Record<Language, Catalogue>> = {};
/** Before English is loaded (./load.ts refuses to render a page without it): keys show as themselves. */
const NONE = {} as Catalogue;

/** Makes a language's catalogue available to `translate` in this isolate (./load.ts). */
export function registerCatalogue(language: Language, catalogue: Catalogue): void {
  loaded[language] = catalogue;
}

/** The language's catalogue if loaded, else English (a language whose asset could not be read is shown in English). */
export const catalogueOf = (language: Language): Catalogue => loaded[language] ?? loaded.en ?? NONE;

export type MessageParams = Record<string, string | number>;

/** Fills `{name}` parameters; an unknown parameter stays as written (visible in review, never a crash). */
export function fill(text: string, params?: MessageParams): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  return fill(catalogueOf(language)[key] ?? loaded.en?.[key] ?? key, params);
}

/**
 * The supported language for one locale tag, or null: `it-IT`/`it_IT` → `it`, `pt`/`pt_PT` → `pt-BR` (the only
 * Portuguese we have), `de-AT` → `de`. Case and `_` vs `-` do not matter (Pipedrive says `en_US`).
 */
export function supportedLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const [base = ''] = tag.trim().replace(/_/g, '-').toLowerCase().split('-');
  if (base === 'pt') return 'pt-BR';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : null;
}

/** The tags of an Accept-Language header, best first (q-values honoured, `q=0` dropped). */
export function acceptedTags(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((t) => t.tag);
}

/**
 * The page language: the first candidate we support, in the order given (the CRM user's locale first, then an
 * explicit `?lang=`, then the browser's Accept-Language / navigator.languages), else English.
 */
export function chooseLanguage(...candidates: (string | null | undefined | string[])[]): Language {
  for (const candidate of candidates.flat()) {
    const language = supportedLanguage(candidate);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}
