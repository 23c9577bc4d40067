import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

describe('HTTP shell', () => {
  it('answers /healthz', async () => {
    const res = await createApp({ platform: t.platform }).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers unknown routes with the not_found envelope', async () => {
    const res = await createApp({ platform: t.platform }).request('/nope');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
  });

  it('applies the migrations to local D1', async () => {
    const { results } = await t.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'installations',
        'connections',
        'templates',
        'contacts',
        'messages',
        'processed_events',
      ]),
    );
  });
});
