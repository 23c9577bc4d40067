// HighLevel workflow triggers (issue 15): HighLevel subscribes a workflow to a trigger with its target URL; each
// WhatsApp event fires once per subscription through the CRM job path (retried on 5xx, never twice); the window
// nudge fires once per window at the configured lead time, from the cron, on the injected clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireWindowClosingSoon, runTriggerCron } from '../../src/services/crm/automation-trigger-events';
import { TRIGGER_BASE_URL } from '../mocks/highlevel';
import { metaStatusError, metaTemplateStatusWebhook } from '../mocks/meta';
import {
  createConnectedWorld,
  customerWrites,
  postMetaWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
let number: ConnectedNumber;
let admin: string;
beforeEach(async () => {
  ({ w, admin, number } = await createConnectedWorld());
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel;
const setClock = (at: number) => {
  w.t.clock.current = at;
};
const firings = (key?: string) =>
  hl().triggerFirings.filter((f) => !key || f.triggerId === key) as {
    triggerId: string;
    body: Record<string, unknown>;
    at: number;
  }[];

async function subscribe(key: string, id = `sub-${key}`, filters: { field: string; value: string }[] = []) {
  const res = await w.post(
    '/automations/highlevel/triggers',
    hl().buildTriggerSubscription({ key, id, filters }),
  );
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ success: true, subscribed: true });
  return id;
}

describe('trigger subscriptions', () => {
  it('refuses an unsigned call (401) and a target URL outside HighLevel (400), storing nothing', async () => {
    const event = hl().buildTriggerSubscription({ key: 'wabridge_message_received', id: 'x' });
    const unsigned = await w.app.request('/automations/highlevel/triggers', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: event.body,
    });
    expect(unsigned.status).toBe(401);
    const foreign = hl().buildTriggerSubscription({
      key: 'wabridge_message_received',
      targetUrl: 'https://attacker.example/collect',
    });
    expect((await w.post('/automations/highlevel/triggers', foreign)).status).toBe(400);
    const { results } = await w.t.db.prepare('SELECT * FROM automation_trigger_subscriptions').all();
    expect(results).toHaveLength(0);
  });

  it('an unsubscribed trigger fires no more', async () => {
    const id = await subscribe('wabridge_message_received');
    const off = hl().buildTriggerSubscription({ key: 'wabridge_message_received', id, eventType: 'DELETED' });
    expect(await (await w.post('/automations/highlevel/triggers', off)).json()).toMatchObject({
      subscribed: false,
    });
    await customerWrites(w, number, '+3725550101', 'Hello');
    await w.settle();
    expect(firings()).toHaveLength(0);
  });
});

describe('WhatsApp message received', () => {
  it('fires once per message with text, type, window state and ad data; a duplicate webhook fires nothing more', async () => {
    const id = await subscribe('wabridge_message_received');
    const webhook = w.sims.meta.inboundWebhook(
      [
        {
          from: '3725550101',
          id: 'wamid.ad-1',
          timestamp: String(Math.floor(w.t.clock.now() / 1000)),
          type: 'text',
          text: { body: 'Is the winter sale still on?' },
          referral: {
            source_url: 'https://fb.me/ad1',
            source_id: '120210000000000',
            source_type: 'ad',
            headline: 'Winter sale',
            body: 'Up to 50%',
            ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ',
          },
        },
      ],
      'Mari Tamm',
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200); // Meta redelivers
    await w.settle();
    expect(firings()).toHaveLength(1);
    const [fired] = firings();
    expect(fired!.triggerId).toBe(id);
    expect(fired!.body).toMatchObject({
      phone: '+3725550101',
      type: 'text',
      text: 'Is the winter sale still on?',
      windowState: 'open',
      windowClosesAt: new Date(Math.floor(w.t.clock.now() / 1000) * 1000 + 86_400_000).toISOString(),
      fromAd: true,
      referralSourceType: 'ad',
      referralSourceId: '120210000000000',
      referralHeadline: 'Winter sale',
      ctwaClid: 'ARAkLkA8rmlFeiCktEJQ',
      businessNumber: number.senderPhone,
    });
    // A second message is another event.
    await customerWrites(w, number, '+3725550101', 'Hello?');
    await w.settle();
    expect(firings().map((f) => f.body.text)).toEqual(['Is the winter sale still on?', 'Hello?']);
  });

  it('a target URL answering 5xx is retried and the trigger lands once', async () => {
    await subscribe('wabridge_message_received');
    hl().faults.add({ match: (r) => r.url.startsWith(TRIGGER_BASE_URL), status: 503, times: 2 });
    await customerWrites(w, number, '+3725550101', 'Hello');
    await w.settle();
    expect(hl().faults.injected).toBe(2);
    expect(firings()).toHaveLength(1);
    const { results } = await w.t.db
      .prepare('SELECT state, attempts FROM automation_trigger_firings')
      .all<{ state: string; attempts: number }>();
    expect(results).toEqual([{ state: 'done', attempts: 2 }]);
  });

  it('a target URL that refuses the firing (4xx) is dead-lettered and marked dead, not retried', async () => {
    await subscribe('wabridge_message_received');
    hl().faults.add({ match: (r) => r.url.startsWith(TRIGGER_BASE_URL), status: 400, times: 1 });
    await customerWrites(w, number, '+3725550101', 'Hello');
    await w.settle();
    expect(firings()).toHaveLength(0);
    const row = await w.t.db
      .prepare('SELECT state FROM automation_trigger_firings')
      .first<{ state: string }>();
    expect(row?.state).toBe('dead');
    const dead = await w.t.db
      .prepare(`SELECT job_type FROM dead_letters WHERE job_type = 'crm_fire_trigger'`)
      .all();
    expect(dead.results).toHaveLength(1);
    // The admin sees the trigger in use and the firing that could not land.
    const view = (await (await w.call('GET', '/api/automations', { token: admin })).json()) as {
      triggers: unknown[];
    };
    expect(view.triggers).toEqual([
      { key: 'wabridge_message_received', workflows: 1, lastFiredAt: null, failed: 1 },
    ]);
  });

  it('a firing whose job was lost is found by the cron and fired once', async () => {
    await subscribe('wabridge_message_received');
    await customerWrites(w, number, '+3725550101', 'Hello');
    // The crash: the queue lost the trigger job (the CRM record job stays).
    w.t.queue.pending.splice(
      0,
      w.t.queue.pending.length,
      ...w.t.queue.pending.filter((p) => p.job.type !== 'crm_fire_trigger'),
    );
    await w.settle();
    expect(firings()).toHaveLength(0);
    await runTriggerCron(w.ctx); // too fresh to be called lost
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    setClock(w.t.clock.now() + 11 * 60_000);
    await runTriggerCron(w.ctx);
    await runTriggerCron(w.ctx); // two sweeps, still one firing
    await w.settle();
    expect(firings()).toHaveLength(1);
  });
});

