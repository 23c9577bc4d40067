// The Meta simulator with a throughput cap, as Meta enforces per phone number (vendors/providers.md: 80 msg/s by
// default, up to 1,000): a token bucket holding one second's worth, refilled continuously; over it, Graph's
// throughput error 130429. Injected faults come after the cap, so they also spend the sender's budget.
import { setupServer } from 'msw/node';
import { createMetaSimulator } from '../test/mocks/meta';

export const BENCH_BASE = 'https://graph.bench.test';

export interface CapStats {
  requests: number;
  capRejections: number;
  firstAt: number;
  lastAt: number;
  t0: number;
  /** The fault injector's counter when the run started (it counts for the simulator's lifetime). */
  injectedBefore: number;
}

export function createCappedSimulator(capPerSecond: number) {
  const sim = createMetaSimulator({ baseUrl: BENCH_BASE });
  const stats: CapStats = { requests: 0, capRejections: 0, firstAt: 0, lastAt: 0, t0: 0, injectedBefore: 0 };
  let tokens = capPerSecond;
  let updatedAt = performance.now();
  const isSend = (request: Request) => request.method === 'POST' && request.url.endsWith('/messages');
  const overCap = (request: Request): boolean => {
    if (!isSend(request)) return false;
    const now = performance.now();
    stats.requests++;
    if (!stats.firstAt) {
      stats.firstAt = Date.now();
      stats.t0 = now;
    }
    stats.lastAt = Date.now();
    tokens = Math.min(capPerSecond, tokens + ((now - updatedAt) * capPerSecond) / 1000);
    updatedAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return false;
    }
    stats.capRejections++;
    if (process.env.BENCH_DEBUG)
      console.error(
        'cap',
        stats.requests,
        tokens.toFixed(3),
        (now - stats.t0).toFixed(1),
        Date.now() - stats.firstAt,
      );
    return true;
  };
  const install = () => {
    sim.faults.clear();
    sim.faults.add({
      match: overCap,
      times: Number.POSITIVE_INFINITY,
      status: 400,
      body: { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 } },
    });
  };
  install();
  const server = setupServer(...sim.handlers);
  return {
    sim,
    server,
    stats,
    isSend,
    /** Fresh bucket, counters and send log for the next run; `extraFaults` go after the cap. */
    reset(extraFaults: (faults: typeof sim.faults) => void = () => {}) {
      sim.state.reset();
      Object.assign(stats, {
        requests: 0,
        capRejections: 0,
        firstAt: 0,
        lastAt: 0,
        t0: 0,
        injectedBefore: 0,
      });
      stats.injectedBefore = sim.faults.injected;
      tokens = capPerSecond;
      updatedAt = performance.now();
      install();
      extraFaults(sim.faults);
    },
  };
}
