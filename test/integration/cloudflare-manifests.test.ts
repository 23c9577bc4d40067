// npm run manifests (issue 16): the HighLevel and Pipedrive manifests and guides rendered for an environment point at
// its APP_BASE_URL from wrangler.toml, with no placeholder left for a var the environment sets.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderManifests } from '../../scripts/cloudflare/manifests';
import { runSetup } from '../../scripts/cloudflare/setup';
import { FakeWrangler } from '../helpers/fake-wrangler';
import { REPO_ROOT } from '../helpers/platform';

let dir: string;
let configPath: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wabridge-manifests-'));
  configPath = path.join(dir, 'wrangler.toml');
  copyFileSync(path.join(REPO_ROOT, 'wrangler.toml'), configPath);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('manifests for an environment', () => {
  it('renders every ${APP_BASE_URL} as the environment’s origin and lists the form URLs', async () => {
    const origin = 'https://wa.acme-prod.example';
    await runSetup({
      wrangler: new FakeWrangler(),
      env: 'production',
      configPath,
      secretsFile: path.join(dir, '.secrets/production.env'),
      vars: { APP_BASE_URL: origin },
      log: () => {},
    });
    const outDir = path.join(dir, 'out');
    const result = renderManifests({ root: REPO_ROOT, configPath, env: 'production', outDir });
    expect(result.files.map((f) => path.basename(f))).toEqual([
      'highlevel.app.json',
      'pipedrive.app.json',
      'highlevel.md',
      'pipedrive.md',
    ]);
    for (const file of result.files) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('${APP_BASE_URL}');
      expect(text).toContain(origin);
    }
    const highlevel = JSON.parse(readFileSync(path.join(outDir, 'highlevel.app.json'), 'utf8'));
    expect(highlevel.oauth.redirectUrl).toBe(`${origin}/oauth/highlevel/callback`);
    expect(highlevel.conversationProvider.deliveryUrl).toBe(`${origin}/crm/highlevel/outbound`);
    const pipedrive = JSON.parse(readFileSync(path.join(outDir, 'pipedrive.app.json'), 'utf8'));
    expect(pipedrive.oauth.callbackUrl).toBe(`${origin}/oauth/pipedrive/callback`);
    expect(result.formUrls).toContain(`highlevel oauth.redirectUrl = ${origin}/oauth/highlevel/callback`);
    expect(result.formUrls).toContain(`pipedrive oauth.callbackUrl = ${origin}/oauth/pipedrive/callback`);
    // The committed manifests keep their placeholder (one source for every environment).
    expect(readFileSync(path.join(REPO_ROOT, 'manifest/highlevel/app.json'), 'utf8')).toContain(
      '${APP_BASE_URL}',
    );
  });

  it('refuses an environment without an https APP_BASE_URL', () => {
    expect(() =>
      renderManifests({ root: REPO_ROOT, configPath, env: 'staging', outDir: path.join(dir, 'out') }),
    ).toThrow(/APP_BASE_URL of staging is ""/);
  });
});
