// Jobs the queue consumer runs. Jobs carry ids only: state lives in D1, never secrets in a queue.
import * as z from 'zod/mini';
import type { ProviderEvent } from '../../adapters/providers/types';

export const jobSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('send_message'), messageId: z.string() }),
  // `lane: 'bulk'`: a campaign message's log or status, carried on the bulk queue (see laneOf).
  z.object({
    type: z.literal('crm_record_message'),
    messageId: z.string(),
    lane: z.optional(z.literal('bulk')),
  }),
  z.object({
    type: z.literal('crm_record_status'),
    messageId: z.string(),
    lane: z.optional(z.literal('bulk')),
  }),
  // A campaign slice's CRM logs, coalesced: one queue message per slice, taken in order as the CRM pace allows.
  z.object({ type: z.literal('crm_record_batch'), messageIds: z.array(z.string()) }),
  // A customer's edit or deletion owed to the CRM (message_changes row; never `messageId`, see deadLetter).
  z.object({ type: z.literal('crm_record_change'), changeId: z.string() }),
  // Media of a message the customer deleted, deleted at the provider too (Meta asks the business to).
  z.object({ type: z.literal('provider_delete_media'), connectionId: z.string(), mediaId: z.string() }),
  z.object({ type: z.literal('crm_outbound'), installationId: z.string(), deliveryKey: z.string() }),
  // One slice of a campaign's due recipients; `generation` retires a job chain after pause / resume.
  z.object({
    type: z.literal('campaign_send'),
    campaignId: z.string(),
    generation: z.number().check(z.int()),
  }),
  z.object({ type: z.literal('template_sync'), connectionId: z.string() }),
  // A CRM-linked customer known only by BSUID shared their phone: add it to the same CRM contact (issue 11).
  z.object({ type: z.literal('crm_link_phone'), contactId: z.string() }),
  // A customer's WhatsApp marketing stop / resume owed to the CRM (marketing_preferences row; issue 12 item 1).
  z.object({ type: z.literal('crm_marketing_preference'), contactId: z.string() }),
  // A HighLevel workflow trigger firing owed (automation_trigger_firings row; issue 15).
  z.object({ type: z.literal('crm_fire_trigger'), firingId: z.string() }),
  // One page of a stored coexistence history chunk (history_imports row; issue 12 item 5).
  z.object({ type: z.literal('history_import'), importId: z.string() }),
  // A provider status that arrived before our send was recorded; the event holds no secrets.
  z.object({
    type: z.literal('status_retry'),
    connectionId: z.string(),
    event: z.custom<Extract<ProviderEvent, { kind: 'status' }>>((v) => typeof v === 'object' && v !== null),
    attempt: z.number().check(z.int()),
  }),
]);
export type Job = z.infer<typeof jobSchema>;

/** Cloudflare Queues accept delays up to 12 h: every retry or pacing delay is capped at this; longer waits hop. */
export const QUEUE_MAX_DELAY_S = 43_200;

export interface EnqueueOptions {
  delaySeconds?: number;
  /** Failed attempts a re-enqueued job already used: a pacing delay goes out as a fresh message (Cloudflare's
   * `message.retry` would spend the queue's max_retries), and this keeps the job's retry budget where it was. */
  priorAttempts?: number;
}

export interface JobQueue {
  send(job: Job, options?: EnqueueOptions): Promise<void>;
  sendBatch(jobs: Job[], options?: { delaySeconds?: number }): Promise<void>;
}

