// The composer sidebar (DESIGN.md §1, issues 6 and 14): the customer header (collapsed once the customer is
// known), the window badge with a live countdown and urgency, the thread with ticks, free text only while the
// window is open, otherwise the approved-template picker at the top. Send is impossible while the phone field holds
// another number than the customer shown: the field applies on Enter or when it loses focus.
import { api, ApiError, describeError } from './api';
import { renderComposer, resetComposer, sendBlocker, wireComposer } from './composer';
import { announce, byId, clear, h } from './dom';
import {
  freeEntryPointText,
  marketingStoppedText,
  templateRequired,
  windowAnnouncement,
  windowBadge,
  type WindowTone,
  type WindowView,
} from './format';
import { supportedLanguage } from '../i18n/index';
import { switchLanguage, t } from './i18n';
import { exposePageApi } from './page-api';
import { hidePicker, refreshPicker, wirePicker } from './picker';
import { startSession, type PageSession } from './session';
import { renderThread, resetThread, type Message } from './thread';

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
  /** The customer's WhatsApp marketing preference (issue 12), null when they never changed it. */
  marketingOptOut?: { stopped: boolean; at: number } | null;
  /** WhatsApp username (display only) of a customer who may share no phone (issue 11). */
  username?: string | null;
  /** Template categories this customer cannot receive (authentication without a phone). */
  phoneRequiredFor?: string[];
  contact?: { phone: string | null };
}

const POLL_MS = 3_000;
const state = {
  session: null as PageSession | null,
  connectionId: '',
  /** The customer shown (as applied from the field); '' = none. */
  phone: '',
  /** The CRM's name for the customer: it wins over the WhatsApp profile name. */
  crmName: null as string | null,
  window: null as WindowAnswer | null,
  tone: null as WindowTone | null,
  clockOffset: 0,
  clockMeasured: false,
  /** Bumped by every lookup: a late answer for a previous customer is dropped. */
  lookup: 0,
  /** The message whose "sent" notice is on screen: cleared if it fails. */
  sentId: null as string | null,
};

const now = () => Date.now() + state.clockOffset;
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
/** Spaces, dashes, dots and brackets do not make another number. */
const sameNumber = (a: string, b: string) => a.replace(/[\s().-]/g, '') === b.replace(/[\s().-]/g, '');

function numberPending(): boolean {
  const typed = byId<HTMLInputElement>('phone').value.trim();
  return !!state.phone && !byId('contact-form').hidden && !sameNumber(typed, state.phone);
}

const composerView = () => ({
  tone: state.phone && state.window ? state.tone : null,
  numberPending: numberPending(),
});

function update(): void {
  renderComposer(composerView());
  refreshPicker();
}

function contactName(): string | null {
  return state.crmName ?? state.window?.name ?? null;
}

function renderBadge(): void {
  const w = state.window;
  const badge = byId('window-badge');
  if (!w || !state.phone) {
    badge.hidden = true;
    byId('fep-badge').hidden = true;
    byId('marketing-badge').hidden = true;
    return;
  }
  const { tone, text } = windowBadge(w, now());
  badge.hidden = false;
  badge.dataset.tone = tone;
  badge.textContent = text;
  const fep = freeEntryPointText(w, now());
  byId('fep-badge').hidden = !fep;
  byId('fep-badge').textContent = fep ?? '';
  const stopped = marketingStoppedText(w.marketingOptOut);
  byId('marketing-badge').hidden = !stopped;
  byId('marketing-badge').textContent = stopped ?? '';
  if (tone !== state.tone) {
    // Screen readers hear the window's state changes, not every second of the countdown.
    if (state.tone !== null) byId('window-announce').textContent = windowAnnouncement(tone);
    state.tone = tone;
    update();
  }
}

function renderHeader(w: WindowAnswer): void {
  // A username customer has no phone to show: their @username (and the BSUID they are reached by) instead.
  const shown = w.username ? `@${w.username}` : (w.phone ?? state.phone);
  const name = contactName();
  byId('contact-name').textContent = name ? `${name} · ${shown}` : shown;
}

/** The customer header collapses to one line once a customer is shown (room for the picker in small panels). */
function collapseForm(collapsed: boolean): void {
  byId('contact-form').hidden = collapsed;
  byId('customer-summary').hidden = !collapsed && !state.phone;
  byId('change-customer').hidden = !collapsed;
  byId('change-customer').setAttribute('aria-expanded', String(!collapsed));
}

