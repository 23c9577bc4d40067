// Fault injection shared by every vendor simulator: queue canned failures in front of the real handlers.
import { HttpResponse, delay } from 'msw';

export interface Fault {
  /** Which requests this fault applies to (default: all of the simulator's requests). */
  match?: (request: Request) => boolean;
  /** How many matching requests to fail (default 1). */
  times?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hang this long before answering (simulates a timeout). */
  delayMs?: number;
  /** Network error instead of a response. */
  networkError?: boolean;
  /** Random failure probability per request instead of a fixed count (0..1); `times` is ignored. */
  probability?: number;
  /**
   * "Store then fail": the real handler runs first (its effects stay), then this fault answers instead — the
   * vendor did the work but the answer was lost (5xx, `delayMs` past the client's timeout, `networkError`).
   * Only simulators that call `take(request, 'after')` honour it (Pipedrive; HighLevel's POST messages/inbound).
   */
  afterHandler?: boolean;
}

export class FaultInjector {
  private faults: Fault[] = [];
  /** Requests answered by a fault, for assertions. */
  injected = 0;
  constructor(private readonly random: () => number = Math.random) {}

  add(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * Returns a response to answer with, or undefined to let the real handler run (`before`) or its answer stand
   * (`after`, called once the handler has run).
   */
  async take(request: Request, phase: 'before' | 'after' = 'before'): Promise<Response | undefined> {
    for (const fault of this.faults) {
      if ((fault.afterHandler === true) !== (phase === 'after')) continue;
      if (fault.match && !fault.match(request)) continue;
      if (fault.probability !== undefined) {
        if (this.random() >= fault.probability) continue;
      } else {
        if ((fault.times ?? 1) <= 0) continue;
        fault.times = (fault.times ?? 1) - 1;
      }
      this.injected++;
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.networkError) return HttpResponse.error();
      // Marked so spec validation knows this answer is an injected fault, not the simulator's own reply.
      return HttpResponse.json((fault.body ?? { error: 'injected' }) as never, {
        status: fault.status ?? 500,
        headers: { ...fault.headers, 'x-mock-fault': '1' },
      });
    }
    return undefined;
  }
}
