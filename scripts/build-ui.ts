// Builds the pages' static assets into public/ui/assets, served by Workers Static Assets (wrangler.toml
// [assets]) so none of them weighs on the Worker bundle: the client scripts (src/ui/client/*.ts, which reuse
// src/core for preview and validation; campaigns and charts are loaded on demand by the admin page) and the
// stylesheet. File names carry a content hash (immutable, cached for a year by public/_headers: a deploy never
// mixes versions). It also renders the pages themselves, one file per page and language (public/ui/pages, from
// the JSX in src/ui and the catalogues; the Worker serves them through ASSETS, src/ui/prerendered.ts: no JSX
// renderer or catalogue in the Worker bundle, issue 13), and writes every catalogue (public/ui/i18n). Run after
// editing anything in src/ui: `node --import tsx scripts/build-ui.ts`. A test fails when the committed files are
// stale.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { AdminPage } from '../src/ui/admin-page';
import { useAssetManifest, type AssetName } from '../src/ui/assets';
import { CATALOGUES, registerAllCatalogues } from '../src/ui/i18n/all';
import { LANGUAGES } from '../src/ui/i18n/index';
import { BODY_DEV_OFF } from '../src/ui/prerendered';
import { SidebarPage } from '../src/ui/sidebar-page';
import { STYLES } from '../src/ui/styles';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// campaigns: loaded when the admin opens that section; charts (uPlot): only on a campaign's page.
export const CLIENT_ENTRIES = ['sidebar', 'admin', 'campaigns', 'charts'] as const;
export const ASSETS_DIR = path.join(ROOT, 'public/ui/assets');
export const MANIFEST_FILE = path.join(ROOT, 'src/ui/asset-manifest.json');
const URL_PREFIX = '/ui/assets/';
/** The pages' catalogues (client/i18n.ts fetches them when a page switches language). */
export const I18N_DIR = path.join(ROOT, 'public/ui/i18n');
/** The pages, rendered (src/ui/prerendered.ts reads them through the ASSETS binding). */
export const PAGES_DIR = path.join(ROOT, 'public/ui/pages');

const MINIFY = { minify: true, target: 'es2020', charset: 'utf8', legalComments: 'none' } as const;

export interface UiAssets {
  /** Hashed file name → contents. */
  files: Record<string, string>;
  /** Logical name (`sidebar.js`) → URL of its hashed file. */
  manifest: Record<string, string>;
}

async function bundleClient(name: string): Promise<string> {
  const result = await build({
    ...MINIFY,
    entryPoints: [path.join(ROOT, `src/ui/client/${name}.ts`)],
    bundle: true,
    write: false,
    format: 'iife',
    logLevel: 'silent',
    loader: { '.css': 'text' },
  });
  return result.outputFiles[0]!.text;
}

/** Every asset by logical name, built in memory. */
export async function buildUiAssets(): Promise<UiAssets> {
  const sources: Record<string, string> = {};
  for (const name of CLIENT_ENTRIES) sources[`${name}.js`] = await bundleClient(name);
  sources['ui.css'] = STYLES.trim() + '\n';
  const assets: UiAssets = { files: {}, manifest: {} };
  for (const [name, body] of Object.entries(sources)) {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const file = name.replace(/\.(\w+)$/, `.${hash}.$1`);
    assets.files[file] = body;
    assets.manifest[name] = `${URL_PREFIX}${file}`;
  }
  return assets;
}

export const serializeManifest = (manifest: Record<string, string>) =>
  `${JSON.stringify(manifest, null, 2)}\n`;

/** Writes the files into `assetsDir`, removing any other file there (stale hashes), and the manifest. */
export function writeUiAssets(assets: UiAssets, assetsDir: string, manifestFile: string): void {
  mkdirSync(assetsDir, { recursive: true });
  for (const file of readdirSync(assetsDir)) if (!(file in assets.files)) rmSync(path.join(assetsDir, file));
  for (const [file, body] of Object.entries(assets.files)) writeFileSync(path.join(assetsDir, file), body);
  writeFileSync(manifestFile, serializeManifest(assets.manifest));
}

/** `<lang>.json` (the shared words a page loads when it switches language) per language: file name → JSON. The
 * admin words are in the prerendered admin page itself, so no admin catalogue is published. */
export function buildCatalogueFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const lang of LANGUAGES) {
    files[`${lang}.json`] = `${JSON.stringify(CATALOGUES[lang])}\n`;
  }
  return files;
}

/** Writes `files` into `dir`, removing any other file there (catalogues, pages). */
export function writeCatalogueFiles(files: Record<string, string>, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) if (!(file in files)) rmSync(path.join(dir, file));
  for (const [file, body] of Object.entries(files)) writeFileSync(path.join(dir, file), body);
}

/**
 * `<page>.<lang>.html` for the sidebar and the admin page in every language, linking the assets of `manifest`
 * (the one just built), with `<body data-dev="false">` (the Worker turns it on under DEV_MODE).
 */
export async function buildPageFiles(manifest: Record<string, string>): Promise<Record<string, string>> {
  useAssetManifest(manifest as Record<AssetName, string>);
  registerAllCatalogues();
  const files: Record<string, string> = {};
  for (const lang of LANGUAGES) {
    for (const [name, Page] of [
      ['sidebar', SidebarPage],
      ['admin', AdminPage],
    ] as const) {
      const html = `<!doctype html>${await Page({ devMode: false, lang }).toString()}`;
      if (html.split(BODY_DEV_OFF).length !== 2) throw new Error(`${name}: expected one ${BODY_DEV_OFF}`);
      files[`${name}.${lang}.html`] = html;
    }
  }
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const assets = await buildUiAssets();
  writeUiAssets(assets, ASSETS_DIR, MANIFEST_FILE);
  writeCatalogueFiles(buildCatalogueFiles(), I18N_DIR);
  writeCatalogueFiles(await buildPageFiles(assets.manifest), PAGES_DIR);
  for (const [file, body] of Object.entries(assets.files))
    console.log(`${path.relative(ROOT, path.join(ASSETS_DIR, file))} ${(body.length / 1024).toFixed(1)} KB`);
}
