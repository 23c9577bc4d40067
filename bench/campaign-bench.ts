// A 10,000-recipient campaign through the real services in local mode: local D1 (miniflare, test/helpers/local-d1.ts),
// the in-memory queue drained by concurrent consumers (as Cloudflare runs several queue consumers), the in-memory
// token bucket (same pure logic as the Durable Object), real clock, and the capped Meta simulator over msw in
// this process. The baseline is the same simulator driven by a bare paced loop (limiter + adapter, no D1, no
// queue): what this process can do at best, so the campaign's ratio to it is the cost of the machinery.
import { createMetaAdapter } from '../adapters/providers/meta/meta-adapter';
import { AppContext } from '../src/context';
import type { Job } from '../src/platform/queue';
import { MemorySendLimiter } from '../src/platform/send-limiter';
import { createCampaign } from '../src/services/campaigns/campaigns';
import { deadLetter, registerJobHandler, runJob } from '../src/services/jobs';
import { syncTemplates } from '../src/services/templates/template-sync';
import type { Connection } from '../src/store/connections';
import { createTestPlatform, TestClock, type TestPlatform } from '../test/helpers/platform';
import { META_SIM_CREDENTIALS, metaSimConnection } from '../test/mocks/meta';
import { BENCH_BASE, createCappedSimulator } from './capped-simulator';

export interface RunResult {
  label: string;
  recipients: number;
  /** First to last send request seen by the simulator. */
  elapsedMs: number;
  requests: number;
  accepted: number;
  capRejections: number;
  injected: number;
  /** Send requests per second against the cap's allowance (cap × elapsed + one second of burst). */
  ratio: number;
  /** Same, not counting the time the provider ordered us to hold (Retry-After of injected 429 bursts). */
  ratioExcludingOrderedPauses: number;
  requestsPerSecond: number;
  acceptedPerSecond: number;
  duplicates: number;
  lost: number;
}

const TEMPLATE = {
  name: 'bench_offer',
  language: 'en_US',
  status: 'APPROVED',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, your code is {{2}}.', example: { body_text: [['Anna', 'X1']] } },
  ],
};

const phone = (run: number, i: number) => `+4479${String(10_000_000 + run * 100_000 + i).padStart(8, '0')}`;

export class CampaignBench {
  readonly capped: ReturnType<typeof createCappedSimulator>;
  private t!: TestPlatform;
  private ctx!: AppContext;
  private connection!: Connection;
  private templateId!: string;
  private run = 0;
  /** Jobs that threw and were retried by the queue, over the bench's lifetime. */
  jobErrors = 0;

  constructor(
    readonly cap: number,
    readonly consumers: number,
  ) {
    this.capped = createCappedSimulator(cap);
  }

  async setup(): Promise<void> {
    this.capped.server.listen({ onUnhandledRequest: 'error' });
    const clock = new TestClock();
    clock.now = () => Date.now(); // real clock for queue delays and the limiter
    this.t = await createTestPlatform({
      clock,
      env: { META_GRAPH_BASE_URL: BENCH_BASE, PROVIDER_TIMEOUT_MS: '5000' },
    });
    this.ctx = new AppContext(this.t.platform);
    // No CRM in this bench: campaign messages' CRM logging jobs are counted and dropped.
    // (Since the queue lanes, a campaign slice's logs travel as one crm_record_batch job.)
    for (const type of ['crm_record_message', 'crm_record_batch', 'crm_record_status'] as const)
      registerJobHandler(type, async () => ({ kind: 'done' }));
    const { installations, connections } = await this.ctx.secretStores();
    const installation = await installations.upsert(
      {
        crm: 'highlevel',
        accountId: 'loc-bench',
        accountType: 'location',
        tokens: { accessToken: 'a', refreshToken: 'r' },
        tokenExpiresAt: Date.now() + 3_600_000,
        scopes: [],
      },
      Date.now(),
    );
    this.connection = await connections.create(
      metaSimConnection(installation.id, { label: 'Meta bench', rateLimitPerSecond: this.cap }),
      Date.now(),
    );
    this.capped.sim.state.addTemplate(TEMPLATE);
    await syncTemplates(this.ctx, this.connection);
    const row = await this.t.db
      .prepare("SELECT id FROM templates WHERE name = 'bench_offer'")
      .first<{ id: string }>();
    this.templateId = row!.id;
  }

  async dispose(): Promise<void> {
    this.capped.server.close();
    try {
      await this.clearAndDispose();
    } catch (error) {
      console.error(`platform dispose failed: ${(error as Error).message}`);
    }
  }

  private async clearAndDispose(): Promise<void> {
    // The test platform's dispose dumps every table to check for plaintext secrets; tens of thousands of
    // campaign rows are more than miniflare's proxy carries in one answer, and they hold no secret.
    await this.t.db.batch(
      ['campaign_recipients', 'campaigns', 'messages', 'contacts'].map((table) =>
        this.t.db.prepare(`DELETE FROM ${table}`),
      ),
    );
    await this.t.dispose();
  }

