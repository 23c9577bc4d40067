// The pages are rendered at build time and read through ASSETS (issue 13): a language whose page cannot be read is
// served in English, and a page whose English cannot be read either is refused with the error envelope (503),
// never served without words. Its own file: pages are read once per isolate, and here none is yet.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../app';
import { AppError } from '../core/errors';
import { createTestPlatform, REPO_ROOT, type TestPlatform } from '../../test/helpers/platform';
import { publicDirAssets } from '../../test/helpers/static-assets';
import { prerenderedPage, BODY_DEV_OFF } from './prerendered';

const files = publicDirAssets(path.join(REPO_ROOT, 'public'));
const down = { fetch: async () => new Response('down', { status: 500 }) };

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

it('refuses a page (503, error envelope) while English cannot be read, and serves it once it can', async () => {
  // The phone metadata is installed already (vitest setup): only the pages are unreadable.
  const broken = createApp({ platform: { ...t.platform, assets: down } });
  for (const url of ['/ui/sidebar?lang=de', '/ui/admin', '/ui/sidebar']) {
    const res = await broken.request(url);
    expect(res.status, url).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'not_configured' } });
  }
  await expect(prerenderedPage(undefined, 'sidebar', 'en', false)).rejects.toBeInstanceOf(AppError);

  // A failure is not remembered: the next request with readable assets gets the page.
  const requested: string[] = [];
  const counted = createApp({
    platform: {
      ...t.platform,
      assets: { fetch: (req) => (requested.push(new URL(req.url).pathname), files.fetch(req)) },
    },
  });
  const english = await counted.request('/ui/sidebar');
  expect(english.status).toBe(200);
  const html = await english.text();
  expect(html).toContain('<html lang="en">');
  expect(html).toContain('Show conversation');
  expect(html).toContain(BODY_DEV_OFF);
  const admin = await (await counted.request('/ui/admin')).text();
  expect(admin).toContain('WhatsApp for your CRM');
  expect(requested).toEqual(['/ui/pages/sidebar.en.html', '/ui/pages/admin.en.html']);
  // English is in this isolate now: assets down again only cost the other languages.
  expect(await prerenderedPage(down, 'admin', 'it', false)).toContain('<html lang="en">');
  expect(await prerenderedPage(files, 'admin', 'it', false)).toContain('<html lang="it">');
});

it('turns the page’s dev flag on under DEV_MODE (local mode), and nothing else', async () => {
  const dev = createApp({
    platform: { ...t.platform, assets: files, config: { ...t.platform.config, DEV_MODE: true } },
  });
  const prod = createApp({ platform: { ...t.platform, assets: files } });
  for (const page of ['/ui/sidebar', '/ui/admin']) {
    const [on, off] = [await (await dev.request(page)).text(), await (await prod.request(page)).text()];
    expect(on).toContain('<body data-dev="true">');
    expect(on.replace('<body data-dev="true">', BODY_DEV_OFF)).toBe(off);
  }
});

it('never serves the page files by their own path (only the /ui routes, with their headers)', async () => {
  const app = createApp({ platform: { ...t.platform, assets: files } });
  const res = await app.request('/ui/pages/sidebar.en.html');
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
});
