// Customer service window (CSW), free entry point (FEP) and open conversations (DESIGN.md §3.1–3.2, seed 000).
// A pure function of the message log and `now`; time is always injected.
import type { TemplateCategory } from './template';

export const HOUR_MS = 3_600_000;
export const WINDOW_MS = 24 * HOUR_MS;
export const CONVERSATION_MS = 24 * HOUR_MS;
export const FREE_ENTRY_POINT_MS = 72 * HOUR_MS;
/** Per-message pricing replaced conversation-based pricing on 2025-07-01 (vendors/providers.md). */
export const PMP_START = Date.UTC(2025, 6, 1);

export type PricingModel = 'CBP' | 'PMP';
export function pricingModelAt(at: number): PricingModel {
  return at >= PMP_START ? 'PMP' : 'CBP';
}

export interface LogEntry {
  direction: 'inbound' | 'outbound';
  at: number;
  kind: 'free_form' | 'template';
  category?: TemplateCategory;
  /** Inbound that arrived through a Click-to-WhatsApp ad or a Facebook Page call-to-action (referral). */
  freeEntryPoint?: boolean;
}

/** A message row as the stores read it for the window (`messages` columns). */
export interface MessageLogRow {
  direction: 'inbound' | 'outbound';
  type: string;
  category: string | null;
  occurred_at: number;
}

/** The one mapping from a stored message row to the window / pricing log. */
export function logEntryOf(row: MessageLogRow): LogEntry {
  return {
    direction: row.direction,
    at: row.occurred_at,
    kind: row.type === 'template' ? 'template' : 'free_form',
    category: (row.category as TemplateCategory | null) ?? undefined,
  };
}

export type ConversationCategory = TemplateCategory | 'SERVICE' | 'FREE_ENTRY_POINT';
export interface Conversation {
  category: ConversationCategory;
  openedAt: number;
  closesAt: number;
}

export interface FreeEntryPointState {
  /** A 72-hour free window is running. */
  active: boolean;
  closesAt: number | null;
  /** The customer came from an ad / Page CTA: a business reply before `replyBy` opens the 72-hour window. */
  awaitingReply: boolean;
  replyBy: number | null;
}

export interface WindowStatus {
  state: 'open' | 'closed' | 'none';
  lastInboundAt: number | null;
  closesAt: number | null;
  freeFormAllowed: boolean;
  templateRequired: boolean;
  freeEntryPoint: FreeEntryPointState | null;
}

export interface WindowState extends WindowStatus {
  /** Conversations open at `now` (CBP categories until 2025-06-30; free entry point in both models). */
  openConversations: Conversation[];
}

/** What the service keeps on the contact row to answer window questions without reading the log. */
export interface ContactWindowSummary {
  lastInboundAt: number | null;
  freeEntryPointUntil: number | null;
  /** Time of a referral inbound whose free entry point has not been opened by a reply yet. */
  referralAt?: number | null;
}

export const EMPTY_SUMMARY: ContactWindowSummary = {
  lastInboundAt: null,
  freeEntryPointUntil: null,
  referralAt: null,
};

function cswOpenAt(s: ContactWindowSummary, t: number): boolean {
  return s.lastInboundAt !== null && s.lastInboundAt <= t && t < s.lastInboundAt + WINDOW_MS;
}

function fepActiveAt(s: ContactWindowSummary, t: number): boolean {
  return s.freeEntryPointUntil !== null && t < s.freeEntryPointUntil;
}

/** Whether a business send at `at` opens the free entry point window (a reply within the CSW after a referral). */
export function opensFreeEntryPoint(s: ContactWindowSummary, at: number): boolean {
  return s.referralAt != null && s.referralAt <= at && cswOpenAt(s, at) && !fepActiveAt(s, at);
}

/**
 * Folds one log entry (in time order) into the summary. Customer messages open / reset the window and may
 * carry a referral; a business send consumes the referral, opening the 72-hour FEP window if still in the CSW.
 */
export function updateSummary(s: ContactWindowSummary, entry: LogEntry): ContactWindowSummary {
  if (entry.direction === 'inbound') {
    return {
      lastInboundAt: Math.max(s.lastInboundAt ?? entry.at, entry.at),
      freeEntryPointUntil: s.freeEntryPointUntil,
      referralAt: entry.freeEntryPoint ? entry.at : (s.referralAt ?? null),
    };
  }
  if (entry.kind === 'free_form' && !cswOpenAt(s, entry.at)) return s; // refused by WhatsApp: changes nothing
  if (s.referralAt == null) return s;
  return {
    lastInboundAt: s.lastInboundAt,
    freeEntryPointUntil: opensFreeEntryPoint(s, entry.at)
      ? entry.at + FREE_ENTRY_POINT_MS
      : s.freeEntryPointUntil,
    referralAt: null,
  };
}

