// Status lattice (DESIGN.md §3.4, seed 004): pending < sent < failed < delivered < read.
// Webhooks arrive out of order and twice: each status keeps its own (earliest) timestamp and the effective
// status is derived, so any order of the same events gives the same result. A failure wins over pending / sent
// but never erases a delivered or read already seen. Vendor words are mapped in the adapters, not here.
import type { MessageStatus, ProviderErrorInfo, StatusTimes } from './message';

const RANK: Record<MessageStatus, number> = { pending: 0, sent: 1, failed: 2, delivered: 3, read: 4 };
const BY_RANK = (Object.keys(RANK) as MessageStatus[]).sort((a, b) => RANK[b] - RANK[a]);

export function statusRank(status: MessageStatus): number {
  return RANK[status];
}

/** Records `status` at `at`; a repeated status keeps its earliest time. Returns the same object if nothing changed. */
export function applyStatus(times: StatusTimes, status: MessageStatus, at: number): StatusTimes {
  const seen = times[status];
  if (seen !== undefined && seen <= at) return times;
  return { ...times, [status]: at };
}

/** The highest status seen; a message nothing was reported for yet is pending. */
export function effectiveStatus(times: StatusTimes): MessageStatus {
  return BY_RANK.find((s) => times[s] !== undefined) ?? 'pending';
}

/** When the effective status was reached. */
export function effectiveStatusAt(times: StatusTimes): number | null {
  return times[effectiveStatus(times)] ?? null;
}

/** Whether applying the event moves the effective status (worth telling the CRM). */
export function isUpgrade(times: StatusTimes, status: MessageStatus): boolean {
  return Object.keys(times).length === 0 || RANK[status] > RANK[effectiveStatus(times)];
}

export interface StatusEvent {
  status: MessageStatus;
  at: number;
  /** Present on `failed`: the provider's code and a human reason. */
  error?: ProviderErrorInfo;
}

export interface StatusState {
  times: StatusTimes;
  error?: ProviderErrorInfo;
  /** When the kept error was reported. */
  errorAt?: number;
}

function errorKey(e: ProviderErrorInfo): string {
  return `${e.kind}\u0000${e.vendorCode ?? ''}\u0000${e.reason}\u0000${e.vendorMessage ?? ''}`;
}

/**
 * Applies a status event with its error. The error kept is the earliest reported one (ties broken by content),
 * so that it too is independent of arrival order.
 */
export function applyStatusEvent(state: StatusState, event: StatusEvent): StatusState {
  const times = applyStatus(state.times, event.status, event.at);
  let { error, errorAt } = state;
  if (event.status === 'failed' && event.error) {
    const better =
      error === undefined ||
      errorAt === undefined ||
      event.at < errorAt ||
      (event.at === errorAt && errorKey(event.error) < errorKey(error));
    if (better) {
      error = event.error;
      errorAt = event.at;
    }
  }
  if (times === state.times && error === state.error) return state;
  return error === undefined ? { times } : { times, error, errorAt };
}

/** The effective status with its error when it is `failed` (an error under a later delivered is history). */
export function describeStatus(state: StatusState): {
  status: MessageStatus;
  at: number | null;
  error?: ProviderErrorInfo;
} {
  const status = effectiveStatus(state.times);
  const at = effectiveStatusAt(state.times);
  return status === 'failed' && state.error ? { status, at, error: state.error } : { status, at };
}
