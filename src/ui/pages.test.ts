// The pages and their assets as the Worker serves them: fresh bundles within the 30 KB budget, a strict script
// policy, every control labelled, and client scripts that type-check against the DOM.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientBundles } from '../../scripts/build-ui';
import { createApp } from '../app';
import { createTestPlatform, REPO_ROOT, type TestPlatform } from '../../test/helpers/platform';
import bundle from './client-bundle.json';

let t: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  t = await createTestPlatform();
  app = createApp({ platform: t.platform });
});
afterAll(async () => t.dispose());

describe('client bundles', () => {
  it('are up to date with src/ui/client (run `node --import tsx scripts/build-ui.ts` after editing it)', async () => {
    expect(await buildClientBundles()).toEqual(bundle);
  });

  it('stay within 30 KB gzipped in total, with every other script the pages load (campaigns)', async () => {
    const served: Record<string, string> = { ...bundle };
    // Scripts other issues mount on the pages count against the same budget once the Worker serves them.
    const campaigns = await app.request('/ui/campaigns.js');
    if (campaigns.status === 200) served.campaigns = await campaigns.text();
    const sizes = Object.fromEntries(
      Object.entries(served).map(([name, code]) => [name, gzipSync(code).length]),
    );
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.info(`client JS gzipped: ${JSON.stringify(sizes)}, total ${total} bytes`);
    expect(total).toBeLessThanOrEqual(30 * 1024);
  });

  it('type-check against the DOM (src/ui/client/tsconfig.json)', () => {
    const tsc = path.join(REPO_ROOT, 'node_modules/.bin/tsc');
    expect(() =>
      execFileSync(tsc, ['-p', 'src/ui/client', '--noEmit'], { cwd: REPO_ROOT, stdio: 'pipe' }),
    ).not.toThrow();
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
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
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

  it('loads assets that exist, with cacheable versioned URLs', async () => {
    const html = await (await app.request(page)).text();
    const urls = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&'),
    );
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      const res = await app.request(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect((await res.text()).length).toBeGreaterThan(1000);
    }
  });
});

it('answers an unknown asset with the not_found envelope', async () => {
  const res = await app.request('/ui/assets/evil.js');
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
});
