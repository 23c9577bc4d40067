import { readFileSync } from 'node:fs';
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

  // The builder says every lint finding in the page language (client/lint-text.ts).
  it('every code the lint can emit has words in every language', () => {
    const source = ['template-lint.ts', 'template-lint-buttons.ts']
      .map((f) => readFileSync(new URL(`../../../core/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const codes = new Set(
      [...source.matchAll(/emit\(\s*'([a-z_]+)'|'(too_many_[a-z_]+_buttons)'/g)].map(
        (m) => (m[1] ?? m[2]) as string,
      ),
    );
    expect(codes.size).toBeGreaterThanOrEqual(40);
    for (const code of codes) {
      const keys = Object.keys(ADMIN_CATALOGUES.en).filter(
        (k) => k === `admin.lint.${code}` || k.startsWith(`admin.lint.${code}.`),
      );
      expect(keys, code).not.toEqual([]);
    }
  });
});
