// The composer sidebar (DESIGN.md §1, issue 6): window badge with a live countdown, the thread with ticks,
// free text only while the window is open, otherwise the approved-template picker.
import { api, ApiError, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import {
  formatTime,
  freeEntryPointText,
  ticks,
  windowBadge,
  type MessageStatus,
  type WindowView,
} from './format';
import { startSession, type PageSession } from './session';
import { showPicker, wirePicker } from './picker';
import { exposePageApi } from './page-api';

interface Connection {
  id: string;
  label: string;
  senderPhone: string;
  provider: string;
}
interface WindowAnswer extends WindowView {
  phone: string;
  now: number;
  name: string | null;
  optedOut: boolean;
  /** WhatsApp username (display only) of a customer who may share no phone (issue 11). */
  username?: string | null;
  /** Template categories this customer cannot receive (authentication without a phone). */
  phoneRequiredFor?: string[];
}
interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  status: MessageStatus;
  error: { reason: string } | null;
  retrying: { attempts: number; nextAttemptAt: number | null; reason: string | null } | null;
  occurredAt: number;
}

const POLL_MS = 3_000;
const state = {
  session: null as PageSession | null,
  connectionId: '',
  phone: '',
  contactName: null as string | null,
  window: null as WindowAnswer | null,
  clockOffset: 0,
  clockMeasured: false,
  lastThread: '',
};

const now = () => Date.now() + state.clockOffset;
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

function renderBadge(): void {
  const w = state.window;
  const badge = byId('window-badge');
  if (!w) {
    badge.hidden = true;
    return;
  }
  const { tone, text } = windowBadge(w, now());
  badge.hidden = false;
  badge.dataset.tone = tone;
  badge.textContent = `Window ${text}`;
  const fep = freeEntryPointText(w, now());
  byId('fep-badge').hidden = !fep;
  byId('fep-badge').textContent = fep ?? '';
  const open = tone === 'open';
  const text$ = byId<HTMLTextAreaElement>('message-text');
  if (text$.disabled === open || byId('composer').dataset.state !== tone) applyComposer(open, tone);
}

/** Free text only while the window is open; otherwise point at the template picker, not a dead end. */
function applyComposer(open: boolean, tone: string): void {
  byId('composer').dataset.state = tone;
  const textarea = byId<HTMLTextAreaElement>('message-text');
  textarea.disabled = !open;
  byId<HTMLButtonElement>('send-text').disabled = !open;
  byId('composer-hint').textContent = open
    ? 'The customer wrote in the last 24 hours: you can reply freely.'
    : 'Free text cannot reach this customer now. Pick an approved template below.';
  if (!open) void showPicker(false);
}

function renderThread(messages: Message[]): void {
  const key = JSON.stringify(messages.map((m) => [m.id, m.status, m.text, m.retrying?.nextAttemptAt]));
  if (key === state.lastThread) return;
  state.lastThread = key;
  const list = byId('thread');
  const items = messages
    .slice()
    .sort((a, b) => a.occurredAt - b.occurredAt)
    .map((m) => {
      const t = ticks(m.status);
      const meta = h(
        'span',
        { class: 'meta' },
        h('time', { datetime: new Date(m.occurredAt).toISOString() }, formatTime(m.occurredAt, now())),
        m.direction === 'outbound' &&
          h('span', { class: `ticks ticks-${m.status}`, title: t.label, 'aria-label': t.label }, t.symbol),
      );
      return h(
        'li',
        { class: `msg msg-${m.direction}`, 'data-status': m.status },
        h('span', { class: 'sr-only' }, m.direction === 'inbound' ? 'Customer: ' : 'You: '),
        h('span', { class: 'text' }, m.text),
        meta,
        m.status === 'failed' &&
          h('span', { class: 'fail-reason' }, `Not delivered: ${m.error?.reason ?? 'unknown reason'}`),
        m.retrying &&
          h(
            'span',
            { class: 'retry-note' },
            `Retrying${m.retrying.nextAttemptAt ? ` at ${formatTime(m.retrying.nextAttemptAt, now())}` : ''}` +
              ` (attempt ${m.retrying.attempts + 1}${m.retrying.reason ? `: ${m.retrying.reason}` : ''})`,
          ),
      );
    });
  clear(
    list,
    ...(items.length ? items : [h('li', { class: 'empty' }, 'No messages with this customer yet.')]),
  );
  list.scrollTop = list.scrollHeight;
}

