// Words for times, windows and ticks, shared by the sidebar and its tests. Pure: `now` is always passed in.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "5 h 12 min", "12 min", "less than a minute". */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** "just now", "12 min ago", "30 h ago", "3 days ago". */
export function formatAgo(ms: number): string {
  if (ms < MINUTE) return 'just now';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} days ago`;
}

export interface WindowView {
  state: 'open' | 'closed' | 'none';
  lastInboundAt: number | null;
  closesAt: number | null;
  freeFormAllowed: boolean;
  freeEntryPoint: {
    active: boolean;
    closesAt: number | null;
    awaitingReply: boolean;
    replyBy: number | null;
  } | null;
}

/** The badge text for the customer service window (DESIGN.md §3.1). */
export function windowBadge(w: WindowView, now: number): { tone: 'open' | 'closed' | 'none'; text: string } {
  if (w.state === 'open' && w.closesAt !== null && now < w.closesAt) {
    return { tone: 'open', text: `open — closes in ${formatDuration(w.closesAt - now)}` };
  }
  if (w.state === 'none' || w.lastInboundAt === null) {
    return { tone: 'none', text: 'no conversation yet: a template is required' };
  }
  return {
    tone: 'closed',
    text: `closed — last message ${formatAgo(now - w.lastInboundAt)}: a template is required`,
  };
}

/** The free entry point line, when the customer came from an ad or a Page button (price, not permission). */
export function freeEntryPointText(w: WindowView, now: number): string | null {
  const fep = w.freeEntryPoint;
  if (!fep) return null;
  if (fep.active && fep.closesAt !== null && now < fep.closesAt) {
    return `free entry point — messages are free for ${formatDuration(fep.closesAt - now)}`;
  }
  if (fep.awaitingReply && fep.replyBy !== null && now < fep.replyBy) {
    return `came from an ad — reply within ${formatDuration(fep.replyBy - now)} to open 72 free hours`;
  }
  return null;
}

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Delivery ticks as WhatsApp shows them, with words for screen readers. */
export function ticks(status: MessageStatus): { symbol: string; label: string } {
  switch (status) {
    case 'pending':
      return { symbol: '🕓', label: 'sending' };
    case 'sent':
      return { symbol: '✓', label: 'sent' };
    case 'delivered':
      return { symbol: '✓✓', label: 'delivered' };
    case 'read':
      return { symbol: '✓✓', label: 'read' };
    case 'failed':
      return { symbol: '!', label: 'failed' };
    default:
      return { symbol: '', label: String(status) };
  }
}

export function formatTime(at: number, now: number): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return now - at < DAY && new Date(now).getDate() === d.getDate()
    ? time
    : `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}
