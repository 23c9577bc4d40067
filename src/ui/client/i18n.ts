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

/**
 * Switches the page to the CRM user's language once the session says it (the server rendered the browser's):
 * loads that catalogue (`/ui/i18n/<lang>.json`) and re-labels the server-rendered text, marked `data-i18n`
 * (text), `data-i18n-placeholder` and `data-i18n-aria-label`. Scripts then render in it. False when it cannot.
 */
export async function switchLanguage(to: Language): Promise<boolean> {
  if (to === language) return true;
  try {
    const res = await fetch(`/ui/i18n/${encodeURIComponent(to)}.json`);
    if (!res.ok) return false;
    useCatalogue(to, (await res.json()) as Partial<Catalogue>);
  } catch {
    return false;
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-placeholder]'))
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder as MessageKey));
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel as MessageKey));
  const title = document.documentElement.dataset.i18nTitle;
  if (title) document.title = t(title as MessageKey);
  return true;
}

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
