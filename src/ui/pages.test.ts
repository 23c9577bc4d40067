// The pages as the Worker serves them and their static assets (public/ui/assets, served by Workers Static
// Assets): fresh builds within the 30 KB budget and out of the Worker bundle, a strict script policy, every
// control labelled, and client scripts that type-check against the DOM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSETS_DIR,
  buildCatalogueFiles,
  buildPageFiles,
  buildUiAssets,
  I18N_DIR,
  MANIFEST_FILE,
  PAGES_DIR,
  writeCatalogueFiles,
  writeUiAssets,
} from '../../scripts/build-ui';
import { LANGUAGES } from './i18n/index';
import { createApp } from '../app';
import { parseConfig } from '../config';
import { createTestPlatform, REPO_ROOT, type TestPlatform } from '../../test/helpers/platform';
import { publicDirAssets } from '../../test/helpers/static-assets';
import manifest from './asset-manifest.json';

const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
// The Worker bundle's gzipped size at most (gzip -9 of wrangler's dry-run index.js): a ratchet a few KiB over the
// last measure, lowered with every cut, so growth is a decision rather than a drift. Issue 13 asks for 175 KB.
const WORKER_BUDGET_GZIP_BYTES = 175_000;
const readAsset = (url: string) => readFileSync(path.join(PUBLIC_DIR, url), 'utf8');
const readDir = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

let t: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  t = await createTestPlatform();
  app = createApp({ platform: t.platform });
});
afterAll(async () => t.dispose());

