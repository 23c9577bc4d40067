// The pages as the Worker serves them: rendered at build time, one file per page and language (scripts/build-ui.ts
// → public/ui/pages/<page>.<lang>.html from the JSX in this folder and ./i18n's catalogues), read through the
// ASSETS binding once per isolate (issue 13: the JSX renderer, the components and the catalogues were ≈ 9 KB of
// the Worker bundle gzipped). Nothing in a page depends on the tenant or the request but its language and
// DEV_MODE, which only sets `<body data-dev>`. A language whose page cannot be read is served in English; a page
// whose English cannot be read either is refused with not_configured (503), never rendered without words.
import { AppError } from '../core/errors';
import { fetchAsset, loadOnce, type AssetFetcher } from '../platform/static-assets';
import type { Language } from './i18n/index';

export type PageName = 'sidebar' | 'admin';

export const pageAssetPath = (page: PageName, lang: Language) => `/ui/pages/${page}.${lang}.html`;
export const catalogueAssetPath = (lang: Language) => `/ui/i18n/${lang}.json`;

/** How the build renders `<body>` (devMode false); DEV_MODE turns it on here. */
export const BODY_DEV_OFF = '<body data-dev="false">';
const BODY_DEV_ON = '<body data-dev="true">';

const pages = new Map<string, Promise<string | null>>();

async function readText(assets: AssetFetcher, path: string): Promise<string | null> {
  const res = await fetchAsset(assets, path);
  return res.ok ? res.text() : null;
}

function readPage(assets: AssetFetcher, path: string): Promise<string | null> {
  // A missing file (null) is retried by the next request too, like a failed read.
  return loadOnce(pages, path, async () => {
    const html = await readText(assets, path);
    if (html === null) throw new Error(`${path} unreadable`);
    return html;
  }).catch(() => null);
}

/** The page in `lang`, else in English; throws not_configured (503) when neither can be read. */
export async function prerenderedPage(
  assets: AssetFetcher | undefined,
  page: PageName,
  lang: Language,
  devMode: boolean,
): Promise<string> {
  const html =
    (assets && (await readPage(assets, pageAssetPath(page, lang)))) ||
    (assets && lang !== 'en' && (await readPage(assets, pageAssetPath(page, 'en'))));
  if (!html)
    throw new AppError('not_configured', `The ${page} page cannot be read from the static assets (ASSETS)`);
  return devMode ? html.replace(BODY_DEV_OFF, BODY_DEV_ON) : html;
}

/** One language's catalogue as its JSON file (for a page switching language), null when it cannot be read. */
export async function catalogueJson(
  assets: AssetFetcher | undefined,
  lang: Language,
): Promise<string | null> {
  return assets ? readText(assets, catalogueAssetPath(lang)).catch(() => null) : null;
}
