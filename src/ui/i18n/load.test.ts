// The pages' catalogues, English included, come from the static assets (issue 13): a language that cannot be read
// falls back to English, and a page whose English cannot be read either is refused with the error envelope (503),
// never rendered without words. Its own file: the catalogues are loaded once per isolate, and here none is yet.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { AppError } from '../../core/errors';
import { createTestPlatform, REPO_ROOT, type TestPlatform } from '../../../test/helpers/platform';
import { publicDirAssets } from '../../../test/helpers/static-assets';
import { loadPageLanguage, type AssetFetcher } from './load';

const files = publicDirAssets(path.join(REPO_ROOT, 'public'));
const down: AssetFetcher = { fetch: async () => new Response('down', { status: 500 }) };

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

it('refuses a page (503, error envelope) while English cannot be read, and serves it once it can', async () => {
  const broken = createApp({ platform: { ...t.platform, assets: down } });
  for (const url of ['/ui/sidebar?lang=de', '/ui/admin', '/ui/sidebar']) {
    const res = await broken.request(url);
    expect(res.status, url).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'not_configured' } });
  }
  await expect(loadPageLanguage(undefined, 'en')).rejects.toBeInstanceOf(AppError);

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
  const admin = await (await counted.request('/ui/admin')).text();
  expect(admin).toContain('WhatsApp for your CRM');
  expect(requested).toEqual(['/ui/i18n/en.json', '/ui/i18n/admin.en.json']);
  // English is in this isolate now: assets down again only cost the other languages.
  expect(await loadPageLanguage(down, 'it', { admin: true })).toBe('en');
  expect(await loadPageLanguage(files, 'it', { admin: true })).toBe('it');
});