/** Nothing of the previous customer stays on screen. */
function clearCustomer(): void {
  state.phone = '';
  state.window = null;
  state.tone = null;
  state.sentId = null;
  resetThread();
  resetComposer();
  clear(byId('contact-name'));
  byId('customer-summary').hidden = true;
  byId('window-announce').textContent = '';
  renderBadge();
  hidePicker();
}

async function refresh(lookup = state.lookup): Promise<void> {
  if (!state.phone || !state.connectionId) return;
  const phone = encodeURIComponent(state.phone);
  const query = q({ connectionId: state.connectionId });
  const [w, thread] = await Promise.all([
    api<WindowAnswer>(`/api/contacts/${phone}/window?${query}`),
    api<{ messages: Message[] }>(`/api/contacts/${phone}/messages?${query}&limit=30`),
  ]);
  if (lookup !== state.lookup) return;
  // Measured once: the countdown then runs on the browser's clock, whatever the polling does.
  if (!state.clockMeasured) {
    state.clockOffset = w.now - Date.now();
    state.clockMeasured = true;
  }
  state.window = w;
  renderHeader(w);
  renderBadge();
  const last = renderThread(thread.messages, now());
  // A "sent" notice never outlives the message's failure.
  if (state.sentId && last?.id === state.sentId && last.status === 'failed') {
    byId('composer-status').textContent = '';
    if (byId('status').dataset.tone === 'ok') announce('');
    state.sentId = null;
  }
  update();
}

/** Shows the customer typed in the field (Enter, blur, or the button); a failed lookup leaves no one shown. */
async function apply(): Promise<void> {
  const typed = byId<HTMLInputElement>('phone').value.trim();
  const connectionId = byId<HTMLSelectElement>('connection').value;
  if (typed === state.phone && connectionId === state.connectionId && state.window) {
    collapseForm(true);
    update();
    return;
  }
  const lookup = ++state.lookup;
  clearCustomer();
  announce('');
  byId('phone-error').textContent = '';
  byId('phone').setAttribute('aria-invalid', 'false');
  state.connectionId = connectionId;
  if (!typed) {
    update();
    return announce(t('sidebar.enterNumber'));
  }
  state.phone = typed;
  try {
    await refresh(lookup);
    if (lookup === state.lookup) collapseForm(true);
  } catch (error) {
    if (lookup !== state.lookup) return;
    clearCustomer();
    const message = describeError(error, { phone: t('sidebar.phone.label') });
    if (error instanceof ApiError && error.code === 'invalid_request') {
      // Next to the field, with the fix: "add the country code, e.g. +39".
      byId('phone-error').textContent = message;
      byId('phone').setAttribute('aria-invalid', 'true');
      byId('phone').focus();
    } else announce(message, 'error');
  }
  update();
}

async function send(content: unknown, button: HTMLButtonElement, errorEl: HTMLElement): Promise<boolean> {
  const blocker = sendBlocker({ ...composerView(), tone: state.tone ?? 'none' });
  if (numberPending() || !state.phone) {
    errorEl.textContent = blocker || t('sidebar.reply.noCustomer');
    return false;
  }
  errorEl.textContent = '';
  button.disabled = true;
  try {
    const answer = await api<{ message: { id: string } }>('/api/messages', {
      method: 'POST',
      body: {
        connectionId: state.connectionId,
        to: state.phone,
        content,
        customerName: contactName() ?? undefined,
      },
    });
    state.sentId = answer.message.id;
    const notice = byId('reply').hidden ? null : byId('composer-status');
    if (notice) notice.textContent = t('sidebar.reply.sent');
    else announce(t('sidebar.reply.sent'), 'ok');
    await refresh();
    return true;
  } catch (error) {
    errorEl.textContent = describeError(error, {
      'content.text': t('sidebar.reply.messageField'),
      to: t('sidebar.phone.label'),
    });
    if (error instanceof ApiError && error.code === 'template_required') await refresh().catch(() => {});
    return false;
  } finally {
    button.disabled = false;
    update();
  }
}

