// A contact's conversation log as src/core/window.ts reads it, for the window and pricing tests: the two eras' start
// times and one entry per kind of message.
import type { LogEntry } from '../../src/core/window';

export const T0 = Date.UTC(2025, 2, 10, 9); // CBP era
export const P0 = Date.UTC(2025, 8, 10, 9); // PMP era

/** The customer wrote (through a free entry point: an ad or Page referral). */
export const inbound = (at: number, freeEntryPoint = false): LogEntry => ({
  direction: 'inbound',
  at,
  kind: 'free_form',
  freeEntryPoint,
});
/** We answered in free form. */
export const reply = (at: number): LogEntry => ({ direction: 'outbound', at, kind: 'free_form' });
/** We sent a template of `category`. */
export const tpl = (at: number, category: LogEntry['category']): LogEntry => ({
  direction: 'outbound',
  at,
  kind: 'template',
  category,
});
