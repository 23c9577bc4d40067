// The connections section of the admin page: each number with the webhook URL to paste into the provider console
// (Meta: a note instead — its webhook is the platform's), test and remove; and the form that connects a new number.
import { api, ApiError, describeError } from './api';
import { hasText, t } from './admin-text';
import { clearFieldErrors, showFieldErrors, type FieldDetail } from './field-errors';
import { announce, byId, clear, h } from './dom';
import { formatAgo } from './format';
import { t as common, formatNumber } from './i18n';

const copyWord = () => common('common.copy');

export interface AdminConnection {
  id: string;
  provider: string;
  /** The provider's name for people ("Meta Cloud API"), from its module. */
  providerLabel: string;
  label: string;
  senderPhone: string;
  status: string;
  /** CM.com: false until the number's one-time code came back (#17 item 10). */
  verified?: boolean;
  templatesSyncedAt: number | null;
  credentials?: Record<string, unknown>;
  webhookUrl?: string;
  /** Meta: the platform's app-level webhook, nothing for the admin to paste. */
  webhookNote?: string;
  /** Issue 12 item 2: the limit applied, and whether the provider reported it or an admin typed it. */
  messagingLimit?: {
    limit: number | null;
    source: 'provider' | 'manual' | null;
    unlimited: boolean;
    reported: number | null;
    reportedUnlimited: boolean;
    businessPortfolioId: string | null;
    manual: number | null;
  };
  /** What the page offers for the number: "Sync now" (listTemplates), the builder (submitTemplate). */
  capabilities?: { listTemplates: boolean; submitTemplate: boolean };
}

export const ago = (at: number | null) => (at ? formatAgo(Date.now() - at) : t('admin.connection.never'));

/** Called after a number is added or removed: the page reloads what depends on the list. */
let onChanged: () => Promise<void> = async () => {};

export function copyField(id: string, label: string, value: string): HTMLElement {
  const input = h('input', {
    id,
    type: 'text',
    readonly: true,
    value,
    class: 'copy-value',
  }) as HTMLInputElement;
  return h(
    'div',
    { class: 'field copy' },
    h('label', { for: id }, label),
    h(
      'div',
      { class: 'row' },
      input,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': `${copyWord()} ${label}`,
          onclick: () => {
            input.select();
            void navigator.clipboard?.writeText(value).then(() => announce(`${label} copied.`, 'ok'));
          },
        },
        copyWord(),
      ),
    ),
  );
}

export function renderConnections(connections: AdminConnection[]): void {
  const list = byId('connection-list');
  if (connections.length === 0) {
    clear(list, h('p', { class: 'empty' }, t('admin.connection.none')));
    return;
  }
  clear(
    list,
    ...connections.map((c, i) => {
      const result = h('p', { class: 'result', id: `conn-${i}-result`, role: 'status' });
      return h(
        'article',
        { class: 'card', 'data-connection': c.id },
        h('h3', {}, `${c.label} · ${c.providerLabel} · ${c.senderPhone}`),
        // After an uninstall the number stays with its history but without credentials (they are never kept).
        c.status === 'disabled'
          ? h('p', { class: 'hint', 'data-tone': 'error' }, t('admin.connection.disabled'))
          : null,
        c.verified === false && c.status !== 'disabled' ? proofForm(c, i) : null,
        c.webhookNote
          ? h(
              'p',
              { class: 'hint' },
              hasText(`admin.webhookNote.${c.provider}`)
                ? t(`admin.webhookNote.${c.provider}` as 'admin.webhookNote.meta')
                : c.webhookNote,
            )
          : null,
        c.webhookUrl && !c.webhookNote
          ? copyField(`conn-${i}-webhook`, t('admin.connection.webhookUrl'), c.webhookUrl)
          : null,
        h('p', { class: 'hint' }, t('admin.connection.synced', { ago: ago(c.templatesSyncedAt) })),
        c.messagingLimit ? limitField(c, i) : null,
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => void testConnection(c, result) },
            t('admin.connection.test'),
          ),
          h(
            'button',
            { type: 'button', class: 'danger', onclick: () => void removeConnection(c) },
            t('admin.connection.remove'),
          ),
        ),
        result,
      );
    }),
  );
}