interface PanelContext {
  state: string;
  message: string;
  person: { name: string; phones: { e164: string | null }[] } | null;
  defaultPhone: string | null;
}

/** Pipedrive panel: the person (or the deal's person) the panel is open on gives the name and the phones. */
async function contactFromCrm(session: PageSession): Promise<string | null> {
  if (session.crm !== 'pipedrive' || !(session.contactId || session.dealId)) return null;
  try {
    const context = await api<PanelContext>('/api/crm/person');
    state.crmName = context.person?.name ?? null;
    const phones = (context.person?.phones ?? []).map((p) => p.e164).filter((p): p is string => !!p);
    clear(byId('phone-options'), ...phones.map((p) => h('option', { value: p })));
    if (context.state !== 'ready') announce(context.message);
    return context.defaultPhone;
  } catch (error) {
    // The agent can still type the number.
    announce(describeError(error), 'error');
    return null;
  }
}

function wire(): void {
  const phone = byId<HTMLInputElement>('phone');
  byId('contact-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void apply();
  });
  // Blur applies too (the `change` event): the customer shown is always the number in the field.
  phone.addEventListener('change', () => void apply());
  phone.addEventListener('input', () => {
    byId('phone-error').textContent = '';
    phone.setAttribute('aria-invalid', 'false');
    update();
  });
  phone.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !state.window) return;
    // Escape puts the shown customer's number back and folds the form again.
    phone.value = state.phone;
    collapseForm(true);
    update();
    byId('change-customer').focus();
  });
  byId('connection').addEventListener('change', () => void apply());
  byId('change-customer').addEventListener('click', () => {
    collapseForm(false);
    phone.focus();
    phone.select();
    update();
  });
  byId('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const textarea = byId<HTMLTextAreaElement>('message-text');
    const text = textarea.value.trim();
    if (!text) return void (byId('composer-error').textContent = t('sidebar.reply.writeFirst'));
    if (await send({ type: 'text', text }, byId<HTMLButtonElement>('send-text'), byId('composer-error'))) {
      textarea.value = '';
      update();
    }
  });
  wireComposer(update);
  wirePicker(
    {
      connectionId: () => state.connectionId,
      customerPhone: () =>
        state.window?.contact?.phone ?? (state.window?.username ? null : (state.window?.phone ?? null)),
      contactFields: () => ({ fullName: contactName(), phone: state.window?.contact?.phone ?? null }),
      unavailableCategories: () => state.window?.phoneRequiredFor ?? [],
      sendBlocker: () =>
        !state.phone
          ? t('sidebar.reply.noCustomer')
          : numberPending()
            ? t('sidebar.reply.numberPending')
            : '',
      send,
    },
    () => state.tone !== null && !templateRequired(state.tone),
  );
}

async function main(): Promise<void> {
  wire();
  update();
  announce(t('common.connecting'));
  try {
    state.session = await startSession({ devMode: document.body.dataset.dev === 'true', surface: 'panel' });
    // The CRM user's language wins over the browser's the page was rendered in (Pipedrive tells its user's locale).
    const crmLanguage = supportedLanguage(state.session.language);
    if (crmLanguage && (await switchLanguage(crmLanguage))) document.title = t('sidebar.title');
    exposePageApi(state.session);
    const { connections } = await api<{ connections: Connection[] }>('/api/connections');
    if (connections.length === 0) return announce(t('sidebar.noConnections'), 'error');
    const select = byId<HTMLSelectElement>('connection');
    clear(select, ...connections.map((c) => h('option', { value: c.id }, `${c.label} (${c.senderPhone})`)));
    const params = new URL(location.href).searchParams;
    const wanted = params.get('connectionId');
    select.value = connections.some((c) => c.id === wanted) ? wanted! : connections[0]!.id;
    // By phone, or by BSUID for a customer known only by WhatsApp username (`?bsuid=`, issue 11). Not `userId`:
    // Pipedrive's panel URL carries its own user's id under that name.
    const linked = params.get('phone') || params.get('bsuid') || '';
    announce('');
    const crmPhone = await contactFromCrm(state.session);
    byId<HTMLInputElement>('phone').value = linked || crmPhone || '';
    if (!byId<HTMLInputElement>('phone').value) {
      announce(t('sidebar.enterNumber'));
      byId('phone').focus();
    } else await apply();
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