/** The `priorAttempts` a message body carries next to its job (jobSchema strips it from the parsed job). */
export function priorAttemptsOf(body: unknown): number {
  const value =
    typeof body === 'object' && body !== null ? (body as { priorAttempts?: unknown }).priorAttempts : 0;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** Jobs that talk to the CRM: they get their own queue so they never hold up provider sends. */
export const isCrmJob = (job: Job): boolean =>
  job.type === 'crm_record_message' ||
  job.type === 'crm_record_status' ||
  job.type === 'crm_record_batch' ||
  job.type === 'crm_link_phone' ||
  job.type === 'crm_marketing_preference' ||
  job.type === 'crm_fire_trigger';

/**
 * People before bulk: a customer's message, an agent's reply and their statuses ride the people queues; campaign
 * chains, template syncs and campaign logging the bulk ones, so a person's job never sits behind a campaign's.
 */
export type JobLane = 'people' | 'bulk';
export function laneOf(job: Job): JobLane {
  switch (job.type) {
    case 'campaign_send':
    case 'template_sync':
    case 'crm_record_batch':
    case 'history_import':
      return 'bulk';
    case 'crm_record_message':
    case 'crm_record_status':
      return job.lane ?? 'people';
    default:
      return 'people';
  }
}

/** The queues of each lane: provider work and CRM deliveries apart, people and bulk apart. */
export interface JobQueues {
  sends: Queue<Job>;
  crm?: Queue<Job> | undefined;
  bulkSends?: Queue<Job> | undefined;
  bulkCrm?: Queue<Job> | undefined;
}

/** Cloudflare Queues producer: one queue per kind and lane; a missing binding falls back to its people queue. */
export class CloudflareJobQueue implements JobQueue {
  private readonly queues: JobQueues;
  constructor(sends: Queue<Job> | JobQueues, crm?: Queue<Job>) {
    this.queues = 'sends' in sends ? sends : { sends: sends as Queue<Job>, crm };
  }
  private queueFor(job: Job): Queue<Job> {
    const { sends, crm = sends, bulkSends = sends, bulkCrm = crm } = this.queues;
    const bulk = laneOf(job) === 'bulk';
    if (isCrmJob(job)) return bulk ? bulkCrm : crm;
    return bulk ? bulkSends : sends;
  }
  async send(job: Job, options?: EnqueueOptions): Promise<void> {
    const body: Job & { priorAttempts?: number } = options?.priorAttempts
      ? { ...job, priorAttempts: options.priorAttempts }
      : job;
    await this.queueFor(job).send(
      body,
      options?.delaySeconds ? { delaySeconds: options.delaySeconds } : undefined,
    );
  }
  async sendBatch(jobs: Job[], options?: { delaySeconds?: number }): Promise<void> {
    for (const queue of new Set(jobs.map((job) => this.queueFor(job)))) {
      const mine = jobs.filter((job) => this.queueFor(job) === queue);
      // Queues accept at most 100 messages per batch.
      for (let i = 0; i < mine.length; i += 100) {
        await queue.sendBatch(
          mine.slice(i, i + 100).map((body) => ({ body, delaySeconds: options?.delaySeconds })),
        );
      }
    }
  }
}

/**
 * In-process queue with the same contract (tests, benches): jobs wait until drained; delays are honoured
 * against an injected clock so tests can move time instead of sleeping.
 */
export class MemoryJobQueue implements JobQueue {
  readonly pending: { job: Job; notBefore: number; attempts: number }[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  async send(job: Job, options?: EnqueueOptions): Promise<void> {
    this.pending.push({
      job,
      notBefore: this.now() + (options?.delaySeconds ?? 0) * 1000,
      attempts: options?.priorAttempts ?? 0,
    });
  }
  async sendBatch(jobs: Job[], options?: { delaySeconds?: number }): Promise<void> {
    for (const job of jobs) await this.send(job, options);
  }
  /** Takes the jobs that are due, people's first (their own queues in the Worker: see laneOf). */
  takeDue(): { job: Job; attempts: number }[] {
    const now = this.now();
    const due = this.pending.filter((entry) => entry.notBefore <= now);
    for (const entry of due) this.pending.splice(this.pending.indexOf(entry), 1);
    return [
      ...due.filter((entry) => laneOf(entry.job) === 'people'),
      ...due.filter((entry) => laneOf(entry.job) === 'bulk'),
    ];
  }
  retry(job: Job, attempts: number, delaySeconds: number): void {
    this.pending.push({ job, attempts, notBefore: this.now() + delaySeconds * 1000 });
  }
}
