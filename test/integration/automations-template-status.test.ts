// Issue 15: "Template status changed" fires for every provider that lets us see a status move: Meta's webhook, and
// a template sync (polling) that lists a status other than the stored one (Twilio has no status webhook). Once per
// change: a redelivered webhook, a sync after the webhook, or the next sync fire nothing more. The status and its
// firings are written in one D1 batch: a Worker killed after it loses the enqueue only (the cron sweep fires it), and
// a status never lands without its firings. CM.com has no template list or status API (templates are registered by
// hand as approved, vendors/providers.md §C): it has no change to observe.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/context';
import { runTriggerCron } from '../../src/services/crm/automation-trigger-events';
import { runJob } from '../../src/services/jobs';
import { killable } from '../helpers/crash-points';
import { metaTemplateStatusWebhook } from '../mocks/meta';
import {
  adminToken,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  postMetaWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const KEY = 'wabridge_template_status_changed';
const MINUTE = 60_000;

let w: World;
let admin: string;
beforeEach(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  admin = await adminToken(w, (await installationOf(w))!.id);
  const event = w.sims.highlevel.buildTriggerSubscription({ key: KEY, id: 'sub-template' });
  expect((await w.post('/automations/highlevel/triggers', event)).status).toBe(200);
});
afterEach(async () => w.t.dispose());

const firings = () =>
  (w.sims.highlevel.triggerFirings as { triggerId: string; body: Record<string, unknown> }[]).filter(
    (f) => f.triggerId === 'sub-template',
  );
const firingRows = () =>
  w.t.db
    .prepare('SELECT event_id, state FROM automation_trigger_firings ORDER BY created_at')
    .all<{ event_id: string; state: string }>()
    .then((r) => r.results);

async function storedTemplate(number: ConnectedNumber) {
  return (await w.t.db
    .prepare('SELECT provider_template_id, name, language, status FROM templates WHERE connection_id = ?')
    .bind(number.connectionId)
    .first<{ provider_template_id: string; name: string; language: string; status: string }>())!;
}

async function sync(number: ConnectedNumber): Promise<void> {
  const res = await w.call('POST', '/api/templates/sync', {
    token: admin,
    body: { connectionId: number.connectionId },
  });
  expect(res.status).toBe(200);
}

describe('Template status changed, observed by template sync (Twilio: no status webhook)', () => {
  it('fires once per change with status and reason; repeated syncs fire nothing more; a new change fires again', async () => {
    const number = await connectProvider(w, admin, 'twilio');
    await w.settle();
    expect(firings()).toHaveLength(0); // the first sight of a template is not a change
    const template = await storedTemplate(number);
    expect(template.status).toBe('APPROVED');

    w.sims.twilio.state.setApprovalStatus(
      template.provider_template_id,
      'rejected',
      'Variables are too close',
    );
    await sync(number);
    await sync(number);
    await w.settle();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({
      templateId: template.provider_template_id,
      templateName: 'order_shipped',
      language: 'en',
      status: 'REJECTED',
      reason: 'Variables are too close',
      businessNumber: number.senderPhone,
      changedAt: new Date(w.t.clock.now()).toISOString(),
    });
    expect((await storedTemplate(number)).status).toBe('REJECTED');

    w.sims.twilio.state.setApprovalStatus(template.provider_template_id, 'approved');
    await sync(number);
    await sync(number);
    await w.settle();
    expect(firings().map((f) => f.body.status)).toEqual(['REJECTED', 'APPROVED']);
  });

  it('a sync that changes nothing but content fires nothing', async () => {
    const number = await connectProvider(w, admin, 'twilio');
    const template = await storedTemplate(number);
    const content = w.sims.twilio.state.contents.find((c) => c.sid === template.provider_template_id)!;
    content.friendly_name = 'order_shipped_v2';
    content.approval_requests = { ...content.approval_requests, name: 'order_shipped_v2' };
    await sync(number);
    await w.settle();
    expect(firings()).toHaveLength(0);
    expect(await firingRows()).toEqual([]);
  });
});