  /** Queue consumers: `consumers` workers take due jobs until nothing is queued or running. */
  private async drain(): Promise<void> {
    const queue = this.t.queue;
    const ready: { job: Job; attempts: number }[] = [];
    let active = 0;
    const worker = async () => {
      for (;;) {
        if (!ready.length) ready.push(...queue.takeDue());
        const next = ready.shift();
        if (!next) {
          if (!queue.pending.length && active === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        active++;
        try {
          const outcome = await runJob(this.ctx, next.job, next.attempts);
          if (outcome.kind === 'retry') queue.retry(next.job, next.attempts + 1, outcome.delaySeconds);
          else if (outcome.kind === 'dead')
            await deadLetter(this.ctx, next.job, outcome.reason, next.attempts + 1);
        } catch (error) {
          // As the Worker's queue handler does: an unexpected failure is retried later. Counted in the report
          // (locally these are miniflare proxy hiccups under load).
          this.jobErrors++;
          console.error(`job ${next.job.type} failed, retried: ${(error as Error).message}`);
          queue.retry(next.job, next.attempts + 1, 1);
        } finally {
          active--;
        }
      }
    };
    await Promise.all(Array.from({ length: this.consumers }, worker));
  }

  /** One campaign of `n` recipients; `faults` adds injected failures after the cap. */
  async campaign(
    label: string,
    n: number,
    faults?: { probability5xx: number; burstsAtMs: number[]; burstMs: number },
  ) {
    const run = ++this.run;
    const lines = ['phone,1,2'];
    for (let i = 0; i < n; i++) lines.push(`${phone(run, i)},Anna,C${i}`);
    const orderedPauseMs = faults ? faults.burstsAtMs.length * (1_000 + faults.burstMs) : 0;
    this.capped.reset((f) => {
      if (!faults) return;
      f.add({
        probability: faults.probability5xx,
        status: 503,
        body: { error: { message: 'Service unavailable', code: 2 } },
      });
      // 429 bursts: the provider refuses everything for `burstMs` and says to come back in 1 s.
      const start = Date.now() + 2_000; // after campaign creation
      const inBurst = (request: Request) => {
        if (!this.capped.isSend(request)) return false;
        const at = Date.now() - start;
        return faults.burstsAtMs.some((b) => at >= b && at < b + faults.burstMs);
      };
      f.add({
        match: inBurst,
        times: Number.POSITIVE_INFINITY,
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
      });
    });
    this.capped.sim.state.addTemplate(TEMPLATE);
    const created = await createCampaign(this.ctx, {
      connection: this.connection,
      templateId: this.templateId,
      csv: lines.join('\n'),
      overTierPolicy: 'refuse',
      dryRun: false,
    });
    if (created.dryRun) throw new Error('unreachable');
    await this.drain();
    return this.measure(label, created.campaign.id, n, orderedPauseMs);
  }

  private async measure(
    label: string,
    campaignId: string,
    n: number,
    orderedPauseMs: number,
  ): Promise<RunResult> {
    const { stats, sim } = this.capped;
    const counts = [...sim.state.sentCountByRecipient.values()];
    const duplicates = counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0);
    const { results } = await this.t.db
      .prepare('SELECT phone, state FROM campaign_recipients WHERE campaign_id = ?')
      .bind(campaignId)
      .all<{ phone: string; state: string }>();
    const accepted = new Set(sim.state.sent.map((m) => m.to));
    // Lost: no final state, or our record disagrees with what the provider accepted.
    let lost = 0;
    for (const r of results) {
      const final = ['sent', 'failed', 'unknown'].includes(r.state);
      const providerHas = accepted.has(r.phone.slice(1));
      if (!final || (r.state === 'sent') !== providerHas) lost++;
    }
    lost += n - results.length;
    const elapsedMs = Math.max(1, stats.lastAt - stats.firstAt);
    const allowance = (ms: number) => (this.cap * ms) / 1000 + this.cap;
    return {
      label,
      recipients: n,
      elapsedMs,
      requests: stats.requests,
      accepted: sim.state.sent.length,
      capRejections: stats.capRejections,
      injected: sim.faults.injected - stats.injectedBefore - stats.capRejections,
      ratio: stats.requests / allowance(elapsedMs),
      ratioExcludingOrderedPauses: stats.requests / allowance(Math.max(1, elapsedMs - orderedPauseMs)),
      requestsPerSecond: (stats.requests * 1000) / elapsedMs,
      acceptedPerSecond: (sim.state.sent.length * 1000) / elapsedMs,
      duplicates,
      lost,
    };
  }

  /** Baseline: the limiter and the adapter alone, `concurrency` sends in flight, no D1 and no queue. */
  async baseline(n: number, concurrency: number): Promise<RunResult> {
    const run = ++this.run;
    this.capped.reset();
    this.capped.sim.state.addTemplate(TEMPLATE);
    const limiter = new MemorySendLimiter();
    const adapter = createMetaAdapter({
      credentials: META_SIM_CREDENTIALS,
      http: { baseUrl: BENCH_BASE, timeoutMs: 5_000 },
    });
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < n; i = next++) {
        const wait = await limiter.reserve('baseline', this.cap);
        // Same early-timer guard as the campaign runner's sleep.
        const until = Date.now() + wait;
        for (let left = wait; left > 0; left = until - Date.now()) {
          await new Promise((resolve) => setTimeout(resolve, left));
        }
        // A refusal is counted by the simulator (capRejections) and is not retried: the baseline is the pace alone.
        await adapter
          .send({ reference: `b${i}`, to: phone(run, i), content: { type: 'text', text: `Hi ${i}` } })
          .catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const { stats, sim } = this.capped;
    const elapsedMs = Math.max(1, stats.lastAt - stats.firstAt);
    const allowance = (this.cap * elapsedMs) / 1000 + this.cap;
    return {
      label: 'baseline (limiter + adapter only)',
      recipients: n,
      elapsedMs,
      requests: stats.requests,
      accepted: sim.state.sent.length,
      capRejections: stats.capRejections,
      injected: 0,
      ratio: stats.requests / allowance,
      ratioExcludingOrderedPauses: stats.requests / allowance,
      requestsPerSecond: (stats.requests * 1000) / elapsedMs,
      acceptedPerSecond: (sim.state.sent.length * 1000) / elapsedMs,
      duplicates: [...sim.state.sentCountByRecipient.values()].reduce((s, c) => s + Math.max(0, c - 1), 0),
      lost: n - sim.state.sent.length - stats.capRejections,
    };
  }
}