/** Window answer from the contact summary alone (no conversations: those need the log). */
export function windowFromSummary(s: ContactWindowSummary, now: number): WindowStatus {
  const last = s.lastInboundAt !== null && s.lastInboundAt <= now ? s.lastInboundAt : null;
  const closesAt = last === null ? null : last + WINDOW_MS;
  const open = closesAt !== null && now < closesAt;
  let freeEntryPoint: FreeEntryPointState | null = null;
  if (fepActiveAt(s, now)) {
    freeEntryPoint = { active: true, closesAt: s.freeEntryPointUntil, awaitingReply: false, replyBy: null };
  } else if (open && s.referralAt != null && s.referralAt <= now) {
    freeEntryPoint = { active: false, closesAt: null, awaitingReply: true, replyBy: closesAt };
  }
  return {
    state: last === null ? 'none' : open ? 'open' : 'closed',
    lastInboundAt: last,
    closesAt,
    freeFormAllowed: open,
    templateRequired: !open,
    freeEntryPoint,
  };
}

export type ProposedSend = { kind: 'template'; category: TemplateCategory } | { kind: 'free_form' };

/** The replayed state of a contact at some instant: summary plus every conversation opened so far. */
export interface Replay {
  summary: ContactWindowSummary;
  conversations: Conversation[];
}

function openAt(conversations: Conversation[], t: number): Conversation[] {
  return conversations.filter((c) => c.openedAt <= t && t < c.closesAt);
}

/**
 * The conversation a send at `at` opens, if any (seed 000): a template opens one of its category unless one is
 * open; a free-form message inside the CSW opens a service conversation unless any conversation is open; a reply
 * to a referral opens the free entry point. Under PMP only the free entry point remains.
 */
export function conversationOpenedBy(r: Replay, send: ProposedSend, at: number): ConversationCategory | null {
  if (send.kind === 'free_form' && !cswOpenAt(r.summary, at)) return null;
  if (fepActiveAt(r.summary, at)) return null;
  if (opensFreeEntryPoint(r.summary, at)) return 'FREE_ENTRY_POINT';
  if (pricingModelAt(at) === 'PMP') return null;
  const open = openAt(r.conversations, at);
  if (send.kind === 'template') return open.some((c) => c.category === send.category) ? null : send.category;
  return open.length === 0 ? 'SERVICE' : null;
}

function applyEntry(r: Replay, entry: LogEntry): Replay {
  let conversations = r.conversations;
  if (entry.direction === 'outbound') {
    const send: ProposedSend =
      entry.kind === 'template' && entry.category
        ? { kind: 'template', category: entry.category }
        : { kind: 'free_form' };
    const opened = conversationOpenedBy(r, send, entry.at);
    if (opened === 'FREE_ENTRY_POINT') {
      // A newly opened free entry point conversation closes the others (seed 000, "Durata delle conversazioni").
      conversations = conversations.map((c) => (c.closesAt > entry.at ? { ...c, closesAt: entry.at } : c));
      conversations = [
        ...conversations,
        { category: opened, openedAt: entry.at, closesAt: entry.at + FREE_ENTRY_POINT_MS },
      ];
    } else if (opened) {
      conversations = [
        ...conversations,
        { category: opened, openedAt: entry.at, closesAt: entry.at + CONVERSATION_MS },
      ];
    }
  }
  return { summary: updateSummary(r.summary, entry), conversations };
}

/** Replays the log up to `now` (entries after `now` are ignored; equal times keep log order). */
export function replay(log: readonly LogEntry[], now: number): Replay {
  const entries = log
    .map((e, i) => [e, i] as const)
    .filter(([e]) => e.at <= now)
    .sort(([a, i], [b, j]) => a.at - b.at || i - j);
  return entries.reduce<Replay>((r, [e]) => applyEntry(r, e), { summary: EMPTY_SUMMARY, conversations: [] });
}

export function computeWindow(log: readonly LogEntry[], now: number): WindowState {
  const r = replay(log, now);
  return { ...windowFromSummary(r.summary, now), openConversations: openAt(r.conversations, now) };
}