async function refresh(): Promise<void> {
  if (!state.phone || !state.connectionId) return;
  const phone = encodeURIComponent(state.phone);
  const query = q({ connectionId: state.connectionId });
  const [w, thread] = await Promise.all([
    api<WindowAnswer>(`/api/contacts/${phone}/window?${query}`),
    api<{ messages: Message[] }>(`/api/contacts/${phone}/messages?${query}&limit=30`),
  ]);
  // Measured once: the countdown then runs on the browser's clock, whatever the polling does.
  if (!state.clockMeasured) {
    state.clockOffset = w.now - Date.now();
    state.clockMeasured = true;
  }
  state.window = w;
  state.contactName = w.name ?? state.contactName;
  // A username customer has no phone to show: their @username (and the BSUID they are reached by) instead.
  const shown = w.username ? `@${w.username}` : (w.phone ?? state.phone);
  byId('contact-name').textContent = state.contactName ? `${state.contactName} · ${shown}` : shown;
  renderBadge();
  renderThread(thread.messages);
}

async function send(content: unknown, button: HTMLButtonElement): Promise<boolean> {
  button.disabled = true;
  try {
    await api('/api/messages', {
      method: 'POST',
      body: {
        connectionId: state.connectionId,
        to: state.phone,
        content,
        customerName: state.contactName ?? undefined,
      },
    });
    announce('Sent. The ticks update as WhatsApp reports delivery.', 'ok');
    await refresh();
    return true;
  } catch (error) {
    announce(describeError(error), 'error');
    if (error instanceof ApiError && error.code === 'template_required') await refresh().catch(() => {});
    return false;
  } finally {
    button.disabled = false;
  }
}

interface PanelContext {
  state: string;
  message: string;
  person: { name: string; phones: { e164: string | null }[] } | null;
  defaultPhone: string | null;
}

/** Pipedrive panel: the person (or the deal's person) the panel is open on gives the name and the phones. */
async function contactFromCrm(session: PageSession): Promise<void> {
  if (session.crm !== 'pipedrive' || !(session.contactId || session.dealId)) return;
  try {
    const context = await api<PanelContext>('/api/crm/person');
    state.contactName = context.person?.name ?? null;
    if (!state.phone && context.defaultPhone) state.phone = context.defaultPhone;
    const phones = (context.person?.phones ?? []).map((p) => p.e164).filter((p): p is string => !!p);
    clear(byId('phone-options'), ...phones.map((p) => h('option', { value: p })));
    if (context.state !== 'ready') announce(context.message);
  } catch (error) {
    // The agent can still type the number.
    announce(describeError(error), 'error');
  }
}

function wire(): void {
  byId('contact-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.phone = byId<HTMLInputElement>('phone').value.trim();
    state.connectionId = byId<HTMLSelectElement>('connection').value;
    state.lastThread = '';
    refresh().catch((error) => announce(describeError(error), 'error'));
    if (!byId('picker').hidden) void showPicker(false);
  });
  byId('connection').addEventListener('change', () =>
    byId('contact-form').dispatchEvent(new Event('submit', { cancelable: true })),
  );
  byId('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const textarea = byId<HTMLTextAreaElement>('message-text');
    const text = textarea.value.trim();
    if (!text) return announce('Write a message first.', 'error');
    if (await send({ type: 'text', text }, byId<HTMLButtonElement>('send-text'))) textarea.value = '';
  });
  wirePicker({
    connectionId: () => state.connectionId,
    contactName: () => state.contactName,
    unavailableCategories: () => state.window?.phoneRequiredFor ?? [],
    send,
  });
}

async function main(): Promise<void> {
  wire();
  announce('Connecting…');
  try {
    state.session = await startSession({ devMode: document.body.dataset.dev === 'true', surface: 'panel' });
    exposePageApi(state.session);
    const { connections } = await api<{ connections: Connection[] }>('/api/connections');
    if (connections.length === 0)
      return announce('No WhatsApp number is connected yet: ask an admin to connect one.', 'error');
    const select = byId<HTMLSelectElement>('connection');
    clear(select, ...connections.map((c) => h('option', { value: c.id }, `${c.label} (${c.senderPhone})`)));
    const wanted = new URL(location.href).searchParams.get('connectionId');
    state.connectionId = connections.some((c) => c.id === wanted) ? wanted! : connections[0]!.id;
    select.value = state.connectionId;
    // By phone, or by BSUID for a customer known only by WhatsApp username (`?bsuid=`, issue 11). Not `userId`:
    // Pipedrive's panel URL carries its own user's id under that name.
    const params = new URL(location.href).searchParams;
    state.phone = params.get('phone') || params.get('bsuid') || '';
    announce('');
    await contactFromCrm(state.session);
    byId<HTMLInputElement>('phone').value = state.phone;
    if (!state.phone) {
      announce('Enter the customer’s WhatsApp number.');
      byId('phone').focus();
    } else await refresh();
  } catch (error) {
    announce(error instanceof ApiError ? describeError(error) : (error as Error).message, 'error');
    return;
  }
  setInterval(renderBadge, 1_000);
  setInterval(() => {
    if (document.visibilityState === 'visible') refresh().catch(() => {});
  }, POLL_MS);
}

void main();
