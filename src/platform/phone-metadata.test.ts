// The Worker's phone metadata comes from its static assets (issue 13): read once per isolate, before any handler
// parses a number; unreadable, it is a clear not_configured (503), never a wrong "invalid number". Fresh modules
// here: vitest's setup file has already installed the metadata from the file in the shared ones.
import path from 'node:path';
import { beforeEach, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../test/helpers/platform';
import { publicDirAssets } from '../../test/helpers/static-assets';

const files = publicDirAssets(path.join(REPO_ROOT, 'public'));
const down = { fetch: async () => new Response('down', { status: 500 }) };

const fresh = async () => ({
  phone: await import('../core/phone'),
  loader: await import('./phone-metadata'),
  errors: await import('../core/errors'),
});

beforeEach(() => {
  vi.resetModules();
});

it('refuses to parse a number before the metadata is loaded (an error, not an answer)', async () => {
  const { phone } = await fresh();
  expect(phone.hasPhoneMetadata()).toBe(false);
  expect(() => phone.normalizePhone('+39 333 123 4567')).toThrow(/Phone metadata not loaded/);
  // Formatting helpers need no metadata.
  expect(phone.toDigits('+393331234567')).toBe('393331234567');
  expect(() => phone.setPhoneMetadata({ version: 4 })).toThrow(TypeError);
});

it('reads the asset once per isolate, also under concurrent callers, then parses numbers', async () => {
  const { phone, loader } = await fresh();
  const requested: string[] = [];
  const assets = { fetch: (req: Request) => (requested.push(new URL(req.url).pathname), files.fetch(req)) };
  await Promise.all([loader.loadPhoneMetadata(assets), loader.loadPhoneMetadata(assets)]);
  await loader.loadPhoneMetadata(assets);
  await loader.loadPhoneMetadata(undefined);
  expect(requested).toEqual(['/data/phone-metadata.json']);
  expect(phone.normalizePhone('333 1234567', 'IT')).toEqual({
    ok: true,
    e164: '+393331234567',
    country: 'IT',
  });
});

it('rejects with not_configured while the asset cannot be read, and tries again on the next event', async () => {
  const { phone, loader, errors } = await fresh();
  for (const assets of [undefined, down, { fetch: async () => new Response('{"version":4}') }]) {
    const failure = await loader.loadPhoneMetadata(assets).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.AppError);
    expect((failure as InstanceType<typeof errors.AppError>).code).toBe('not_configured');
  }
  expect(phone.hasPhoneMetadata()).toBe(false);
  await loader.loadPhoneMetadata(files);
  expect(phone.normalizePhone('+372 5123 4567')).toMatchObject({ ok: true, e164: '+37251234567' });
});

it('answers every request 503 (error envelope) while the metadata cannot be read, then serves normally', async () => {
  const { createTestPlatform } = await import('../../test/helpers/platform');
  const t = await createTestPlatform();
  try {
    // createTestPlatform installs the file's metadata in the modules it imports: start this app's modules afresh.
    vi.resetModules();
    const { createApp } = await import('../app');
    const broken = createApp({ platform: { ...t.platform, assets: down } });
    const res = await broken.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'not_configured' } });
    const working = createApp({ platform: { ...t.platform, assets: files } });
    expect((await working.request('/healthz')).status).toBe(200);
  } finally {
    await t.dispose();
  }
});
