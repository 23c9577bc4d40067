// The admin page's words in every language (issue 14), kept beside the shared catalogues rather than in them so
// the sidebar's script never carries them: the admin page adds its language's table to the page's data block
// (Layout `messages`), the client reads it with ./i18n like any other key, and the server's JSX with adminText().
import type { Language, MessageParams } from '../index';
import { fill } from '../index';
// Every language, English included, is loaded from static assets like the shared ones (../load.ts); ./en.ts is
// the type.
import type { AdminCatalogue } from './en';

export type AdminKey = keyof AdminCatalogue;
export type { AdminCatalogue };

const loaded: Partial<Record<Language, AdminCatalogue>> = {};
const NONE = {} as AdminCatalogue;

export function registerAdminCatalogue(language: Language, catalogue: AdminCatalogue): void {
  loaded[language] = catalogue;
}

export const adminCatalogueOf = (language: Language): AdminCatalogue => loaded[language] ?? loaded.en ?? NONE;

export function adminText(language: Language, key: AdminKey, params?: MessageParams): string {
  return fill(adminCatalogueOf(language)[key] ?? loaded.en?.[key] ?? key, params);
}
