// GET /media/:token: signed, expiring links to customer media (services/relay/media.ts). Valid links stream the provider's
// bytes; forged, altered, expired, malformed links and links to unknown connections are refused with the error
// envelope before the provider is ever called.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import type { MessageContent } from '../../src/core/message';
import { createSessionToken } from '../../src/security/session';
import { crmAttachmentUrl, MEDIA_LINK_TTL_MS } from '../../src/services/relay/media';
import type { Connection } from '../../src/store/connections';
import {
  createMetaSimulator,
  META_SAMPLE_MEDIA,
  META_SIM_CREDENTIALS,
  META_SIM_DEFAULTS,
  metaSimConnection,
} from '../mocks/meta';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';
import { APP_BASE } from '../helpers/world';

const sim = createMetaSimulator();
const server = setupServer(...sim.handlers);
let t: TestPlatform;
let seeded: Seeded;
let meta: Connection;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform({ env: { APP_BASE_URL: APP_BASE } });
  seeded = await seedInstallation(t.platform);
  const { connections } = await seeded.ctx.secretStores();
  meta = await connections.create(
    metaSimConnection(seeded.installation.id, {
      label: 'Meta (simulator)',
      // No Graph version of its own: the app's META_GRAPH_API_VERSION.
      credentials: { ...META_SIM_CREDENTIALS, apiVersion: undefined },
    }),
    t.clock.now(),
  );
  app = createApp({ platform: t.platform });
});
beforeEach(() => sim.state.reset());
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  server.close();
  await t.dispose();
});

const image = (mediaId: string = META_SAMPLE_MEDIA.image.id, extra: Partial<MessageContent> = {}) =>
  ({ type: 'media', mediaType: 'image', mediaId, mimeType: 'image/jpeg', ...extra }) as MessageContent;

/** The path of the link a CRM record would carry. */
async function linkPath(content: MessageContent, connection = meta, at = t.clock.now()): Promise<string> {
  const url = await crmAttachmentUrl(seeded.ctx, connection, content, at);
  expect(url?.startsWith(`${APP_BASE}/media/`)).toBe(true);
  return new URL(url!).pathname;
}

const providerCalls = () => sim.state.calls.mediaInfo + sim.state.calls.mediaDownload;

async function expectRefused(path: string, status: number, code: string) {
  const res = await app.request(path);
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toContain(path.split('/')[2]);
  expect(providerCalls()).toBe(0);
  return body;
}