/**
 * A CM.com number waits for its proof of ownership (CM.com lists no senders): a one-time code sent from the number
 * to the admin's WhatsApp, typed back here.
 */
function proofForm(c: AdminConnection, i: number): HTMLElement {
  const phone = h('input', { id: `conn-${i}-proof-phone`, type: 'tel', placeholder: '+31612345678' });
  const code = h('input', { id: `conn-${i}-proof-code`, type: 'text', inputmode: 'numeric' });
  const out = h('p', { class: 'result', role: 'status' });
  const run = async (path: string, body: unknown, done: string) => {
    try {
      await api(`/api/connections/${c.id}/${path}`, { method: 'POST', body });
      out.textContent = done;
      out.dataset.tone = 'ok';
      if (path.endsWith('confirm')) await onChanged();
    } catch (error) {
      out.textContent = describeError(error);
      out.dataset.tone = 'error';
    }
  };
  return h(
    'div',
    { class: 'field' },
    h('p', { class: 'hint', 'data-tone': 'error' }, t('admin.proof.pending')),
    h('label', { for: `conn-${i}-proof-phone` }, t('admin.proof.phone')),
    h(
      'div',
      { class: 'row' },
      phone,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () =>
            void run('verification', { phone: (phone as HTMLInputElement).value }, t('admin.proof.sent')),
        },
        t('admin.proof.send'),
      ),
    ),
    h('label', { for: `conn-${i}-proof-code` }, t('admin.proof.code')),
    h(
      'div',
      { class: 'row' },
      code,
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            void run(
              'verification/confirm',
              { code: (code as HTMLInputElement).value.trim() },
              t('admin.proof.proven'),
            ),
        },
        t('admin.proof.confirm'),
      ),
    ),
    out,
  );
}

/** The messaging limit, "from Meta" or "manual", and the admin's override (empty + Save clears it). */
function limitText(c: AdminConnection): string {
  const m = c.messagingLimit!;
  const from = c.provider === 'meta' ? 'Meta' : c.providerLabel;
  const reported = m.reportedUnlimited
    ? t('admin.limit.unlimited')
    : m.reported == null
      ? ''
      : formatNumber(m.reported);
  const limit = m.limit == null ? '' : formatNumber(m.limit);
  const shared = m.businessPortfolioId
    ? ' ' + t('admin.limit.shared', { portfolio: m.businessPortfolioId })
    : '';
  if (m.source === 'manual')
    return (
      t(reported ? 'admin.limit.manualReported' : 'admin.limit.manual', { limit, from, reported }) + shared
    );
  if (m.source === 'provider')
    return (
      (m.unlimited
        ? t('admin.limit.providerUnlimited', { from })
        : t('admin.limit.provider', { limit, from })) + shared
    );
  return t('admin.limit.unknown');
}

function limitField(c: AdminConnection, i: number): HTMLElement {
  const id = `conn-${i}-limit`;
  const input = h('input', {
    id,
    type: 'number',
    min: '1',
    step: '1',
    value: c.messagingLimit?.manual === null ? '' : String(c.messagingLimit?.manual ?? ''),
    placeholder: t('admin.limit.placeholder'),
  }) as HTMLInputElement;
  const out = h('p', { class: 'hint limit-result', role: 'status' });
  const save = async () => {
    const value = input.value.trim();
    try {
      await api(`/api/connections/${c.id}/messaging-limit`, {
        method: 'PUT',
        body: { messagingTier: value === '' ? null : Number(value) },
      });
      out.textContent = t(value === '' ? 'admin.limit.cleared' : 'admin.limit.saved');
      out.dataset.tone = 'ok';
      await onChanged();
    } catch (error) {
      out.textContent = describeError(error);
      out.dataset.tone = 'error';
    }
  };
  return h(
    'div',
    { class: 'field' },
    h('p', { class: 'hint', 'data-limit-source': c.messagingLimit?.source ?? 'none' }, limitText(c)),
    h('label', { for: id }, t('admin.limit.label')),
    h(
      'div',
      { class: 'row' },
      input,
      h('button', { type: 'button', class: 'secondary', onclick: () => void save() }, t('admin.limit.save')),
    ),
    out,
  );
}

