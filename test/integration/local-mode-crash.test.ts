// The outbox in the runtime that ships (issue 17, finding 6): local mode's Worker (workerd) is SIGKILLed at random
// points of a burst of customer messages — its in-memory queue dies with it, D1 survives — then restarted; Meta
// redelivers the webhooks that got no answer, and the cron's outbox sweep runs. Every message must then be in the
// HighLevel simulator exactly once. The scenario lives in bench/crash-recovery.ts (the bench runs it bigger).
import { describe, expect, it } from 'vitest';
import { runCrashRecovery } from '../../bench/crash-recovery';

describe('local mode: a Worker killed during a burst', () => {
  it('after restart and a sweep, every customer message reaches HighLevel exactly once', async () => {
    const result = await runCrashRecovery({ messages: 40, kills: 2 });
    expect(result).toMatchObject({ messages: 40, kills: 2, inHighLevel: 40, duplicates: 0, missing: 0 });
    // What the restarted Worker alone left behind, the sweep delivered.
    if (result.strandedBeforeSweep > 0) expect(result.sweeps).toBeGreaterThanOrEqual(1);
  }, 600_000);
});