describe('valid links', () => {
  it('stream the exact bytes with the content type, private caching, nosniff and inline disposition', async () => {
    const path = await linkPath(image());
    expect(path).toMatch(/^\/media\/[\w-]+\.[\w-]+\.[\w-]+\/image\.jpg$/);
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(META_SAMPLE_MEDIA.image.bytes);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(META_SAMPLE_MEDIA.image.bytes.byteLength));
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(sim.state.calls).toMatchObject({ mediaInfo: 1, mediaDownload: 1 });
  });

  it('name the document the customer sent, safely encoded', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7 reçu');
    const id = sim.state.addMedia(pdf, 'application/pdf');
    const filename = 'Reçu "mai"\r\nX-Evil: 1.pdf';
    const path = await linkPath({
      type: 'media',
      mediaType: 'document',
      mediaId: id,
      mimeType: 'application/pdf',
      filename,
    });
    expect(path.endsWith('/Rec_u_mai_X-Evil_1.pdf')).toBe(true);
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf);
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="Re_u _mai___X-Evil: 1.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );
  });

  it('serve a type browsers would run (HTML) as a sandboxed download', async () => {
    const id = sim.state.addMedia(new TextEncoder().encode('<script>alert(1)</script>'), 'text/html');
    const res = await app.request(
      await linkPath(image(id, { mediaType: 'document', mimeType: 'text/html' })),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('keep working until 30 days after the message, fetching a fresh Meta URL each time', async () => {
    const sent = t.clock.now();
    const path = await linkPath(image(), meta, sent);
    t.clock.advance(MEDIA_LINK_TTL_MS - 60_000);
    try {
      for (let i = 0; i < 2; i++) expect((await app.request(path)).status).toBe(200);
      expect(sim.state.calls).toMatchObject({ mediaInfo: 2, mediaDownload: 2 });
    } finally {
      t.clock.advance(-(MEDIA_LINK_TTL_MS - 60_000));
    }
  });
});

describe('refused links (the provider is never called)', () => {
  it('an expired link is 401', async () => {
    const path = await linkPath(image(), meta, t.clock.now() - MEDIA_LINK_TTL_MS - 1_000);
    const body = await expectRefused(path, 401, 'unauthorized');
    expect(body.error.message).toBe('Media link expired');
  });

  it('a tampered signature or payload is 401, and so is a payload moved to another connection', async () => {
    const path = await linkPath(image());
    const [, , token, name] = path.split('/');
    const [header, payload, signature] = token!.split('.');
    const flipped = signature!.slice(0, -2) + (signature!.endsWith('AA') ? 'BB' : 'AA');
    await expectRefused(`/media/${header}.${payload}.${flipped}/${name}`, 401, 'unauthorized');
    const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
    const moved = btoa(JSON.stringify({ ...claims, c: seeded.connections.twilio.id }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    await expectRefused(`/media/${header}.${moved}.${signature}/${name}`, 401, 'unauthorized');
  });

  it('malformed tokens and session tokens are 401, never 500', async () => {
    for (const bad of ['x', 'a.b', 'a.b.c', `${'A'.repeat(3000)}.b.c`, '%E0%A4%A', 'a.b.c.d'])
      await expectRefused(`/media/${bad}`, 401, 'unauthorized');
    const session = await createSessionToken(
      TEST_SECRETS.SESSION_SECRET,
      { installationId: seeded.installation.id, crm: 'highlevel', role: 'admin' },
      t.clock.now(),
    );
    await expectRefused(`/media/${session.token}`, 401, 'unauthorized');
  });

  it('a link for a connection that does not exist, was removed, or has no media downloads is 404', async () => {
    const ghost = { ...meta, id: 'con_doesnotexist0000000' };
    await expectRefused(await linkPath(image(), ghost), 404, 'not_found');
    // Twilio serves media at its own URLs: our link is never made for it, and a hand-made one leads nowhere.
    const twilio = seeded.connections.twilio;
    expect(await crmAttachmentUrl(seeded.ctx, twilio, image(), t.clock.now())).toBeUndefined();
    const forged = await crmAttachmentUrl(
      seeded.ctx,
      { ...twilio, provider: 'meta' },
      image(),
      t.clock.now(),
    );
    await expectRefused(new URL(forged!).pathname, 404, 'not_found');
    const { connections } = await seeded.ctx.secretStores();
    const removed = await connections.create(
      {
        installationId: seeded.installation.id,
        provider: 'meta',
        label: 'Meta, removed later',
        senderPhone: '+15550000001',
        routingKey: '106540352249999',
        credentials: { accessToken: 'EAAremoved', wabaId: '1', phoneNumberId: '106540352249999' },
      },
      t.clock.now(),
    );
    const path = await linkPath(image(), removed);
    expect(await connections.delete(seeded.installation.id, removed.id)).toBe(true);
    await expectRefused(path, 404, 'not_found');
  });
});

describe('provider failures', () => {
  it('unknown media at Meta is a 502 envelope that leaks neither the link nor the access token', async () => {
    const error = vi.spyOn(console, 'error');
    const log = vi.spyOn(console, 'log');
    const path = await linkPath(image('424242424242'));
    const res = await app.request(path);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'provider_error' } });
    const token = path.split('/')[2]!;
    for (const secret of [token, META_SIM_DEFAULTS.accessToken]) {
      expect(text).not.toContain(secret);
      for (const call of [...error.mock.calls, ...log.mock.calls])
        expect(JSON.stringify(call)).not.toContain(secret);
    }
  });
});
