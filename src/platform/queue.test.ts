import { describe, expect, it } from 'vitest';
import { CloudflareJobQueue, laneOf, MemoryJobQueue, priorAttemptsOf, type Job } from './queue';

function fakeQueue() {
  const sent: { body: Job; delaySeconds?: number }[] = [];
  const queue = {
    async send(body: Job, options?: { delaySeconds?: number }) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: { body: Job; delaySeconds?: number }[]) {
      if (messages.length > 100) throw new Error('Queues take at most 100 messages per batch');
      sent.push(...messages);
    },
  };
  return { queue: queue as unknown as Queue<Job>, sent };
}

describe('CloudflareJobQueue', () => {
  it('puts CRM deliveries on their own queue and provider work on the sends queue', async () => {
    const sends = fakeQueue();
    const crm = fakeQueue();
    const queue = new CloudflareJobQueue(sends.queue, crm.queue);
    await queue.send({ type: 'send_message', messageId: 'msg_1' });
    await queue.send({ type: 'crm_record_message', messageId: 'msg_1' }, { delaySeconds: 5 });
    await queue.sendBatch([
      ...Array.from({ length: 150 }, (_, i) => ({ type: 'crm_record_status' as const, messageId: `m${i}` })),
      { type: 'template_sync', connectionId: 'con_1' },
    ]);
    expect(sends.sent.map((m) => m.body.type)).toEqual(['send_message', 'template_sync']);
    expect(crm.sent).toHaveLength(151);
    expect(crm.sent[0]).toEqual({
      body: { type: 'crm_record_message', messageId: 'msg_1' },
      delaySeconds: 5,
    });
  });

  it('uses one queue for everything when no CRM queue is bound', async () => {
    const sends = fakeQueue();
    const queue = new CloudflareJobQueue(sends.queue);
    await queue.send({ type: 'crm_record_status', messageId: 'msg_2' });
    await queue.send({ type: 'send_message', messageId: 'msg_2' });
    expect(sends.sent).toHaveLength(2);
  });

  it('a re-enqueued pacing delay carries the attempts already used, which the consumer reads back', async () => {
    const crm = fakeQueue();
    const queue = new CloudflareJobQueue(fakeQueue().queue, crm.queue);
    await queue.send(
      { type: 'crm_record_message', messageId: 'msg_3' },
      { delaySeconds: 40, priorAttempts: 4 },
    );
    expect(crm.sent[0]).toEqual({
      body: { type: 'crm_record_message', messageId: 'msg_3', priorAttempts: 4 },
      delaySeconds: 40,
    });
    expect(priorAttemptsOf(crm.sent[0]!.body)).toBe(4);
    expect(priorAttemptsOf({ type: 'send_message', messageId: 'm' })).toBe(0);
    expect(priorAttemptsOf({ priorAttempts: 'many' })).toBe(0);
    const memory = new MemoryJobQueue(() => 0);
    await memory.send({ type: 'send_message', messageId: 'm' }, { priorAttempts: 2 });
    expect(memory.pending[0]).toMatchObject({ attempts: 2 });
  });

  it('people before bulk: campaign chains, template syncs and campaign logs ride the bulk queues', async () => {
    const [sends, crm, bulkSends, bulkCrm] = [fakeQueue(), fakeQueue(), fakeQueue(), fakeQueue()];
    const queue = new CloudflareJobQueue({
      sends: sends.queue,
      crm: crm.queue,
      bulkSends: bulkSends.queue,
      bulkCrm: bulkCrm.queue,
    });
    const jobs: Job[] = [
      { type: 'send_message', messageId: 'reply' },
      { type: 'crm_outbound', installationId: 'ins_1', deliveryKey: 'd1' },
      { type: 'crm_record_message', messageId: 'inbound' },
      { type: 'crm_record_status', messageId: 'reply' },
      { type: 'campaign_send', campaignId: 'cmp_1', generation: 1 },
      { type: 'template_sync', connectionId: 'con_1' },
      { type: 'crm_record_batch', messageIds: ['c1', 'c2'] },
      { type: 'crm_record_status', messageId: 'c1', lane: 'bulk' },
    ];
    await queue.sendBatch(jobs.slice(0, 4));
    for (const job of jobs.slice(4)) await queue.send(job);
    expect(sends.sent.map((m) => m.body.type)).toEqual(['send_message', 'crm_outbound']);
    expect(crm.sent.map((m) => m.body.type)).toEqual(['crm_record_message', 'crm_record_status']);
    expect(bulkSends.sent.map((m) => m.body.type)).toEqual(['campaign_send', 'template_sync']);
    expect(bulkCrm.sent.map((m) => m.body.type)).toEqual(['crm_record_batch', 'crm_record_status']);
    expect(jobs.map(laneOf)).toEqual([
      'people',
      'people',
      'people',
      'people',
      'bulk',
      'bulk',
      'bulk',
      'bulk',
    ]);

    // Without the bulk bindings (an older deployment) bulk work falls back to the people queues of its kind.
    const old = [fakeQueue(), fakeQueue()];
    const fallback = new CloudflareJobQueue(old[0]!.queue, old[1]!.queue);
    for (const job of jobs) await fallback.send(job);
    expect(old[0]!.sent).toHaveLength(4);
    expect(old[1]!.sent).toHaveLength(4);
  });

  it('the in-memory queue hands out due people jobs before due bulk jobs', async () => {
    const memory = new MemoryJobQueue(() => 0);
    await memory.send({ type: 'crm_record_batch', messageIds: ['c1'] });
    await memory.send({ type: 'campaign_send', campaignId: 'cmp_1', generation: 1 });
    await memory.send({ type: 'crm_record_message', messageId: 'inbound' });
    await memory.send({ type: 'crm_record_message', messageId: 'later' }, { delaySeconds: 5 });
    expect(memory.takeDue().map((d) => d.job.type)).toEqual([
      'crm_record_message',
      'crm_record_batch',
      'campaign_send',
    ]);
    expect(memory.pending).toHaveLength(1);
  });
});