describe('Template status changed on Meta: webhook and sync agree on one firing per change', () => {
  it('the webhook fires once; a sync listing the same status afterwards fires nothing', async () => {
    const number = await connectProvider(w, admin, 'meta');
    const template = await storedTemplate(number);
    w.sims.meta.state.setTemplateStatus(template.provider_template_id, 'PAUSED');
    const webhook = metaTemplateStatusWebhook(
      { wabaId: w.sims.meta.config.wabaId },
      {
        templateId: template.provider_template_id,
        name: template.name,
        language: template.language,
        event: 'PAUSED',
        reason: 'LOW_QUALITY',
        timeMs: w.t.clock.now(),
      },
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200); // Meta redelivers
    await sync(number);
    await w.settle();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({ status: 'PAUSED', reason: 'LOW_QUALITY' });
  });

  it('a missed webhook: the sync sees the change and fires it once', async () => {
    const number = await connectProvider(w, admin, 'meta');
    const template = await storedTemplate(number);
    w.sims.meta.state.setTemplateStatus(template.provider_template_id, 'DISABLED');
    await sync(number);
    await sync(number);
    await w.settle();
    expect(firings()).toHaveLength(1);
    expect(firings()[0]!.body).toMatchObject({
      templateId: template.provider_template_id,
      status: 'DISABLED',
    });
  });

  it('a webhook for a template we have not synced fires nothing and queues a sync', async () => {
    await connectProvider(w, admin, 'meta');
    const webhook = metaTemplateStatusWebhook(
      { wabaId: w.sims.meta.config.wabaId },
      {
        templateId: '999000111',
        name: 'unknown',
        language: 'en',
        event: 'APPROVED',
        timeMs: w.t.clock.now(),
      },
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect(w.t.queue.pending.map((p) => p.job.type)).toContain('template_sync');
    await w.settle();
    expect(firings()).toHaveLength(0);
  });
});

describe('the status and its firings land in one batch', () => {
  let ctx: AppContext;
  let crash: ReturnType<typeof killable>;
  const consume = async () => {
    for (let round = 0; round < 100; round++) {
      const due = w.t.queue.takeDue();
      if (!due.length) return;
      for (const { job, attempts } of due) await runJob(ctx, job, attempts);
    }
  };
  const expectSweepFiresOnce = async () => {
    await consume();
    expect(firings()).toHaveLength(0);
    expect((await firingRows()).map((r) => r.state)).toEqual(['pending']);
    w.t.clock.advance(11 * MINUTE);
    await runTriggerCron(ctx);
    await consume();
    expect(firings()).toHaveLength(1);
    expect((await firingRows()).map((r) => r.state)).toEqual(['done']);
  };

  it('Meta webhook: killed after the update, the firing is stored; the redelivery fires nothing more', async () => {
    const number = await connectProvider(w, admin, 'meta');
    const template = await storedTemplate(number);
    crash = killable(w.t.platform);
    ctx = new AppContext(w.t.platform);
    const webhook = metaTemplateStatusWebhook(
      { wabaId: w.sims.meta.config.wabaId },
      {
        templateId: template.provider_template_id,
        name: template.name,
        language: template.language,
        event: 'REJECTED',
        reason: 'INCORRECT_CATEGORY',
        timeMs: w.t.clock.now(),
      },
    );
    crash.arm({ sql: /UPDATE templates SET status/, when: 'after' });
    await postMetaWebhook(w.app, webhook).catch(() => undefined);
    expect(crash.fired).toBe(1);
    expect((await storedTemplate(number)).status).toBe('REJECTED');
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    await expectSweepFiresOnce();
    expect(firings()[0]!.body).toMatchObject({ status: 'REJECTED', reason: 'INCORRECT_CATEGORY' });
  });

  it('Meta webhook: killed before the batch, neither the status nor a firing is stored', async () => {
    const number = await connectProvider(w, admin, 'meta');
    const template = await storedTemplate(number);
    crash = killable(w.t.platform);
    const webhook = metaTemplateStatusWebhook(
      { wabaId: w.sims.meta.config.wabaId },
      {
        templateId: template.provider_template_id,
        name: template.name,
        language: template.language,
        event: 'PAUSED',
        timeMs: w.t.clock.now(),
      },
    );
    crash.arm({ sql: /INSERT INTO automation_trigger_firings/, when: 'before' });
    await postMetaWebhook(w.app, webhook).catch(() => undefined);
    expect(crash.fired).toBe(1);
    expect((await storedTemplate(number)).status).toBe('APPROVED');
    expect(await firingRows()).toEqual([]);
  });

  it('Twilio sync: killed after the batch, the next sync fires nothing more and the sweep fires once', async () => {
    const number = await connectProvider(w, admin, 'twilio');
    const template = await storedTemplate(number);
    crash = killable(w.t.platform);
    ctx = new AppContext(w.t.platform);
    w.sims.twilio.state.setApprovalStatus(template.provider_template_id, 'paused');
    crash.arm({ sql: /INSERT INTO templates/, when: 'after' });
    await w
      .call('POST', '/api/templates/sync', { token: admin, body: { connectionId: number.connectionId } })
      .catch(() => undefined);
    expect(crash.fired).toBe(1);
    expect((await storedTemplate(number)).status).toBe('PAUSED');
    await sync(number);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_fire_trigger')).toHaveLength(0);
    await expectSweepFiresOnce();
    expect(firings()[0]!.body).toMatchObject({ status: 'PAUSED' });
  });
});
