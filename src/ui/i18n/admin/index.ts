// The admin page's words in every language (issue 14), kept beside the shared catalogues rather than in them so
// the sidebar's script never carries them: the admin page adds its language's table to the page's data block
// (Layout `messages`), the client reads it with ./i18n like any other key, and the server's JSX with adminText().
import type { Language, MessageParams } from '../index';
import { fill } from '../index';
// Only English is compiled in; the other languages are loaded from static assets like the shared ones (../load.ts).
import { adminEn, type AdminCatalogue } from './en';

export type AdminKey = keyof typeof adminEn;
export type { AdminCatalogue };

const loaded: Partial<Record<Language, AdminCatalogue>> = { en: adminEn };

export function registerAdminCatalogue(language: Language, catalogue: AdminCatalogue): void {
  loaded[language] = catalogue;
}

export const adminCatalogueOf = (language: Language): AdminCatalogue => loaded[language] ?? adminEn;

export function adminText(language: Language, key: AdminKey, params?: MessageParams): string {
  return fill(adminCatalogueOf(language)[key] ?? adminEn[key], params);
}
