import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../index';
import { adminEn } from './en';
import { ADMIN_CATALOGUES, registerAllCatalogues } from '../all';
import { adminText } from './index';

registerAllCatalogues();

const paramsOf = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('admin catalogues', () => {
  it.each(LANGUAGES.filter((l) => l !== 'en'))(
    '%s has every English admin key, the same parameters, and is translated',
    (lang) => {
      const catalogue = ADMIN_CATALOGUES[lang];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(adminEn).sort());
      for (const [key, english] of Object.entries(adminEn) as [keyof typeof adminEn, string][]) {
        expect(catalogue[key].trim(), `${lang} ${key}`).not.toBe('');
        expect(paramsOf(catalogue[key]), `${lang} ${key} parameters`).toEqual(paramsOf(english));
        expect(catalogue[key], `${lang} ${key} translated`).not.toBe(english);
      }
    },
  );

  it('fills parameters', () => {
    expect(adminText('it', 'admin.templates.editLabel', { name: 'promo' })).toBe('Modifica e reinvia promo');
  });
});
