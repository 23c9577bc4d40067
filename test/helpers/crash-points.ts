// Kills a Worker invocation at a chosen point, the way SIGKILL or an evicted isolate would: a D1 statement matching
// `sql` throws `Killed` just before it runs, or just after it ran (its write stays). Nothing after the point runs.
import type { AppContext, Platform } from '../../src/context';
import type { Job, JobQueue } from '../../src/platform/queue';
import { deadLetter, runJob } from '../../src/services/jobs';
import type { TestPlatform } from './platform';

export class Killed extends Error {
  constructor(where: string) {
    super(`killed ${where}`);
    this.name = 'Killed';
  }
}

export interface CrashPoint {
  /** A D1 statement's SQL, or `enqueue` for the queue send of a job of this type. */
  sql?: RegExp;
  enqueue?: Job['type'];
  when: 'before' | 'after';
}

class KillableStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly sql: string,
    private readonly check: (sql: string, phase: 'before' | 'after') => void,
  ) {}
  bind(...values: unknown[]): KillableStatement {
    return new KillableStatement(this.inner.bind(...values), this.sql, this.check);
  }
  private async around<T>(run: () => Promise<T>): Promise<T> {
    this.check(this.sql, 'before');
    const result = await run();
    this.check(this.sql, 'after');
    return result;
  }
  first<T>(column?: string): Promise<T | null> {
    return this.around(() => (column === undefined ? this.inner.first<T>() : this.inner.first<T>(column)));
  }
  run<T>(): Promise<D1Result<T>> {
    return this.around(() => this.inner.run<T>());
  }
  all<T>(): Promise<D1Result<T>> {
    return this.around(() => this.inner.all<T>());
  }
  raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    return this.around(() => this.inner.raw<T>(options as { columnNames: true }) as Promise<T[]>);
  }
}

/**
 * Arms crash points on a test platform (its D1 and queue are replaced by killable wrappers). Each armed point
 * fires once; `fired` counts them.
 */
export function killable(platform: Platform): { arm(point: CrashPoint): void; readonly fired: number } {
  const db = platform.db;
  const queue = platform.queue;
  let armed: CrashPoint | undefined;
  let fired = 0;
  const check = (sql: string, phase: 'before' | 'after') => {
    if (!armed?.sql || armed.when !== phase || !armed.sql.test(sql)) return;
    armed = undefined;
    fired++;
    throw new Killed(`${phase} ${sql.replace(/\s+/g, ' ').slice(0, 60)}`);
  };
  const unwrap = (s: D1PreparedStatement) =>
    (s instanceof KillableStatement ? s.inner : s) as D1PreparedStatement;
  const sqlOf = (s: D1PreparedStatement) => (s instanceof KillableStatement ? s.sql : '');
  platform.db = {
    prepare: (sql: string) => new KillableStatement(db.prepare(sql), sql, check),
    batch: async <T>(statements: D1PreparedStatement[]) => {
      for (const s of statements) check(sqlOf(s), 'before');
      const results = await db.batch<T>(statements.map(unwrap));
      for (const s of statements) check(sqlOf(s), 'after');
      return results;
    },
    exec: (sql: string) => db.exec(sql),
    dump: () => db.dump(),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
  } as unknown as D1Database;
  const sendGuard = (job: Job) => {
    if (armed?.enqueue !== job.type) return;
    armed = undefined;
    fired++;
    throw new Killed(`before enqueue ${job.type}`);
  };
  const killableQueue: JobQueue = {
    send: async (job, options) => {
      sendGuard(job);
      await queue.send(job, options);
    },
    sendBatch: async (jobs, options) => {
      for (const job of jobs) sendGuard(job);
      await queue.sendBatch(jobs, options);
    },
  };
  platform.queue = killableQueue;
  return {
    arm(point) {
      armed = point;
    },
    get fired() {
      return fired;
    },
  };
}

/**
 * A queue consumer for crash tests: runs the due jobs as Cloudflare Queues would (retry with the job's delay, dead
 * letter when it says so); an invocation killed at a crash point loses its message, since nothing redelivers it.
 * With `untilIdle`, the clock jumps to the next delayed job until none is pending.
 */
export async function consumeSurvivingKills(
  ctx: AppContext,
  t: TestPlatform,
  options: { untilIdle?: boolean; rounds?: number } = {},
): Promise<void> {
  for (let round = 0; round < (options.rounds ?? 200); round++) {
    const due = t.queue.takeDue();
    if (!due.length) {
      if (!options.untilIdle || !t.queue.pending.length) return;
      t.clock.advance(Math.max(0, Math.min(...t.queue.pending.map((p) => p.notBefore)) - t.clock.now()));
      continue;
    }
    for (const { job, attempts } of due) {
      try {
        const outcome = await runJob(ctx, job, attempts);
        if (outcome.kind === 'retry')
          t.queue.retry(job, attempts + (outcome.countsAsAttempt ? 1 : 0), outcome.delaySeconds);
        else if (outcome.kind === 'dead') await deadLetter(ctx, job, outcome.reason, attempts + 1);
      } catch (error) {
        if (!(error instanceof Killed)) throw error;
      }
    }
  }
}
