// The generic /oauth/:crm and /crm/:crm routes (issue 13): a name that is not a CRM, or an endpoint or method a
// CRM does not serve, is the app's 404 envelope, stores nothing and reads no body; the CRMs' own paths still answer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';

let t: TestPlatform;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  t = await createTestPlatform();
  app = createApp({ platform: t.platform });
});
afterEach(async () => t.dispose());

const states = async () =>
  (await t.db.prepare('SELECT COUNT(*) AS n FROM oauth_states').first<{ n: number }>())!.n;

async function expectNotFound(response: Response) {
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
}

describe('/oauth/:crm', () => {
  it.each(['meta', 'twilio', 'salesforce', 'constructor', '__proto__', 'hasOwnProperty'])(
    'answers 404 for %s and writes no state',
    async (name) => {
      for (const path of [`/oauth/${name}/start`, `/oauth/${name}/callback?code=abc&state=def`]) {
        await expectNotFound(await app.request(path));
      }
      await expectNotFound(await app.request(`/oauth/${name}/callback`, { method: 'DELETE', body: '{}' }));
      expect(await states()).toBe(0);
    },
  );

  it('starts each CRM install at its own path (one state each), uninstall only where the CRM sends it', async () => {
    for (const crm of ['highlevel', 'pipedrive']) {
      const start = await app.request(`/oauth/${crm}/start`);
      expect(start.status).toBe(302);
      expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toMatch(
        new RegExp(`/oauth/${crm}/callback$`),
      );
    }
    expect(await states()).toBe(2);
    // HighLevel uninstalls through its UNINSTALL webhook, not a DELETE on the callback.
    await expectNotFound(await app.request('/oauth/highlevel/callback', { method: 'DELETE', body: '{}' }));
    // Pipedrive's DELETE is still served: wrong credentials are its 401, not a 404.
    const uninstall = await app.request('/oauth/pipedrive/callback', {
      method: 'DELETE',
      headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' },
      body: '{}',
    });
    expect(uninstall.status).toBe(401);
  });
});

describe('/crm/:crm/:endpoint', () => {
  it.each([
    '/crm/meta/events',
    '/crm/pipedrive/events',
    '/crm/highlevel/unknown',
    '/crm/highlevel/constructor',
    '/crm/highlevel/__proto__',
    '/crm/__proto__/events',
  ])('answers 404 for POST %s', async (path) => {
    await expectNotFound(await app.request(path, { method: 'POST', body: '{}' }));
  });

  it('verifies before anything else on the CRM endpoints (unsigned: 401, not 404)', async () => {
    for (const path of ['/crm/highlevel/events', '/crm/highlevel/outbound']) {
      const response = await app.request(path, { method: 'POST', body: '{"type":"INSTALL"}' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });
});
