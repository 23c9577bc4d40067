// Tenant isolation of /api (DESIGN.md §6): another installation's ids answer 404 and change nothing;
// agents see APPROVED templates only and cannot manage connections.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { Template } from '../../src/core/template';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';

let t: TestPlatform;
let a: Seeded;
let b: Seeded;
let app: ReturnType<typeof createApp>;
const server = setupServer();

const template = (name: string, status: Template['status'], rejectionReason?: string): Template => ({
  provider: 'meta',
  providerTemplateId: `tpl-${name}`,
  name,
  language: 'en_US',
  category: 'UTILITY',
  status,
  ...(rejectionReason ? { rejectionReason } : {}),
  parameterFormat: 'POSITIONAL',
  kind: 'text',
  components: { body: 'Hi {{1}}, your order is ready.', buttons: [] },
  variables: [{ id: 'body.1', location: 'body', key: '1', example: 'Anna' }],
  source: 'synced',
});

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  a = await seedInstallation(t.platform, { accountId: 'loc-4444' });
  b = await seedInstallation(t.platform, { accountId: 'loc-5555' });
  for (const tpl of [
    template('order_ready', 'APPROVED'),
    template('promo_blast', 'REJECTED', 'PROMOTIONAL'),
    template('paused_one', 'PAUSED'),
  ]) {
    await a.ctx.templates.insertManual(a.connections.meta.id, tpl, t.clock.now());
  }
  const contact = await a.ctx.contacts.ensure(
    a.connections.meta.id,
    '+393471234567',
    'Giulia',
    t.clock.now(),
  );
  await a.ctx.messages.insert(
    {
      connectionId: a.connections.meta.id,
      contactId: contact.id,
      direction: 'inbound',
      origin: 'customer',
      providerMessageId: 'wamid.tenant-a',
      content: { type: 'text', text: 'secret of tenant A' },
      status: 'delivered',
      statusTimes: { delivered: t.clock.now() },
      crmSync: 'done',
      occurredAt: t.clock.now(),
    },
    t.clock.now(),
  );
  app = createApp({ platform: t.platform });
});
afterAll(async () => {
  server.close();
  await t.dispose();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  return app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('cross-tenant access answers 404', () => {
  it("refuses B every route that names A's connection, and changes nothing of A's", async () => {
    const tokenB = await b.token('admin');
    const target = a.connections.meta.id;
    const phone = encodeURIComponent('+393471234567');
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/templates?connectionId=${target}`],
      ['POST', '/api/templates/sync', { connectionId: target }],
      [
        'POST',
        '/api/templates',
        {
          connectionId: target,
          draft: {
            name: 'x_y',
            language: 'en',
            category: 'UTILITY',
            components: { body: 'Hello there', buttons: [] },
          },
        },
      ],
      [
        'POST',
        '/api/templates/manual',
        {
          connectionId: a.connections.cm.id,
          namespace: 'ns',
          elementName: 'x',
          language: 'en',
          category: 'UTILITY',
          body: 'Hi',
        },
      ],
      ['POST', `/api/connections/${target}/test`],
      ['DELETE', `/api/connections/${target}`],
      ['GET', `/api/contacts/${phone}/window?connectionId=${target}`],
      ['GET', `/api/contacts/${phone}/messages?connectionId=${target}`],
      [
        'POST',
        '/api/messages',
        { connectionId: target, to: '+393471234567', content: { type: 'text', text: 'hi' } },
      ],
    ];
    for (const [method, path, body] of calls) {
      const res = await call(tokenB, method, path, body);
      const text = await res.text();
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe('not_found');
      expect(text).not.toContain('secret of tenant A');
    }
    // A's connection and message are untouched; B's own list does not show A's numbers.
    const listA = (await (await call(await a.token('admin'), 'GET', '/api/connections')).json()) as {
      connections: { id: string }[];
    };
    expect(listA.connections.map((c) => c.id)).toContain(target);
    const listB = (await (await call(tokenB, 'GET', '/api/connections')).json()) as {
      connections: { id: string }[];
    };
    expect(listB.connections.map((c) => c.id)).not.toContain(target);
    const rows = await t.db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE connection_id = ?')
      .bind(target)
      .first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });

  it("does not send a template of A's through B's connection", async () => {
    const stored = await a.ctx.templates.findByProviderId(a.connections.meta.id, 'tpl-order_ready', 'meta');
    const res = await call(await b.token('agent'), 'POST', '/api/messages', {
      connectionId: b.connections.meta.id,
      to: '+393471234567',
      content: { type: 'template', templateId: stored!.id, values: { 'body.1': 'Anna' } },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('roles', () => {
  it('gives agents APPROVED templates only, whatever status they ask for; admins see the reasons', async () => {
    const agent = await a.token('agent');
    for (const query of ['', '&status=REJECTED', '&status=PAUSED']) {
      const res = await call(agent, 'GET', `/api/templates?connectionId=${a.connections.meta.id}${query}`);
      const { templates } = (await res.json()) as { templates: { name: string; status: string }[] };
      expect(templates.map((x) => x.name)).toEqual(['order_ready']);
    }
    const admin = await call(
      await a.token('admin'),
      'GET',
      `/api/templates?connectionId=${a.connections.meta.id}&status=REJECTED`,
    );
    const { templates } = (await admin.json()) as { templates: { name: string; rejectionReason: string }[] };
    expect(templates).toEqual([
      expect.objectContaining({ name: 'promo_blast', rejectionReason: 'PROMOTIONAL' }),
    ]);
  });

  it('keeps connection management, sync, submission and dead letters to admins (403)', async () => {
    const agent = await a.token('agent');
    const calls: [string, string, unknown?][] = [
      [
        'POST',
        '/api/connections',
        {
          label: 'x',
          senderPhone: '+14155550100',
          provider: 'cm',
          credentials: { productToken: '00000000-0000-4000-8000-000000000009', from: '+14155550100' },
        },
      ],
      ['DELETE', `/api/connections/${a.connections.meta.id}`],
      ['POST', `/api/connections/${a.connections.meta.id}/test`],
      ['POST', '/api/templates/sync', {}],
      [
        'POST',
        '/api/templates/manual',
        { namespace: 'ns', elementName: 'x', language: 'en', category: 'UTILITY', body: 'Hi' },
      ],
      ['GET', '/api/dead-letters'],
    ];
    for (const [method, path, body] of calls) {
      const res = await call(agent, method, path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    // Agents list connections without credentials or webhook secrets.
    const list = (await (await call(agent, 'GET', '/api/connections')).json()) as {
      connections: Record<string, unknown>[];
    };
    for (const c of list.connections) {
      expect(c).not.toHaveProperty('credentials');
      expect(c).not.toHaveProperty('webhookUrl');
    }
  });
});
