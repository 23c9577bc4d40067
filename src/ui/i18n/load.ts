// Loads a page language's catalogues from the static assets (public/ui/i18n/<lang>.json and admin.<lang>.json,
// written by scripts/build-ui.ts) through the ASSETS binding, once per isolate: they are the same files the
// browser fetches when a page switches language (client/i18n.ts). English is read the same way (issue 13: it is
// not compiled into the Worker); a catalogue that cannot be read leaves the page in English rather than failing
// it, and only a page whose English cannot be read either is refused (503), never rendered without words.
import { AppError } from '../../core/errors';
import type { AdminCatalogue } from './admin/en';
import { registerAdminCatalogue } from './admin/index';
import type { Catalogue } from './en';
import { registerCatalogue, type Language } from './index';

/** The part of a Workers `Fetcher` used here (env.ASSETS; tests serve public/ from disk). */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

export const catalogueAssetPath = (lang: Language) => `/ui/i18n/${lang}.json`;
export const adminCatalogueAssetPath = (lang: Language) => `/ui/i18n/admin.${lang}.json`;

const pending = new Map<string, Promise<boolean>>();

async function readJson(assets: AssetFetcher, path: string): Promise<Record<string, string> | null> {
  // The host is never contacted: an assets binding answers by path alone.
  const res = await assets.fetch(new Request(`https://assets.local${path}`));
  if (!res.ok) return null;
  const body: unknown = await res.json();
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, string>) : null;
}

function loadOnce(key: string, load: () => Promise<boolean>): Promise<boolean> {
  let promise = pending.get(key);
  if (!promise) {
    promise = load().catch(() => false);
    pending.set(key, promise);
    // A failure is retried by the next request rather than remembered.
    void promise.then((ok) => ok || pending.delete(key));
  }
  return promise;
}

/** Loads `lang`'s shared catalogue (and the admin page's with `admin`); false when it is shown in English. */
export async function loadLanguage(
  assets: AssetFetcher | undefined,
  lang: Language,
  options: { admin?: boolean } = {},
): Promise<boolean> {
  if (!assets) return false;
  const shared = loadOnce(`shared:${lang}`, async () => {
    const body = await readJson(assets, catalogueAssetPath(lang));
    if (body) registerCatalogue(lang, body as Catalogue);
    return body !== null;
  });
  const admin = options.admin
    ? loadOnce(`admin:${lang}`, async () => {
        const body = await readJson(assets, adminCatalogueAssetPath(lang));
        if (body) registerAdminCatalogue(lang, body as AdminCatalogue);
        return body !== null;
      })
    : Promise.resolve(true);
  const [a, b] = await Promise.all([shared, admin]);
  return a && b;
}

/**
 * The language a page is rendered in once its catalogues are loaded: `lang`, else English when `lang`'s cannot be
 * read. Throws `not_configured` (503) when English cannot be read either (no ASSETS binding, or assets down).
 */
export async function loadPageLanguage(
  assets: AssetFetcher | undefined,
  lang: Language,
  options: { admin?: boolean } = {},
): Promise<Language> {
  if (await loadLanguage(assets, lang, options)) return lang;
  if (lang !== 'en' && (await loadLanguage(assets, 'en', options))) return 'en';
  throw new AppError(
    'not_configured',
    'The pages’ catalogues cannot be read from the static assets (ASSETS)',
  );
}