async function testConnection(c: AdminConnection, out: HTMLElement): Promise<void> {
  out.textContent = t('admin.connection.testing');
  try {
    const r = await api<{ ok: boolean; message?: string }>(`/api/connections/${c.id}/test`, {
      method: 'POST',
    });
    out.textContent = r.ok
      ? t('admin.connection.works')
      : t('admin.connection.refused', { message: r.message ?? '—' });
    out.dataset.tone = r.ok ? 'ok' : 'error';
  } catch (error) {
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  }
}

async function removeConnection(c: AdminConnection): Promise<void> {
  if (!confirm(t('admin.connection.confirmRemove', { label: c.label, phone: c.senderPhone }))) return;
  try {
    await api(`/api/connections/${c.id}`, { method: 'DELETE' });
    announce(`${c.label} removed.`, 'ok');
    await onChanged();
  } catch (error) {
    announce(describeError(error), 'error');
  }
}

export function wireConnections(changed: () => Promise<void>): void {
  onChanged = changed;
  const provider = byId<HTMLSelectElement>('new-provider');
  // One fieldset per provider module, rendered by the server (admin-forms.tsx): only the chosen one is sent.
  const showFields = () => {
    for (const set of document.querySelectorAll<HTMLFieldSetElement>('fieldset[id^="fields-"]')) {
      set.hidden = set.disabled = set.id !== `fields-${provider.value}`;
    }
  };
  provider.addEventListener('change', showFields);
  showFields();
  byId<HTMLFormElement>('add-connection').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const credentials: Record<string, string> = {};
    for (const [key, value] of data) {
      if (key.startsWith('cred.') && String(value).trim()) credentials[key.slice(5)] = String(value).trim();
    }
    const out = byId('add-result');
    out.textContent = t('admin.connection.checking');
    out.dataset.tone = 'info';
    clearFieldErrors(form);
    try {
      await api('/api/connections', {
        method: 'POST',
        body: {
          label: String(data.get('label') ?? '').trim(),
          senderPhone: String(data.get('senderPhone') ?? '').trim(),
          provider: provider.value,
          credentials,
        },
      });
      form.reset();
      showFields();
      out.textContent = t('admin.connection.connected');
      out.dataset.tone = 'ok';
      await onChanged();
    } catch (error) {
      out.textContent = formError(form, error);
      out.dataset.tone = 'error';
    }
  });
}

/** The API's field details go under their inputs; the form's own line says what is left, once. */
function formError(form: HTMLFormElement, error: unknown): string {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request' || !Array.isArray(error.details))
    return describeError(error);
  const inputFor = (path: string): HTMLElement | null => {
    const name = path.startsWith('credentials.') ? `cred.${path.slice('credentials.'.length)}` : path;
    return (
      [...form.querySelectorAll<HTMLInputElement>(`[name="${CSS.escape(name)}"]`)].find(
        (el) => !el.disabled,
      ) ?? null
    );
  };
  const left = showFieldErrors(form, error.details as FieldDetail[], inputFor);
  if (left.length) return left.map((d) => d.message).join(' ');
  // The envelope's generic words ("Invalid body") add nothing to the marked fields.
  return /^Invalid (request|body)$/.test(error.message) ? t('admin.connection.fixFields') : error.message;
}