describe('static assets', () => {
  it('are up to date with src/ui (run `node --import tsx scripts/build-ui.ts` after editing src/ui)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wabridge-ui-assets-'));
    try {
      const assets = await buildUiAssets();
      writeUiAssets(assets, path.join(dir, 'assets'), path.join(dir, 'manifest.json'));
      // Same files, no stale hash left behind, and the manifest the pages are rendered with names them.
      const [committed, built] = [readDir(ASSETS_DIR), readDir(path.join(dir, 'assets'))];
      expect(Object.keys(committed).sort()).toEqual(Object.keys(built).sort());
      for (const file of Object.keys(built)) expect(committed[file] === built[file], file).toBe(true);
      expect(readFileSync(MANIFEST_FILE, 'utf8')).toBe(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      // The prerendered pages (public/ui/pages, every page in every language) too.
      writeCatalogueFiles(await buildPageFiles(assets.manifest), path.join(dir, 'pages'));
      const [pages, builtPages] = [readDir(PAGES_DIR), readDir(path.join(dir, 'pages'))];
      expect(Object.keys(pages).sort()).toEqual(Object.keys(builtPages).sort());
      expect(Object.keys(builtPages)).toContain('admin.pt-BR.html');
      for (const file of Object.keys(builtPages)) expect(pages[file] === builtPages[file], file).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('include every language’s catalogues, up to date with src/ui/i18n (public/ui/i18n, same build command)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wabridge-ui-i18n-'));
    try {
      writeCatalogueFiles(buildCatalogueFiles(), dir);
      const [committed, built] = [readDir(I18N_DIR), readDir(dir)];
      expect(Object.keys(committed).sort()).toEqual(Object.keys(built).sort());
      // The shared words of every language, which a page fetches when it switches language (client/i18n.ts); the
      // admin words are in the prerendered admin page, so no admin catalogue is published.
      expect(Object.keys(built).sort()).toEqual(LANGUAGES.map((lang) => `${lang}.json`).sort());
      for (const file of Object.keys(built)) expect(committed[file] === built[file], file).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stay within 30 KB gzipped for all the scripts the pages load (sidebar, admin, campaigns)', () => {
    const scripts = Object.entries(manifest).filter(([name]) => name.endsWith('.js') && name !== 'charts.js');
    expect(scripts.map(([name]) => name).sort()).toEqual(['admin.js', 'campaigns.js', 'sidebar.js']);
    const sizes = Object.fromEntries(scripts.map(([name, url]) => [name, gzipSync(readAsset(url)).length]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.info(`client JS gzipped: ${JSON.stringify(sizes)}, total ${total} bytes`);
    expect(total).toBeLessThanOrEqual(30 * 1024);
  });

  it('keep the chart library to a campaign page of its own: charts.js within 25 KB gzipped', () => {
    // uPlot (~22 KB gzipped) and the time chart: loaded only when an admin opens a campaign's page (issue 14).
    const size = gzipSync(readAsset(manifest['charts.js'])).length;
    console.info(`charts.js gzipped: ${size} bytes`);
    expect(size).toBeLessThanOrEqual(25 * 1024);
  });

  it('are cached for a year by Workers Static Assets (public/_headers), their names being content hashes', () => {
    const rules = readFileSync(path.join(PUBLIC_DIR, '_headers'), 'utf8');
    expect(rules).toMatch(/^\/ui\/assets\/\*\n {2}Cache-Control: public, max-age=31536000, immutable$/m);
    for (const url of Object.values(manifest))
      expect(url).toMatch(/^\/ui\/assets\/[a-z]+\.[0-9a-f]{12}\.\w+$/);
  });

  it('type-check against the DOM (src/ui/client/tsconfig.json)', () => {
    const tsc = path.join(REPO_ROOT, 'node_modules/.bin/tsc');
    expect(() =>
      execFileSync(tsc, ['-p', 'src/ui/client', '--noEmit'], { cwd: REPO_ROOT, stdio: 'pipe' }),
    ).not.toThrow();
  }, 60_000);

  it('stay out of the Worker bundle (wrangler deploy --dry-run)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wabridge-worker-dry-run-'));
    try {
      const wrangler = path.join(REPO_ROOT, 'node_modules/.bin/wrangler');
      const args = ['deploy', '--dry-run', '--outdir', dir, '--metafile', path.join(dir, 'meta.json')];
      execFileSync(wrangler, args, {
        cwd: REPO_ROOT,
        stdio: 'pipe',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      });
      const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as {
        inputs: Record<string, unknown>;
        outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
      };
      const bundled = Object.keys(meta.inputs).filter((input) =>
        /^(src\/ui\/(client\/|styles\.ts|.*\.tsx$|i18n\/(admin\/)?(en|it|et|es|pt-BR|de)\.ts)|public\/|node_modules\/hono\/dist\/jsx\/)/.test(
          input,
        ),
      );
      expect(bundled).toEqual([]);
      // No page is rendered and no catalogue compiled in (issue 13): the prerendered pages are read through ASSETS.
      // Only TrieRouter routes (src/http/hono.ts: import Hono from there, not from 'hono'): hono's other routers
      // may be parsed (hono/factory names its Hono) but must add no byte.
      const routers = Object.values(meta.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(
            ([input, { bytesInOutput }]) =>
              bytesInOutput > 0 && /hono\/dist\/router\/(reg-exp|smart)-router\//.test(input),
          )
          .map(([input]) => input),
      );
      expect(routers).toEqual([]);
      expect(readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8')).toMatch(/^binding = "ASSETS"$/m);
      const worker = readFileSync(path.join(dir, 'index.js'), 'utf8');
      console.info(`Worker bundle: ${(gzipSync(worker, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`);
      // The code itself, however it might get in: a marker of each script (session handshake, campaigns UI).
      for (const marker of ['REQUEST_USER_DATA', 'campaign-preflight-result', 'prefers-color-scheme'])
        expect(worker, marker).not.toContain(marker);
      for (const marker of ['Mostra la conversazione', 'Näita vestlust', 'Show conversation'])
        expect(worker, marker).not.toContain(marker);
      // The Worker's size budget (issue 13; DESIGN.md §8, docs/BENCHMARKS.md). A ratchet: lower it with every cut.
      expect(gzipSync(worker, { level: 9 }).length).toBeLessThanOrEqual(WORKER_BUDGET_GZIP_BYTES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.each(['/ui/sidebar', '/ui/admin'])('%s', (page) => {
  it('is served with a script policy that allows only our own scripts, and no inline script', async () => {
    const res = await app.request(page);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The only script element without src is the catalogue's JSON data block, which browsers never execute.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(inline).toEqual(['type="application/json" id="i18n"']);
    expect(html).not.toMatch(/<\/script>[^<]*<\/script>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('may be framed only by the CRMs (plus configured white-label origins); any parent in local mode', async () => {
    const ancestors = (res: Response) =>
      /frame-ancestors ([^;]+)/.exec(res.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    expect(ancestors(await app.request(page))).toEqual([
      "'self'",
      'https://app.gohighlevel.com',
      'https://*.gohighlevel.com',
      'https://*.leadconnectorhq.com',
      'https://*.pipedrive.com',
    ]);
    const base = t.platform.config;
    try {
      t.platform.config = {
        ...base,
        UI_FRAME_ANCESTORS: 'https://crm.agency.example https://*.agency2.example',
      };
      const extra = ancestors(await createApp({ platform: t.platform }).request(page));
      expect(extra).toContain('https://crm.agency.example');
      expect(extra).toContain('https://*.agency2.example');
      t.platform.config = { ...base, DEV_MODE: true };
      expect(ancestors(await createApp({ platform: t.platform }).request(page))).toBeUndefined();
    } finally {
      t.platform.config = base;
    }
  });

  it('takes only https origins in UI_FRAME_ANCESTORS (nothing that could widen the policy)', () => {
    expect(
      parseConfig({ UI_FRAME_ANCESTORS: 'https://crm.agency.example https://*.agency2.example' }),
    ).toMatchObject({
      UI_FRAME_ANCESTORS: 'https://crm.agency.example https://*.agency2.example',
    });
    for (const bad of [
      '*',
      'https://a.example; script-src *',
      "'unsafe-inline'",
      'http://a.example',
      'https://a.example  ',
    ])
      expect(() => parseConfig({ UI_FRAME_ANCESTORS: bad }), bad).toThrow(/UI_FRAME_ANCESTORS/);
  });

  it('labels every input, select and textarea', async () => {
    const html = await (await app.request(page)).text();
    const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]));
    const controls = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].map((m) => m[2]!);
    expect(controls.length).toBeGreaterThan(3);
    const unlabelled = controls
      .filter((attrs) => !/aria-label=/.test(attrs) && !/type="hidden"/.test(attrs))
      .map((attrs) => /\sid="([^"]+)"/.exec(attrs)?.[1] ?? attrs)
      .filter((id) => !labelled.has(id));
    expect(unlabelled).toEqual([]);
  });

  it('links its script and the stylesheet by hashed URLs of files in public/', async () => {
    const html = await (await app.request(page)).text();
    const urls = [...html.matchAll(/(?:src|href|data-script)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    const script = page === '/ui/sidebar' ? 'sidebar.js' : 'admin.js';
    const expected = [manifest['ui.css'], manifest[script]];
    if (page === '/ui/admin') expected.push(manifest['campaigns.js']);
    expect(urls).toEqual(expected);
    for (const url of urls) expect(existsSync(path.join(PUBLIC_DIR, url)), url).toBe(true);
    for (const url of urls) expect(readAsset(url).length).toBeGreaterThan(1000);
  });
});

it('answers an unknown asset with the not_found envelope (no static file matches, so it reaches the Worker)', async () => {
  const res = await app.request('/ui/assets/evil.js');
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
});

it('serves one language’s catalogue for a page switching to the CRM user’s language, 404 for any other name', async () => {
  const res = await app.request('/ui/i18n/it.json');
  expect(res.status).toBe(200);
  expect(((await res.json()) as Record<string, string>)['sidebar.show']).toBe('Mostra la conversazione');
  for (const bad of ['/ui/i18n/fr.json', '/ui/i18n/..%2Fen.json', '/ui/i18n/constructor'])
    expect((await app.request(bad)).status, bad).toBe(404);
});

it('renders the sidebar in the language asked (?lang=, then Accept-Language) with lang set', async () => {
  const it_ = await (await app.request('/ui/sidebar?lang=it_IT')).text();
  expect(it_).toContain('<html lang="it">');
  expect(it_).toContain('Mostra la conversazione');
  const et = await (
    await app.request('/ui/sidebar', { headers: { 'accept-language': 'fr-FR, et;q=0.8, en;q=0.5' } })
  ).text();
  expect(et).toContain('<html lang="et">');
  expect(et).toContain('Näita vestlust');
});

it('reads a page in its language through the ASSETS binding once per isolate, and falls back to English without it', async () => {
  const requested: string[] = [];
  const files = publicDirAssets(PUBLIC_DIR);
  // Every page but English's unreadable (./prerendered.test.ts: English unreadable too refuses the page).
  const broken = createApp({
    platform: {
      ...t.platform,
      assets: {
        fetch: async (req) =>
          /\.en\.html$/.test(new URL(req.url).pathname)
            ? files.fetch(req)
            : new Response('down', { status: 500 }),
      },
    },
  });
  const down = await broken.request('/ui/sidebar?lang=de');
  expect(down.status).toBe(200);
  const english = await down.text();
  expect(english).toContain('<html lang="en">');
  expect(english).toContain('Show conversation');
  expect((await broken.request('/ui/i18n/de.json')).status).toBe(404);

  const counted = createApp({
    platform: {
      ...t.platform,
      assets: { fetch: (req) => (requested.push(new URL(req.url).pathname), files.fetch(req)) },
    },
  });
  for (let i = 0; i < 2; i++) {
    const german = await (await counted.request('/ui/sidebar?lang=de')).text();
    expect(german).toContain('<html lang="de">');
    expect(german).toContain('Gespräch anzeigen');
  }
  const admin = await (await counted.request('/ui/admin?lang=de')).text();
  expect(admin).toContain('WhatsApp für dein CRM');
  expect(requested).toEqual(['/ui/pages/sidebar.de.html', '/ui/pages/admin.de.html']);
});
