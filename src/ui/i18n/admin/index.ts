// The admin page's words in every language (issue 14), kept beside the shared catalogues rather than in them so
// the sidebar's script never carries them: the admin page adds its language's table to the page's data block
// (Layout `messages`), the client reads it with ./i18n like any other key, and the server's JSX with adminText().
import type { Language, MessageParams } from '../index';
import { fill } from '../index';
import { adminDe } from './de';
import { adminEn, type AdminCatalogue } from './en';
import { adminEs } from './es';
import { adminEt } from './et';
import { adminIt } from './it';
import { adminPtBR } from './pt-BR';

export type AdminKey = keyof typeof adminEn;
export type { AdminCatalogue };

export const ADMIN_CATALOGUES: Readonly<Record<Language, AdminCatalogue>> = {
  en: adminEn,
  it: adminIt,
  et: adminEt,
  es: adminEs,
  'pt-BR': adminPtBR,
  de: adminDe,
};

export function adminText(language: Language, key: AdminKey, params?: MessageParams): string {
  return fill(ADMIN_CATALOGUES[language][key] ?? adminEn[key], params);
}
