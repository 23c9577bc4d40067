// Issue 3 acceptance: template sync through the app. Lists everything, writes in batches (D1 round trips grow with
// pages, not templates), reports added / updated / removed / unchanged, survives a provider failure mid-way, and
// Meta's template status webhook updates one template incrementally.
import { describe, expect, it } from 'vitest';
import { useAppHarness } from '../contract/app-harness';
import { metaTemplateStatusWebhook } from '../mocks/meta';

const h = useAppHarness();

interface Summary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

async function sync(connectionId: string): Promise<{ status: number; body: Summary; trips: number }> {
  h.counter.reset();
  const res = await h.api('POST', '/api/templates/sync', { connectionId });
  return { status: res.status, body: (await res.json()) as Summary, trips: h.counter.trips };
}

async function templateRows(connectionId: string) {
  const { results } = await h.t.db
    .prepare('SELECT * FROM templates WHERE connection_id = ? ORDER BY provider_template_id')
    .bind(connectionId)
    .all<Record<string, unknown>>();
  return results;
}

const listCalls = (urlPart: string) => (request: Request) =>
  request.method === 'GET' && new URL(request.url).pathname.endsWith(urlPart);

describe.each([
  {
    provider: 'meta' as const,
    seed: (n: number) => h.sims.meta.state.seedTemplates(n).map((t) => t.id),
    ids: () => h.sims.meta.state.templates.map((t) => t.id),
    change: (id: string) => h.sims.meta.state.setTemplateStatus(id, 'DISABLED'),
    remove: (id: string) => {
      const all = h.sims.meta.state.templates;
      all.splice(
        all.findIndex((t) => t.id === id),
        1,
      );
    },
    listPath: '/message_templates',
  },
  {
    provider: 'twilio' as const,
    seed: (n: number) => h.sims.twilio.state.seedTemplates(n).map((c) => c.sid),
    ids: () => h.sims.twilio.state.contents.map((c) => c.sid),
    change: (sid: string) =>
      h.sims.twilio.state.setApprovalStatus(sid, 'rejected', 'Variables are too close'),
    remove: (sid: string) => {
      const all = h.sims.twilio.state.contents;
      all.splice(
        all.findIndex((c) => c.sid === sid),
        1,
      );
    },
    listPath: '/ContentAndApprovals',
  },
])('$provider template sync', ({ provider, seed, ids, change, remove, listPath }) => {
  const connectionId = () => h.connections[provider].id;

  it('syncs 6,000 templates completely with D1 round trips that grow with pages, not templates', async () => {
    seed(600);
    const small = await sync(connectionId());
    expect(small.status).toBe(200);
    expect(small.body).toEqual({ added: 600, updated: 0, removed: 0, unchanged: 0 });
    await h.reset();

    seed(6_000);
    const large = await sync(connectionId());
    expect(large.status).toBe(200);
    expect(large.body).toEqual({ added: 6_000, updated: 0, removed: 0, unchanged: 0 });
    const rows = await templateRows(connectionId());
    expect(rows).toHaveLength(6_000);
    expect(new Set(rows.map((r) => r.provider_template_id))).toEqual(new Set(ids()));
    expect(rows.every((r) => r.removed_at === null && r.source === 'synced')).toBe(true);

    // One batch per 100 rows plus a constant (session, connection, index, synced-at): never one trip per row.
    expect(large.trips).toBeLessThan(200);
    expect(large.trips - small.trips).toBeLessThanOrEqual(Math.ceil(5_400 / 100) + 2);
    expect(large.trips / small.trips).toBeLessThan(6_000 / 600);
    await h.assertSpecValid();
  }, 240_000);

  it('reports added, updated, removed and unchanged on a second sync, keeping removed ones for history', async () => {
    const first = seed(250);
    expect((await sync(connectionId())).body).toEqual({ added: 250, updated: 0, removed: 0, unchanged: 0 });
    // A repeated sync with nothing changed writes nothing.
    const idle = await sync(connectionId());
    expect(idle.body).toEqual({ added: 0, updated: 0, removed: 0, unchanged: 250 });
    expect(h.counter.batches).toBe(0);

    const added = seed(7);
    for (const id of first.slice(0, 5)) change(id);
    const removed = first.slice(10, 13);
    for (const id of removed) remove(id);
    const second = await sync(connectionId());
    expect(second.body).toEqual({ added: 7, updated: 5, removed: 3, unchanged: 250 - 5 - 3 });

    const rows = await templateRows(connectionId());
    expect(rows).toHaveLength(257);
    const byId = new Map(rows.map((r) => [r.provider_template_id as string, r]));
    for (const id of removed) expect(byId.get(id)?.removed_at).not.toBeNull();
    for (const id of added) expect(byId.get(id)?.removed_at).toBeNull();
    for (const id of first.slice(0, 5))
      expect(byId.get(id)?.status).toBe(provider === 'meta' ? 'DISABLED' : 'REJECTED');
    if (provider === 'twilio') expect(byId.get(first[0]!)?.rejection_reason).toBe('Variables are too close');

    // Removed templates are hidden from the list, not deleted.
    const listed = (await (await h.api('GET', `/api/templates?connectionId=${connectionId()}`)).json()) as {
      templates: { providerTemplateId: string }[];
    };
    expect(listed.templates).toHaveLength(254);
    expect(listed.templates.some((t) => removed.includes(t.providerTemplateId))).toBe(false);
    await h.assertSpecValid();
  }, 60_000);

  it('leaves the previous set intact when the provider fails mid-sync (page 30)', async () => {
    const first = seed(provider === 'meta' ? 3_500 : 1_500);
    await sync(connectionId());
    const before = await templateRows(connectionId());
    // Changes a successful sync would write.
    for (const id of first.slice(0, 20)) change(id);
    for (const id of first.slice(30, 40)) remove(id);
    seed(25);

    let calls = 0;
    const failOn = provider === 'meta' ? 30 : 3; // Twilio pages hold 500: page 3 is past the first third
    const isList = listCalls(listPath);
    h.sims[provider].faults.add({
      match: (request) => isList(request) && ++calls === failOn,
      status: 503,
      body:
        provider === 'meta'
          ? { error: { message: 'Service temporarily unavailable', code: 2 } }
          : { code: 20500, message: 'Internal Server Error', status: 503 },
    });
    const failed = await h.api('POST', '/api/templates/sync', { connectionId: connectionId() });
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('provider_error');
    expect(calls).toBeGreaterThanOrEqual(failOn);
    expect(await templateRows(connectionId())).toEqual(before);

    // The next sync, with the provider back, applies everything.
    const retried = await sync(connectionId());
    expect(retried.body).toMatchObject({ added: 25, updated: 20, removed: 10 });
  }, 240_000);
});

