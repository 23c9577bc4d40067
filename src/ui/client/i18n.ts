// The page language in the browser: the server renders the chosen language's catalogue into the page as a JSON
// data block (`<script type="application/json" id="i18n">`, data only, so the CSP's script-src 'self' holds),
// and the scripts translate through it. Only that one catalogue reaches the browser: the scripts stay small.
import type { Catalogue, MessageKey } from '../i18n/en';
import { fill, type Language, type MessageParams } from '../i18n/index';
import * as intl from '../i18n/intl';

let language: Language = 'en';
let messages: Partial<Catalogue> = {};

/** Installs a catalogue (the page's data block at load; unit tests pass the English one). */
export function useCatalogue(lang: Language, catalogue: Partial<Catalogue>): void {
  language = lang;
  messages = catalogue;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

function fromPage(): void {
  if (typeof document === 'undefined') return;
  const block = document.getElementById('i18n');
  if (!block?.textContent) return;
  try {
    const data = JSON.parse(block.textContent) as { lang: Language; messages: Partial<Catalogue> };
    useCatalogue(data.lang, data.messages);
  } catch {
    // A broken block leaves the keys visible rather than a blank page.
  }
}
fromPage();

export const lang = (): Language => language;

/** The message in the page language; the key itself if the page carries no such message. */
export function t(key: MessageKey, params?: MessageParams): string {
  return fill(messages[key] ?? key, params);
}

export const formatDuration = (ms: number) => intl.formatDuration(ms, language);
export const formatAgo = (ms: number) => intl.formatAgo(ms, language);
export const formatTime = (at: number, now: number) => intl.formatTime(at, now, language);
export const formatDateTime = (at: number) => intl.formatDateTime(at, language);
export const formatNumber = (value: number) => intl.formatNumber(value, language);
export const languageName = (code: string) => intl.languageName(code, language);
export const formatList = (items: string[]) => intl.formatList(items, language);
