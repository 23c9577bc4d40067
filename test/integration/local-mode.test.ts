// Local mode end to end (DESIGN.md §5): the Worker under wrangler's dev engine (workerd + local D1) with every vendor base URL on the
// loopback simulator, the demo seeded, and the customer played through /_sim. Runs on free ports in a temporary
// state directory, so it never touches a developer's .dev.vars or .wrangler/state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMode } from '../../scripts/local-mode/index';
import type { LocalMode } from '../../scripts/local-mode/index';
import { createMediaToken } from '../../src/security/media-link';
import { eventually as eventuallyWithin } from '../helpers/eventually';
import { REPO_ROOT } from '../helpers/platform';
import { META_SAMPLE_MEDIA } from '../mocks/meta/meta-sample-media';

let mode: LocalMode;
let stateDir: string;
let adminToken: string;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'wabridge-local-mode-'));
  mode = await startLocalMode({
    appPort: 0,
    simPort: 0,
    persistTo: stateDir,
    isolated: true,
    stdio: 'pipe',
  });
  adminToken = await mode.session({
    installationId: mode.seed.highlevel.installation.id,
    crm: 'highlevel',
    role: 'admin',
  });
}, 90_000);

afterAll(async () => {
  await mode?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

async function api<T = Record<string, unknown>>(method: string, route: string, body?: unknown) {
  const res = await fetch(`${mode.urls.app}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function sim<T = Record<string, unknown>>(route: string, body?: unknown) {
  const res = await fetch(`${mode.urls.simulator}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls until `check` returns a value (the queue consumer runs asynchronously in wrangler dev). */
const eventually = <T>(check: () => Promise<T | undefined>) => eventuallyWithin(check, 10_000);

type Message = { text: string; direction: string; status: string; providerMessageId: string | null };
const messagesOf = async (phone: string, connectionId: string) =>
  (
    await api<{ messages: Message[] }>(
      'GET',
      `/api/contacts/${encodeURIComponent(phone)}/messages?connectionId=${connectionId}`,
    )
  ).body.messages;

describe('local mode', () => {
  it('serves /healthz from wrangler dev on loopback', async () => {
    expect(mode.urls.app).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${mode.urls.app}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('guards /admin/health with the operator token and reports what local mode leaves unset', async () => {
    expect((await fetch(`${mode.urls.app}/admin/health`)).status).toBe(401);
    const res = await fetch(`${mode.urls.app}/admin/health`, {
      headers: { authorization: `Bearer ${mode.vars.OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      configuration: { missing: string[]; warnings: string[] };
      database: { migrations: { applied: number; latest: string } | null };
      urls: { app: string };
    };
    expect(body.configuration.missing).toContain('HIGHLEVEL_CONVERSATION_PROVIDER_ID');
    expect(body.configuration.warnings.join(' ')).toMatch(/DEV_MODE/);
    expect(body.database.migrations?.applied).toBeGreaterThan(0); // wrangler's d1_migrations, applied at start
    expect(body.urls.app).toBe(mode.urls.app);
  });

  it('serves the pages’ scripts as static assets (public/, cached for a year) and the rest from the Worker', async () => {
    const html = await (await fetch(`${mode.urls.app}/ui/sidebar`)).text();
    // Its words too: English is read through the ASSETS binding in workerd like every language (issue 13).
    expect(html).toContain('Show conversation');
    const src = /<script src="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(src).toMatch(/^\/ui\/assets\/sidebar\.[0-9a-f]{12}\.js$/);
    const res = await fetch(`${mode.urls.app}${src}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(readFileSync(path.join(REPO_ROOT, 'public', src), 'utf8'));
    // No file matches: the Worker answers (its not_found envelope), and _headers itself is never served; nor are
    // the prerendered pages by their own path (wrangler.toml run_worker_first): only /ui/*, with its headers.
    for (const route of ['/ui/assets/evil.js', '/_headers', '/ui/pages/sidebar.en.html']) {
      const missing = await fetch(`${mode.urls.app}${route}`);
      expect(missing.status, route).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('points every vendor base URL at the loopback simulator', () => {
    for (const key of Object.keys(mode.vars).filter((k) => k.endsWith('_BASE_URL') || k.endsWith('_URL'))) {
      expect(mode.vars[key], key).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    }
  });

  it('has the demo HighLevel installation with one connection per provider', async () => {
    const { status, body } = await api<{ connections: { provider: string; senderPhone: string }[] }>(
      'GET',
      '/api/connections',
    );
    expect(status).toBe(200);
    expect(body.connections.map((c) => c.provider).sort()).toEqual(['cm', 'meta', 'twilio']);
  });

  it('seeds one open and one closed window', async () => {
    const meta = mode.seed.highlevel.connections.meta.id;
    const window = async (phone: string) =>
      (
        await api<{ state: string }>(
          'GET',
          `/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${meta}`,
        )
      ).body.state;
    expect(await window('+393471234567')).toBe('open');
    expect(await window('+37251234567')).toBe('closed');
  });

  it('seeds a username-only customer (no phone) and relays their message played by BSUID (issue 11)', async () => {
    const meta = mode.seed.highlevel.connections.meta.id;
    const bsuid = 'SG.20260604000001';
    const window = await api<{ state: string; username: string; phoneRequiredFor: string[] }>(
      'GET',
      `/api/contacts/${bsuid}/window?connectionId=${meta}`,
    );
    expect(window.body).toMatchObject({
      state: 'open',
      username: 'sam.lee',
      phoneRequiredFor: ['AUTHENTICATION'],
    });
    expect(mode.urls.sidebarUsername).toContain(`bsuid=${bsuid}`);
    const played = await sim<{ delivered: { status: number } }>('/_sim/inbound', {
      provider: 'meta',
      userId: bsuid,
      username: 'sam.lee',
      text: 'Played by username',
    });
    expect(played.body.delivered.status).toBe(200);
    await eventually(async () =>
      (await messagesOf(bsuid, meta)).some((m) => m.text === 'Played by username') ? true : undefined,
    );
  });

  it.each(['meta', 'twilio', 'cm'] as const)(
    'relays a customer message played through /_sim/inbound (%s) into the app',
    async (provider) => {
      const phone = '+4915112345678';
      const text = `Hallo from ${provider}`;
      const { status, body } = await sim<{ delivered: { status: number } }>('/_sim/inbound', {
        provider,
        from: phone,
        text,
      });
      expect(status).toBe(200);
      // The app verified the vendor's signature (or CM.com's URL token) and acknowledged.
      expect(body.delivered.status).toBe(200);
      const connectionId = mode.seed.highlevel.connections[provider].id;
      const messages = await messagesOf(phone, connectionId);
      expect(messages.some((m) => m.direction === 'inbound' && m.text === text)).toBe(true);
    },
  );

  it('sends through the Meta simulator and moves the ticks on a simulated status', async () => {
    const meta = mode.seed.highlevel.connections.meta.id;
    const phone = '+393471234567';
    const sent = await api('POST', '/api/messages', {
      connectionId: meta,
      to: phone,
      content: { type: 'text', text: 'Certo, a giovedì!' },
    });
    expect(sent.status).toBe(202);
    const providerMessageId = await eventually(async () => {
      const m = (await messagesOf(phone, meta)).find((x) => x.text === 'Certo, a giovedì!');
      return m?.providerMessageId ?? undefined;
    });
    const status = await sim<{ delivered: { status: number } }>('/_sim/status', {
      provider: 'meta',
      providerMessageId,
      status: 'read',
    });
    expect(status.body.delivered.status).toBe(200);
    const read = await eventually(async () => {
      const m = (await messagesOf(phone, meta)).find((x) => x.providerMessageId === providerMessageId);
      return m?.status === 'read' ? m : undefined;
    });
    expect(read.status).toBe('read');
    const state = await sim<{ sent: { meta: number } }>('/_sim/state');
    expect(state.body.sent.meta).toBeGreaterThanOrEqual(1);
  });

  it('runs a HighLevel workflow action with the action secret and fires a subscribed trigger (issue 15)', async () => {
    const locationId = mode.seed.highlevel.installation.accountId;
    const secret = { 'x-wabridge-action-secret': mode.vars.HIGHLEVEL_ACTION_SECRET! };
    const call = (path: string, body: unknown, headers: Record<string, string> = secret) =>
      fetch(`${mode.urls.app}/automations/highlevel${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const action = {
      data: { phone: '+393471234567', message: 'From a workflow' },
      extras: { locationId, contactId: 'c1', executionId: 'local-mode-exec-1' },
    };
    const unsigned = await call('/actions/send-message', action, {});
    expect(unsigned.status, await unsigned.clone().text()).toBe(401);
    const res = await call('/actions/send-message', action);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ branchId: 'sent', status: 'queued' });
    const subscribed = await call('/triggers', {
      triggerData: {
        id: 'local-received',
        key: 'wabridge_message_received',
        eventType: 'CREATED',
        targetUrl: `${mode.urls.simulator}/highlevel/workflows-marketplace/triggers/execute/local-received`,
      },
      extras: { locationId },
    });
    expect(subscribed.status).toBe(200);
    await sim('/_sim/inbound', { provider: 'meta', from: '+393471234567', text: 'Trigger me' });
    const fired = await eventually(async () => {
      const state = await sim<{ highlevel: { triggerFirings: { body: { text?: string } }[] } }>(
        '/_sim/state',
      );
      return state.body.highlevel.triggerFirings.find((f) => f.body.text === 'Trigger me');
    });
    expect(fired.body).toMatchObject({ type: 'text', windowState: 'open' });
  });

  it('streams a signed Meta media link through workerd (the bytes the simulator holds, the type, inline)', async () => {
    const meta = mode.seed.highlevel.connections.meta;
    const sample = META_SAMPLE_MEDIA.document;
    const token = await createMediaToken(
      mode.vars.SESSION_SECRET!,
      { connectionId: meta.id, mediaId: sample.id, filename: 'receipt.pdf' },
      Date.now() + 3_600_000,
    );
    const res = await fetch(`${mode.urls.app}/media/${token}/receipt.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('inline; filename="receipt.pdf"');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(sample.bytes))).toBe(true);
    const forged = await fetch(`${mode.urls.app}/media/${token.slice(0, -2)}xx/receipt.pdf`);
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('plays WhatsApp’s marketing stop and a template re-categorisation by hand (/_sim/meta/*, issue 12)', async () => {
    const meta = mode.seed.highlevel.connections.meta.id;
    const phone = '+447911000555';
    const stop = await sim<{ delivered: { status: number } }>('/_sim/meta/user-preferences', {
      from: phone,
      preference: 'stop',
    });
    expect(stop.body.delivered.status).toBe(200);
    const window = await api<{ marketingOptOut: { stopped: boolean; source: string } }>(
      'GET',
      `/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${meta}`,
    );
    expect(window.body.marketingOptOut).toMatchObject({ stopped: true, source: 'whatsapp' });
    const notice = await sim<{ delivered: { status: number } }>('/_sim/meta/template-category', {
      name: 'appointment_reminder',
      phase: 'impending',
      category: 'MARKETING',
    });
    expect(notice.body.delivered.status).toBe(200);
    const updates = await api<{ updates: { name: string; phase: string; nextCategory: string }[] }>(
      'GET',
      `/api/templates/category-updates?connectionId=${meta}`,
    );
    expect(updates.body.updates).toContainEqual(
      expect.objectContaining({
        name: 'appointment_reminder',
        phase: 'impending',
        nextCategory: 'MARKETING',
      }),
    );
  });
});