describe('Meta message_template_status_update webhook', () => {
  it('updates one template incrementally: no listing, a constant number of D1 round trips', async () => {
    const seeded = h.sims.meta.state.seedTemplates(300);
    await sync(h.connections.meta.id);
    const before = await templateRows(h.connections.meta.id);
    const target = seeded[42]!;
    const listedBefore = h.sims.meta.state.calls.listTemplates;

    h.counter.reset();
    const res = await h.postMeta(
      metaTemplateStatusWebhook(
        {},
        {
          templateId: target.id,
          name: target.name,
          language: target.language,
          event: 'REJECTED',
          reason: 'INCORRECT_CATEGORY',
        },
      ),
    );
    expect(res.status).toBe(200);
    expect(h.counter.trips).toBeLessThanOrEqual(4);
    expect(h.sims.meta.state.calls.listTemplates).toBe(listedBefore);
    expect(h.t.queue.pending.filter((p) => p.job.type === 'template_sync')).toHaveLength(0);

    const after = await templateRows(h.connections.meta.id);
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      provider_template_id: target.id,
      status: 'REJECTED',
      rejection_reason: expect.stringMatching(/INCORRECT_CATEGORY|category/i),
    });

    // The next full sync sees Meta's own state and marks it updated again (the webhook changed the hash).
    h.sims.meta.state.setTemplateStatus(target.id, 'REJECTED', 'INCORRECT_CATEGORY');
    expect((await sync(h.connections.meta.id)).body).toMatchObject({ added: 0, removed: 0 });
  });

  it('reaches every connection (number) of the WABA, not only the first (#17 item 10)', async () => {
    const seeded = h.sims.meta.state.seedTemplates(3);
    const { connections } = await h.ctx.secretStores();
    const meta = h.connections.meta;
    const second = await connections.create(
      {
        installationId: h.installation.id,
        provider: 'meta',
        label: 'Meta, second number',
        senderPhone: '+15550783999',
        routingKey: '106540352242999',
        providerAccountId: meta.providerAccountId,
        credentials: {
          ...((await connections.credentials(meta)) as object),
          phoneNumberId: '106540352242999',
        },
      },
      h.t.clock.now(),
    );
    await sync(meta.id);
    await sync(second.id);
    const target = seeded[1]!;
    const res = await h.postMeta(
      metaTemplateStatusWebhook(
        {},
        { templateId: target.id, name: target.name, language: target.language, event: 'PAUSED' },
      ),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statuses: 2, ignored: 0 });
    for (const connectionId of [meta.id, second.id]) {
      const row = (await templateRows(connectionId)).find((r) => r.provider_template_id === target.id);
      expect(row).toMatchObject({ status: 'PAUSED' });
    }
  });

  it('queues a full sync for a template it has never seen, instead of inventing a row', async () => {
    const res = await h.postMeta(
      metaTemplateStatusWebhook(
        {},
        { templateId: '999000111', name: 'brand_new', language: 'en_US', event: 'APPROVED' },
      ),
    );
    expect(res.status).toBe(200);
    expect(await h.count('templates')).toBe(0);
    expect(h.t.queue.pending.map((p) => p.job)).toContainEqual({
      type: 'template_sync',
      connectionId: h.connections.meta.id,
    });
  });
});
