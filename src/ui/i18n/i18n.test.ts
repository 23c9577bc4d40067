import { describe, expect, it } from 'vitest';
import { en } from './en';
import { CATALOGUES, registerAllCatalogues } from './all';
import { acceptedTags, chooseLanguage, LANGUAGES, supportedLanguage, translate } from './index';

registerAllCatalogues();
import { formatAgo, formatDuration, languageName } from './intl';

const paramsOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it.each(LANGUAGES.filter((l) => l !== 'en'))(
    '%s has every English key, the same parameters, and is translated',
    (lang) => {
      const catalogue = CATALOGUES[lang];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      const same: string[] = [];
      for (const [key, english] of Object.entries(en) as [keyof typeof en, string][]) {
        expect(catalogue[key].trim(), `${lang} ${key}`).not.toBe('');
        expect(paramsOf(catalogue[key]), `${lang} ${key} parameters`).toEqual(paramsOf(english));
        if (catalogue[key] === english) same.push(key);
      }
      // Brand names and bare parameters are the same in every language; real copy never is.
      const allowed = (key: string) =>
        /^(sidebar\.title|errors\.field|sidebar\.picker\.category\.MARKETING)$/.test(key) ||
        (lang === 'es' && key === 'sidebar.thread.customer') ||
        (lang === 'pt-BR' && key === 'sidebar.thread.customer');
      expect(same.filter((k) => !allowed(k))).toEqual([]);
    },
  );

  it('fills parameters, keeps {{placeholders}} around them, and leaves unknown ones visible', () => {
    expect(translate('it', 'sidebar.window.open', { duration: '5 h' })).toBe(
      'Finestra aperta — si chiude tra 5 h',
    );
    expect(translate('en', 'sidebar.form.bodyVar', { key: '1' })).toBe('Body {{1}}');
    expect(translate('en', 'errors.provider_error')).toBe('WhatsApp provider error: {message}');
  });
});

describe('language choice', () => {
  it.each([
    ['it-IT', 'it'],
    ['en_US', 'en'],
    ['pt', 'pt-BR'],
    ['pt_PT', 'pt-BR'],
    ['ET', 'et'],
    ['de-AT', 'de'],
    ['fr-FR', null],
    ['', null],
  ])('%s → %s', (tag, language) => expect(supportedLanguage(tag)).toBe(language));

  it('orders Accept-Language by q and takes the first supported candidate', () => {
    expect(acceptedTags('fr-CH, fr;q=0.9, et;q=0.8, en;q=0.7, *;q=0.5')).toEqual(['fr-CH', 'fr', 'et', 'en']);
    expect(acceptedTags('de;q=0, it;q=0.4, es')).toEqual(['es', 'it']);
    expect(chooseLanguage(null, acceptedTags('fr-CH, fr;q=0.9, et;q=0.8'))).toBe('et');
    expect(chooseLanguage('de_DE', 'it', ['es'])).toBe('de');
    expect(chooseLanguage(undefined, acceptedTags('ja'))).toBe('en');
  });
});

describe('Intl formatting', () => {
  it('names template languages instead of showing codes', () => {
    expect(languageName('en_US', 'en')).toBe('English (US)');
    expect(languageName('it', 'it')).toBe('italiano');
    expect(languageName('pt_BR', 'de')).toBe('Portugiesisch (Brasilien)');
    expect(languageName('not a code', 'en')).toBe('not a code');
  });

  it('says durations and ages in the page language, seconds in the last minute', () => {
    expect(formatDuration(42_000, 'en')).toMatch(/^42 sec/);
    expect(formatDuration(12 * 60_000 + 5_000, 'it')).toMatch(/^12 min/);
    expect(formatDuration(5 * 3_600_000 + 12 * 60_000, 'en')).toMatch(/^5 hr,? 12 min$/);
    expect(formatAgo(30 * 3_600_000, 'de')).toBe('vor 30 Stunden');
    expect(formatAgo(30 * 3_600_000, 'et')).toBe('30 tunni eest');
  });
});
