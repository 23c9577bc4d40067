// The local-mode Meta simulator with a throughput cap and optional injected faults, for bench/campaign-local-mode.ts.
// The cap is a token bucket of one second's worth refilled continuously, Graph's 130429 over it (as
// bench/capped-simulator.ts does in-process). Injected faults come after the cap check, so they spend the sender's
// budget as real failures do. Everything is installed as faults in front of the unchanged simulator handlers.
import type { LocalMode } from '../scripts/local-mode/index';

export interface CapStats {
  /** Send requests that reached the simulator. */
  requests: number;
  capRejections: number;
  /** 503s and 429s injected after the cap. */
  injected: number;
  firstAt: number;
  lastAt: number;
  /** When each send the cap let through arrived (ms, performance clock); injected failures included. */
  withinCapAt: number[];
}

export interface InjectedFaults {
  /** Share of sends within the cap answered 503. */
  probability5xx: number;
  /** Windows, in ms after the first send, in which every send gets 429 `130429` with `Retry-After: 1`. */
  burstsAtMs: number[];
  burstMs: number;
}

const THROUGHPUT_ERROR = {
  error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 },
};

const isSend = (request: Request) =>
  request.method === 'POST' && new URL(request.url).pathname.endsWith('/messages');

const freshStats = (): CapStats => ({
  requests: 0,
  capRejections: 0,
  injected: 0,
  firstAt: 0,
  lastAt: 0,
  withinCapAt: [],
});

export function installCap(local: LocalMode, cap: number) {
  const stats = freshStats();
  const faults = local.sims.meta.faults;
  let tokens = cap;
  let updatedAt = performance.now();

  const overCap = (request: Request): boolean => {
    if (!isSend(request)) return false;
    const now = performance.now();
    stats.requests++;
    stats.firstAt ||= Date.now();
    stats.lastAt = Date.now();
    tokens = Math.min(cap, tokens + ((now - updatedAt) * cap) / 1000);
    updatedAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      stats.withinCapAt.push(now);
      return false;
    }
    stats.capRejections++;
    return true;
  };

  return {
    stats,
    /** Fresh bucket, counters and send log; `injected` faults go after the cap for this run. */
    reset(injected?: InjectedFaults) {
      Object.assign(stats, freshStats());
      tokens = cap;
      updatedAt = performance.now();
      local.sims.meta.state.sent = [];
      local.sims.meta.state.sentCountByRecipient.clear();
      faults.clear();
      faults.add({ match: overCap, times: Number.POSITIVE_INFINITY, status: 400, body: THROUGHPUT_ERROR });
      if (!injected) return;
      const count = (hit: boolean) => {
        if (hit) stats.injected++;
        return hit;
      };
      faults.add({
        match: (request) => count(isSend(request) && Math.random() < injected.probability5xx),
        times: Number.POSITIVE_INFINITY,
        status: 503,
        body: { error: { message: 'Service unavailable', code: 2 } },
      });
      faults.add({
        match: (request) => {
          if (!isSend(request)) return false;
          const at = Date.now() - stats.firstAt;
          return count(injected.burstsAtMs.some((b) => at >= b && at < b + injected.burstMs));
        },
        times: Number.POSITIVE_INFINITY,
        status: 429,
        headers: { 'retry-after': '1' },
        body: THROUGHPUT_ERROR,
      });
    },
  };
}

/**
 * Sends per second between the 10th and the 90th percentile send: the pace once every chain runs, without the
 * queue's start-up hop, the bucket's initial one-second burst or the last chains draining.
 */
export function steadyRate(sentAt: number[]): number {
  if (sentAt.length < 10) return 0;
  const sorted = [...sentAt].sort((a, b) => a - b);
  const from = Math.floor(sorted.length * 0.1);
  const to = Math.floor(sorted.length * 0.9);
  return ((to - from) * 1000) / Math.max(1, sorted[to]! - sorted[from]!);
}
