// The Worker's queue consumers in virtual time, for tests of who waits behind whom. People's and bulk queues have
// consumers of their own (src/platform/queue.ts laneOf, wrangler.toml): here `people` lanes take only people's due
// jobs and `bulk` lanes only bulk ones, each lane one job at a time, as a consumer invocation runs its batch side by
// side (src/index.ts). A job's pacing waits (platform.sleep) block on the test clock, which moves only when every
// lane waits, to the earliest wake-up, due job or scheduled action.
// Known imprecision: waits are counted, not lanes, so a job whose workers sleep side by side (a campaign slice) can
// let the clock move while another lane is still busy with D1: measured virtual delays are upper bounds.
import type { AppContext } from '../../src/context';
import { laneOf, type JobLane } from '../../src/platform/queue';
import { deadLetter, runJob } from '../../src/services/jobs';
import type { TestPlatform } from '../helpers/platform';

type Entry = TestPlatform['queue']['pending'][number];
type Probe = { check: () => number | undefined; resolve: (value: number) => void };

export class VirtualConsumer {
  private sleepers: { until: number; resolve: () => void }[] = [];
  private idle: { kind: JobLane; resolve: () => void }[] = [];
  private timers: { at: number; fn: () => void }[] = [];
  private probes: Probe[] = [];
  private busyActions = 0;
  private running = 0;
  private finished = false;
  /** Jobs run, by lane. */
  readonly ran: Record<JobLane, number> = { people: 0, bulk: 0 };

  constructor(
    private readonly t: TestPlatform,
    private readonly ctx: AppContext,
    private readonly lanes: Record<JobLane, number>,
  ) {}

  /** Install as `platform.sleep`: resolves when the virtual clock reaches the end of the wait. */
  sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.sleepers.push({ until: this.t.clock.now() + ms, resolve });
      this.maybeAdvance();
    });

  /** Runs `fn` when the clock reaches `time` (before any lane goes on). */
  at(time: number, fn: () => void): void {
    this.timers.push({ at: time, fn });
  }

  /**
   * Runs `action` now; the clock stands still until it is done. It returns a probe, checked after every job and
   * before every clock move: the promise resolves with the probe's first defined answer (Infinity if none by the end).
   */
  event(action: () => Promise<() => number | undefined>): Promise<number> {
    this.busyActions++;
    return new Promise<number>((resolve, reject) => {
      action()
        .then((check) => {
          this.probes.push({ check, resolve });
          this.checkProbes();
        }, reject)
        .finally(() => {
          this.busyActions--;
          this.wakeIdle();
          this.maybeAdvance();
        });
    });
  }

  /** Runs until no job, wait or scheduled action is left. */
  async run(): Promise<void> {
    this.finished = false;
    const all = (['people', 'bulk'] as const).flatMap((kind) =>
      Array.from({ length: this.lanes[kind] }, () => this.lane(kind)),
    );
    this.running = all.length;
    await Promise.all(all);
    this.running = 0;
    for (const probe of this.probes.splice(0)) probe.resolve(Number.POSITIVE_INFINITY);
  }

  private async lane(kind: JobLane): Promise<void> {
    for (;;) {
      const entry = this.take(kind);
      if (entry) {
        await this.runOne(entry);
        this.ran[kind]++;
        this.checkProbes();
        continue;
      }
      if (this.finished) return;
      await new Promise<void>((resolve) => {
        this.idle.push({ kind, resolve });
        this.maybeAdvance();
      });
    }
  }

  private take(kind: JobLane): Entry | undefined {
    const now = this.t.clock.now();
    const pending = this.t.queue.pending;
    const i = pending.findIndex((p) => p.notBefore <= now && laneOf(p.job) === kind);
    return i < 0 ? undefined : pending.splice(i, 1)[0];
  }

  private async runOne({ job, attempts }: Entry): Promise<void> {
    const outcome = await runJob(this.ctx, job, attempts);
    if (outcome.kind === 'retry')
      this.t.queue.retry(job, attempts + (outcome.countsAsAttempt ? 1 : 0), outcome.delaySeconds);
    else if (outcome.kind === 'dead') await deadLetter(this.ctx, job, outcome.reason, attempts + 1);
  }

  private checkProbes(): void {
    for (const probe of [...this.probes]) {
      const value = probe.check();
      if (value === undefined) continue;
      this.probes.splice(this.probes.indexOf(probe), 1);
      probe.resolve(value);
    }
  }

  private wakeIdle(): void {
    for (const { resolve } of this.idle.splice(0)) resolve();
  }

  private maybeAdvance(): void {
    if (!this.running || this.busyActions > 0) return;
    if (this.sleepers.length + this.idle.length < this.running) return;
    this.checkProbes();
    const now = this.t.clock.now();
    // Only a due job an idle lane can take moves things on; one for busy lanes waits for them (waking the idle
    // lanes of the other kind for it would spin without the clock ever moving).
    const idleKinds = new Set(this.idle.map((i) => i.kind));
    const takeable = this.t.queue.pending.some((p) => p.notBefore <= now && idleKinds.has(laneOf(p.job)));
    if (takeable || this.timers.some((x) => x.at <= now)) {
      this.fireTimers();
      this.wakeIdle();
      return;
    }
    const next = Math.min(
      ...this.sleepers.map((s) => s.until),
      ...this.t.queue.pending.filter((p) => p.notBefore > now).map((p) => p.notBefore),
      ...this.timers.map((x) => x.at),
    );
    if (!Number.isFinite(next)) {
      this.finished = true;
      this.wakeIdle();
      return;
    }
    this.t.clock.advance(Math.max(0, next - now));
    const due = this.sleepers.filter((s) => s.until <= this.t.clock.now());
    this.sleepers = this.sleepers.filter((s) => s.until > this.t.clock.now());
    this.fireTimers();
    for (const s of due) s.resolve();
    this.wakeIdle();
  }

  private fireTimers(): void {
    const now = this.t.clock.now();
    const due = this.timers.filter((x) => x.at <= now);
    this.timers = this.timers.filter((x) => x.at > now);
    for (const timer of due) timer.fn();
  }
}
