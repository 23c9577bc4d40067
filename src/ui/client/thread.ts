// The thread of the sidebar: messages with their ticks (words for screen readers that tell delivered from read),
// failure and retry notes, and one polite announcement when the last message's tick changes.
import { byId, clear, h } from './dom';
import { ticks, type MessageStatus } from './format';
import { formatTime, t } from './i18n';

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  status: MessageStatus;
  error: { reason: string } | null;
  retrying: { attempts: number; nextAttemptAt: number | null; reason: string | null } | null;
  occurredAt: number;
}

let lastKey = '';
let lastOutbound: { id: string; status: MessageStatus } | null = null;

/** Forget the drawn thread (another customer is about to be shown). */
export function resetThread(): void {
  lastKey = '';
  lastOutbound = null;
  clear(byId('thread'));
  byId('ticks-announce').textContent = '';
}

function item(m: Message, now: number): HTMLElement {
  const tick = ticks(m.status);
  const retry = m.retrying;
  const attempt = retry ? `${retry.attempts + 1}${retry.reason ? `: ${retry.reason}` : ''}` : '';
  return h(
    'li',
    { class: `msg msg-${m.direction}`, 'data-status': m.status, 'data-id': m.id },
    h(
      'span',
      { class: 'sr-only' },
      `${t(m.direction === 'inbound' ? 'sidebar.thread.customer' : 'sidebar.thread.you')} `,
    ),
    h('span', { class: 'text' }, m.text),
    h(
      'span',
      { class: 'meta' },
      h('time', { datetime: new Date(m.occurredAt).toISOString() }, formatTime(m.occurredAt, now)),
      m.direction === 'outbound' &&
        h(
          'span',
          { class: `ticks ticks-${m.status}`, title: tick.label },
          h('span', { 'aria-hidden': 'true' }, tick.symbol),
          h('span', { class: 'sr-only ticks-label' }, tick.label),
        ),
    ),
    m.status === 'failed' &&
      h(
        'span',
        { class: 'fail-reason' },
        t('sidebar.thread.notDelivered', { reason: m.error?.reason ?? t('sidebar.thread.unknownReason') }),
      ),
    retry &&
      h(
        'span',
        { class: 'retry-note' },
        retry.nextAttemptAt
          ? t('sidebar.thread.retryingAt', { time: formatTime(retry.nextAttemptAt, now), attempt })
          : t('sidebar.thread.retrying', { attempt }),
      ),
  );
}

/** Draws the thread when it changed; returns the last outbound message (the page clears a stale "sent" with it). */
export function renderThread(messages: Message[], now: number): Message | undefined {
  const sorted = messages.slice().sort((a, b) => a.occurredAt - b.occurredAt);
  const last = sorted.filter((m) => m.direction === 'outbound').at(-1);
  const key = JSON.stringify(messages.map((m) => [m.id, m.status, m.text, m.retrying?.nextAttemptAt]));
  if (key === lastKey) return last;
  lastKey = key;
  const list = byId('thread');
  clear(
    list,
    ...(sorted.length
      ? sorted.map((m) => item(m, now))
      : [h('li', { class: 'empty' }, t('sidebar.thread.empty'))]),
  );
  list.scrollTop = list.scrollHeight;
  // The tick of the message the agent just sent, said once per change: "delivered, not read yet" → "read".
  if (last && lastOutbound?.id === last.id && lastOutbound.status !== last.status) {
    byId('ticks-announce').textContent = t('sidebar.ticks.announce', { status: ticks(last.status).label });
  }
  lastOutbound = last ? { id: last.id, status: last.status } : null;
  return last;
}
