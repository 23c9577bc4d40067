// Words for the window, free entry point and ticks, shared by the sidebar and its tests. Pure: `now` is always
// passed in; words come from the page language's catalogue and Intl (./i18n).
import { formatAgo, formatDateTime, formatDuration, t } from './i18n';

export { formatAgo, formatDuration, formatTime } from './i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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

/**
 * open: more than an hour left; soon (amber): under an hour; urgent (red): under 10 minutes, with seconds in the
 * last minute; closed / none: a template is required.
 */
export type WindowTone = 'open' | 'soon' | 'urgent' | 'closed' | 'none';

export const templateRequired = (tone: WindowTone) => tone === 'closed' || tone === 'none';

/** The badge for the customer service window (DESIGN.md §3.1), with its urgency. */
export function windowBadge(w: WindowView, now: number): { tone: WindowTone; text: string } {
  if (w.state === 'open' && w.closesAt !== null && now < w.closesAt) {
    const left = w.closesAt - now;
    const tone = left < 10 * MINUTE ? 'urgent' : left < HOUR ? 'soon' : 'open';
    return { tone, text: t('sidebar.window.open', { duration: formatDuration(left) }) };
  }
  if (w.state === 'none' || w.lastInboundAt === null) {
    return { tone: 'none', text: t('sidebar.window.none') };
  }
  return { tone: 'closed', text: t('sidebar.window.closed', { ago: formatAgo(now - w.lastInboundAt) }) };
}

/** What a screen reader hears when the window changes state (never on every tick of the countdown). */
export function windowAnnouncement(tone: WindowTone): string {
  switch (tone) {
    case 'open':
      return t('sidebar.window.announceOpen');
    case 'soon':
      return t('sidebar.window.announceSoon');
    case 'urgent':
      return t('sidebar.window.announceUrgent');
    default:
      return t('sidebar.window.announceClosed');
  }
}

/** The free entry point line, when the customer came from an ad or a Page button (price, not permission). */
export function freeEntryPointText(w: WindowView, now: number): string | null {
  const fep = w.freeEntryPoint;
  if (!fep) return null;
  if (fep.active && fep.closesAt !== null && now < fep.closesAt) {
    return t('sidebar.fep.active', { duration: formatDuration(fep.closesAt - now) });
  }
  if (fep.awaitingReply && fep.replyBy !== null && now < fep.replyBy) {
    return t('sidebar.fep.awaiting', { duration: formatDuration(fep.replyBy - now) });
  }
  return null;
}

/** The customer stopped marketing messages inside WhatsApp (issue 12): marketing only, the rest still goes. */
export function marketingStoppedText(
  optOut: { stopped: boolean; at: number } | null | undefined,
): string | null {
  return optOut?.stopped ? t('sidebar.marketingStopped', { date: formatDateTime(optOut.at) }) : null;
}

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Delivery ticks as WhatsApp shows them, with distinct words for screen readers (delivered ≠ read). */
export function ticks(status: MessageStatus): { symbol: string; label: string } {
  switch (status) {
    case 'pending':
      return { symbol: '🕓', label: t('sidebar.ticks.pending') };
    case 'sent':
      return { symbol: '✓', label: t('sidebar.ticks.sent') };
    case 'delivered':
      return { symbol: '✓✓', label: t('sidebar.ticks.delivered') };
    case 'read':
      return { symbol: '✓✓', label: t('sidebar.ticks.read') };
    case 'failed':
      return { symbol: '!', label: t('sidebar.ticks.failed') };
    default:
      return { symbol: '', label: String(status) };
  }
}
