// Nothing stored is ever stranded (issue 17), for the CRM phone link of issue 11: a customer first known by WhatsApp
// username (BSUID) shares their phone, the two records merge, and the CRM contact owes the phone. The owed write is
// stored in the merge's own D1 batch (crm_phone_links, migrations/0025): a Worker killed before the queue message is
// sent loses nothing, the outbox sweep re-enqueues it, and two copies of the job call HighLevel once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { redriveDeadLetter } from '../../src/services/operations/dead-letters';
import { runJob } from '../../src/services/jobs';
import { sweepOutbox } from '../../src/services/operations/outbox-sweep';
import type { killable } from '../helpers/crash-points';
import { consumeSurvivingKills } from '../helpers/crash-points';
import { metaInbound } from '../mocks/meta';
import { createKillableWorld, postMetaWebhook, useHighLevelServer, type World } from './highlevel-world';

useHighLevelServer();

const MINUTE = 60_000;
const BSUID = 'US.13491208655302741918';
const PHONE = '+3725550177';

let w: World;
let ctx: AppContext;
let crash: ReturnType<typeof killable>;
let installationId: string;

beforeEach(async () => {
  ({ w, installationId, crash, ctx } = await createKillableWorld());
  // The customer writes by username only: one HighLevel contact without a phone.
  expect((await writes('Tere!', false, 'wamid.first')).status).toBe(200);
  await consume();
  expect(contacts()).toHaveLength(1);
  expect(contacts()[0]!.phone).toBeFalsy();
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel.state;
const contacts = () => [...hl().contacts.values()];
/** PUT /contacts/{id}: the phone link (the only contact update this flow makes). */
const contactPuts = () => hl().requests.filter((r) => r.method === 'PUT' && r.path.includes('/contacts/'));
const owedRows = () =>
  w.t.db
    .prepare('SELECT contact_id, attempts, dead_at FROM crm_phone_links')
    .all<{ contact_id: string; attempts: number; dead_at: number | null }>()
    .then((r) => r.results);

function writes(text: string, withPhone: boolean, id: string): Promise<Response> {
  return postMetaWebhook(
    w.app,
    w.sims.meta.inboundWebhook(
      [
        metaInbound.text(
          { ...(withPhone ? { from: PHONE } : {}), userId: BSUID, id, timestampMs: w.t.clock.now() },
          text,
        ),
      ],
      'Mari Tamm',
    ),
  );
}

const consume = () => consumeSurvivingKills(ctx, w.t);

/** The Worker restarted with an empty queue; the cron sweeps every few minutes for an hour. */
async function sweepForAnHour(): Promise<void> {
  w.t.queue.pending.length = 0;
  for (let i = 0; i < 12; i++) {
    w.t.clock.advance(5 * MINUTE);
    await sweepOutbox(ctx);
    await consume();
  }
}

describe('the phone link owed by a merge survives a crash', () => {
  it('killed after the merge, before the enqueue: the redelivered webhook owes nothing new, the sweep links once', async () => {
    crash.arm({ enqueue: 'crm_link_phone', when: 'before' });
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBeGreaterThanOrEqual(500);
    expect(crash.fired).toBe(1);
    // The merge is stored (phone on the record) and so is what it owes; no queue message exists.
    expect((await w.t.db.prepare('SELECT phone, user_id FROM contacts').all()).results).toEqual([
      { phone: PHONE, user_id: BSUID },
    ]);
    expect(await owedRows()).toHaveLength(1);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_link_phone')).toHaveLength(0);
    // Meta redelivers: the message is stored now, but the records are already one, so no link job is sent.
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_link_phone')).toHaveLength(0);
    await consume();
    expect(contactPuts()).toHaveLength(0);

    // Within the grace period the sweep leaves the row alone; after it, the link is made once.
    await sweepOutbox(ctx);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_link_phone')).toHaveLength(0);
    await sweepForAnHour();
    expect(contactPuts()).toHaveLength(1);
    expect(contacts()).toHaveLength(1);
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
  });

  it('killed after the claim, before the HighLevel call: the sweep takes over after the lease and links once', async () => {
    crash.arm({ sql: /UPDATE crm_phone_links SET claimed_at = \?1/, when: 'after' });
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    await consume();
    expect(crash.fired).toBe(1);
    expect(contactPuts()).toHaveLength(0);
    await sweepForAnHour();
    expect(contactPuts()).toHaveLength(1);
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
  });

  it('killed after the HighLevel call, before the row is cleared: linked again (the same PUT), then settled', async () => {
    crash.arm({ sql: /DELETE FROM crm_phone_links/, when: 'before' });
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    await consume();
    expect(crash.fired).toBe(1);
    expect(contactPuts()).toHaveLength(1);
    await sweepForAnHour();
    // The outcome was not stored, so the link is made again: a PUT of the same phone onto the same contact.
    expect(contactPuts()).toHaveLength(2);
    expect(contacts()).toHaveLength(1);
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
  });
});

describe('the sweep and the normal path together', () => {
  it('the original job, late, and its swept copy call HighLevel once', async () => {
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    w.t.clock.advance(10 * MINUTE); // the queue is slow: the link job still waits
    await sweepOutbox(ctx);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'crm_link_phone')).toHaveLength(2);
    await consume();
    expect(contactPuts()).toHaveLength(1);
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
    await sweepForAnHour();
    expect(contactPuts()).toHaveLength(1);
  });

  it('the original job and its swept copy, run at once by two consumers, call HighLevel once', async () => {
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    w.t.clock.advance(10 * MINUTE);
    await sweepOutbox(ctx);
    const copies = w.t.queue.takeDue().filter((d) => d.job.type === 'crm_link_phone');
    expect(copies).toHaveLength(2);
    await Promise.all(copies.map((d) => runJob(ctx, d.job, d.attempts)));
    expect(contactPuts()).toHaveLength(1);
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
  });

  it('a link whose retries ran out is dead-lettered, no longer swept, and a redrive links it once', async () => {
    w.sims.highlevel.faults.add({
      match: (r) => r.method === 'PUT' && new URL(r.url).pathname.includes('/contacts/'),
      times: 1000,
      status: 503,
      body: { message: 'Service Unavailable' },
    });
    expect((await writes('My number is this one', true, 'wamid.second')).status).toBe(200);
    await w.settle();
    expect((await owedRows())[0]?.dead_at).not.toBeNull();
    const [dead] = (await ctx.events.listDeadLetters(installationId, 10)).filter(
      (d) => d.jobType === 'crm_link_phone',
    );
    expect(dead).toBeDefined();
    await sweepForAnHour();
    expect(contacts()[0]!.phone).toBeFalsy();

    w.sims.highlevel.faults.clear();
    await redriveDeadLetter(ctx, installationId, dead!.id);
    await consume();
    expect(contacts()[0]!.phone).toBe(PHONE);
    expect(await owedRows()).toEqual([]);
  });

  it('a link still owed moves with its record when that record is merged into another', async () => {
    // Record B (another BSUID, known alone) owes a link; a webhook then shows B's BSUID and record A's phone together.
    const [a] = (
      await w.t.db
        .prepare('SELECT id, connection_id FROM contacts')
        .all<{ id: string; connection_id: string }>()
    ).results;
    await w.t.db.batch([
      w.t.db.prepare('UPDATE contacts SET phone = ?1, user_id = NULL WHERE id = ?2').bind(PHONE, a!.id),
      w.t.db
        .prepare(
          `INSERT INTO contacts (id, connection_id, phone, user_id, created_at, updated_at)
           VALUES ('ctc_b', ?1, 'US.555', 'US.555', 1, 1)`,
        )
        .bind(a!.connection_id),
      w.t.db.prepare(
        "INSERT INTO crm_phone_links (contact_id, next_at, attempts, created_at) VALUES ('ctc_b', 1, 2, 1)",
      ),
    ]);
    const { contact } = await ctx.contacts.resolve(
      a!.connection_id,
      { phone: PHONE, userId: 'US.555' },
      {},
      w.t.clock.now(),
    );
    expect(contact.id).toBe(a!.id);
    expect(await owedRows()).toEqual([{ contact_id: a!.id, attempts: 2, dead_at: null }]);
  });

  it('reads only the partial index of owed links', async () => {
    const plan = await w.t.db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT contact_id FROM crm_phone_links WHERE dead_at IS NULL AND next_at <= 0',
      )
      .all();
    expect(JSON.stringify(plan.results)).toContain('crm_phone_links_owed');
  });
});