describe('WhatsApp message failed', () => {
  it('fires once with reason and code when the provider reports a failure', async () => {
    await subscribe('wabridge_message_failed');
    await customerWrites(w, number, '+3725550101', 'Hi');
    const res = await w.call('POST', '/api/messages', {
      token: admin,
      body: {
        connectionId: number.connectionId,
        to: '+3725550101',
        content: { type: 'text', text: 'On its way' },
      },
    });
    expect(res.status).toBeLessThan(300);
    await w.settle();
    const sent = w.sims.meta.state.sent.at(-1)!;
    const failed = w.sims.meta.statusWebhook(sent.id, 'failed', {
      timestampMs: w.t.clock.now(),
      errors: [metaStatusError(131026, 'Message undeliverable', 'Receiver is incapable of receiving')],
    });
    expect((await postMetaWebhook(w.app, failed)).status).toBe(200);
    expect((await postMetaWebhook(w.app, failed)).status).toBe(200);
    await w.settle();
    const fired = firings().filter((f) => 'reason' in f.body);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.body).toMatchObject({ phone: '+3725550101', code: '131026' });
    expect(String(fired[0]!.body.reason)).toBeTruthy();
  });
});

describe('WhatsApp message failed (refused at send)', () => {
  it('fires once when the provider refuses the send outright', async () => {
    await subscribe('wabridge_message_failed');
    await customerWrites(w, number, '+3725550101', 'Hi');
    w.sims.meta.faults.add({
      match: (r) => r.method === 'POST' && r.url.includes('/messages'),
      status: 400,
      body: {
        error: {
          message: '(#131026) Message undeliverable',
          type: 'OAuthException',
          code: 131026,
          error_data: { messaging_product: 'whatsapp', details: 'Receiver is incapable of receiving' },
          fbtrace_id: 'AbC',
        },
      },
    });
    const res = await w.call('POST', '/api/messages', {
      token: admin,
      body: { connectionId: number.connectionId, to: '+3725550101', content: { type: 'text', text: 'Hi' } },
    });
    expect(res.status).toBe(202);
    await w.settle();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({ phone: '+3725550101', code: '131026' });
  });
});

describe('Template status changed', () => {
  it('fires once per review result with status and reason', async () => {
    await subscribe('wabridge_template_status_changed');
    const template = await w.t.db
      .prepare('SELECT provider_template_id, name, language FROM templates WHERE connection_id = ?')
      .bind(number.connectionId)
      .first<{ provider_template_id: string; name: string; language: string }>();
    const webhook = metaTemplateStatusWebhook(
      { wabaId: w.sims.meta.config.wabaId },
      {
        templateId: template!.provider_template_id,
        name: template!.name,
        language: template!.language,
        event: 'REJECTED',
        reason: 'INCORRECT_CATEGORY',
        timeMs: w.t.clock.now(),
      },
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    await w.settle();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({
      templateId: template!.provider_template_id,
      templateName: 'order_shipped',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
    });
  });
});

describe('WhatsApp window closing soon', () => {
  it('fires once per window at the configured lead time, not on the next tick, and again for a new window', async () => {
    await subscribe('wabridge_window_closing_soon', 'nudge', [{ field: 'leadMinutes', value: '30' }]);
    const wroteAt = Math.floor(w.t.clock.now() / 1000) * 1000;
    await customerWrites(w, number, '+3725550101', 'Hi');
    await w.settle(0);
    const closesAt = wroteAt + 86_400_000;
    const tick = async () => {
      await fireWindowClosingSoon(w.ctx);
      await w.settle(0);
    };
    setClock(closesAt - 31 * 60_000);
    await tick();
    expect(firings()).toHaveLength(0);
    setClock(closesAt - 30 * 60_000);
    await tick();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({
      phone: '+3725550101',
      windowClosesAt: new Date(closesAt).toISOString(),
      minutesLeft: 30,
    });
    setClock(closesAt - 29 * 60_000);
    await tick();
    setClock(closesAt - 60_000);
    await tick();
    expect(firings()).toHaveLength(1);
    // Closed: nothing. The customer writes again: a new window, a new nudge at its lead time.
    setClock(closesAt + 3_600_000);
    await tick();
    expect(firings()).toHaveLength(1);
    const second = Math.floor(w.t.clock.now() / 1000) * 1000;
    await customerWrites(w, number, '+3725550101', 'Back again');
    await w.settle(0);
    setClock(second + 86_400_000 - 30 * 60_000);
    await tick();
    expect(firings()).toHaveLength(2);
    expect(firings()[1]!.body.windowClosesAt).toBe(new Date(second + 86_400_000).toISOString());
  });
});
