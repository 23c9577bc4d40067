// Every language's catalogues, for the asset build (scripts/build-ui.ts) and the tests. Never imported by the
// Worker: only English is compiled in there (./index.ts, ./load.ts).
import { adminDe } from './admin/de';
import { adminEn, type AdminCatalogue } from './admin/en';
import { adminEs } from './admin/es';
import { adminEt } from './admin/et';
import { registerAdminCatalogue } from './admin/index';
import { adminIt } from './admin/it';
import { adminPtBR } from './admin/pt-BR';
import { de } from './de';
import { en, type Catalogue } from './en';
import { es } from './es';
import { et } from './et';
import { registerCatalogue, LANGUAGES, type Language } from './index';
import { it } from './it';
import { ptBR } from './pt-BR';

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, it, et, es, 'pt-BR': ptBR, de };

export const ADMIN_CATALOGUES: Readonly<Record<Language, AdminCatalogue>> = {
  en: adminEn,
  it: adminIt,
  et: adminEt,
  es: adminEs,
  'pt-BR': adminPtBR,
  de: adminDe,
};

/** Registers every language at once (tests that render pages or translate without the ASSETS binding). */
export function registerAllCatalogues(): void {
  for (const lang of LANGUAGES) {
    registerCatalogue(lang, CATALOGUES[lang]);
    registerAdminCatalogue(lang, ADMIN_CATALOGUES[lang]);
  }
}
