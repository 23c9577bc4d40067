import { describe, expect, it } from 'vitest';
import { CloudflareJobQueue, MemoryJobQueue, priorAttemptsOf, type Job } from './queue';

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
});
