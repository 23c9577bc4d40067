import { describe, expect, it } from 'vitest';
import { CloudflareJobQueue, type Job } from './queue';

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
});
