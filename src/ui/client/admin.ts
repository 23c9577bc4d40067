// The admin page (DESIGN.md §1, issue 6): connections, templates with sync, the builder, CM.com manual
// registration, dead letters, and a mount point for the campaigns section.
import { api, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import { formatAgo } from './format';
import { startSession } from './session';
import { exposePageApi } from './page-api';
import { wireBuilder } from './builder';

export interface AdminConnection {
  id: string;
  provider: 'meta' | 'twilio' | 'cm';
  label: string;
  senderPhone: string;
  status: string;
  templatesSyncedAt: number | null;
  credentials?: Record<string, unknown>;
  webhookUrl?: string;
  verifyToken?: string | null;
}
interface AdminTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  rejectionReason?: string | null;
  syncedAt: number | null;
  updatedAt: number;
  source: string;
}

const PROVIDER_NAMES = { meta: 'Meta Cloud API', twilio: 'Twilio', cm: 'CM.com' } as const;
let connections: AdminConnection[] = [];

const ago = (at: number | null) => (at ? formatAgo(Date.now() - at) : 'never');

function copyField(id: string, label: string, value: string): HTMLElement {
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
          'aria-label': `Copy ${label}`,
          onclick: () => {
            input.select();
            void navigator.clipboard?.writeText(value).then(() => announce(`${label} copied.`, 'ok'));
          },
        },
        'Copy',
      ),
    ),
  );
}

function renderConnections(): void {
  const list = byId('connection-list');
  if (connections.length === 0) {
    clear(list, h('p', { class: 'empty' }, 'No WhatsApp number yet: add one below.'));
    return;
  }
  clear(
    list,
    ...connections.map((c, i) => {
      const result = h('p', { class: 'result', id: `conn-${i}-result`, role: 'status' });
      return h(
        'article',
        { class: 'card', 'data-connection': c.id },
        h('h3', {}, `${c.label} · ${PROVIDER_NAMES[c.provider]} · ${c.senderPhone}`),
        c.webhookUrl
          ? copyField(`conn-${i}-webhook`, 'Webhook URL (paste in the provider console)', c.webhookUrl)
          : null,
        c.verifyToken ? copyField(`conn-${i}-verify`, 'Verify token', c.verifyToken) : null,
        h('p', { class: 'hint' }, `Templates synced ${ago(c.templatesSyncedAt)}.`),
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => void testConnection(c, result) },
            'Test',
          ),
          h('button', { type: 'button', class: 'danger', onclick: () => void removeConnection(c) }, 'Remove'),
        ),
        result,
      );
    }),
  );
}

async function testConnection(c: AdminConnection, out: HTMLElement): Promise<void> {
  out.textContent = 'Testing…';
  try {
    const r = await api<{ ok: boolean; message?: string }>(`/api/connections/${c.id}/test`, {
      method: 'POST',
    });
    out.textContent = r.ok
      ? 'The credentials work.'
      : `The provider refused: ${r.message ?? 'unknown reason'}`;
    out.dataset.tone = r.ok ? 'ok' : 'error';
  } catch (error) {
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  }
}

async function removeConnection(c: AdminConnection): Promise<void> {
  if (!confirm(`Remove ${c.label} (${c.senderPhone})? Messages to and from this number stop.`)) return;
  try {
    await api(`/api/connections/${c.id}`, { method: 'DELETE' });
    announce(`${c.label} removed.`, 'ok');
    await loadConnections();
  } catch (error) {
    announce(describeError(error), 'error');
  }
}

async function loadConnections(): Promise<void> {
  connections = (await api<{ connections: AdminConnection[] }>('/api/connections')).connections;
  renderConnections();
  for (const id of ['templates-connection', 'builder-connection', 'manual-connection']) {
    const select = byId<HTMLSelectElement>(id);
    const previous = select.value;
    const usable = connections.filter((c) =>
      id === 'manual-connection'
        ? c.provider === 'cm'
        : id === 'builder-connection'
          ? c.provider !== 'cm'
          : true,
    );
    clear(select, ...usable.map((c) => h('option', { value: c.id }, `${c.label} (${c.senderPhone})`)));
    if (usable.some((c) => c.id === previous)) select.value = previous;
  }
  byId('manual-none').hidden = connections.some((c) => c.provider === 'cm');
  await loadTemplates();
}

function wireAddConnection(): void {
  const provider = byId<HTMLSelectElement>('new-provider');
  const showFields = () => {
    for (const p of ['meta', 'twilio', 'cm']) {
      const set = byId<HTMLFieldSetElement>(`fields-${p}`);
      set.hidden = p !== provider.value;
      set.disabled = p !== provider.value;
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
    out.textContent = 'Checking the credentials with the provider…';
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
      out.textContent = 'Connected. Paste the webhook URL above into the provider console.';
      out.dataset.tone = 'ok';
      await loadConnections();
    } catch (error) {
      out.textContent = describeError(error);
      out.dataset.tone = 'error';
    }
  });
}

async function loadTemplates(): Promise<void> {
  const connectionId = byId<HTMLSelectElement>('templates-connection').value;
  const body = byId('templates-body');
  if (!connectionId) {
    clear(body, h('tr', {}, h('td', { colspan: 6 }, 'Connect a number first.')));
    return;
  }
  const status = byId<HTMLSelectElement>('templates-status').value;
  const query = new URLSearchParams({ connectionId, ...(status ? { status } : {}) });
  const answer = await api<{ templates: AdminTemplate[]; templatesSyncedAt: number | null }>(
    `/api/templates?${query}`,
  );
  byId('templates-synced').textContent = `Last synced ${ago(answer.templatesSyncedAt)}.`;
  clear(
    body,
    ...(answer.templates.length
      ? answer.templates.map((t) =>
          h(
            'tr',
            { 'data-template': t.name, 'data-status': t.status },
            h('td', {}, t.name),
            h('td', {}, t.language),
            h('td', {}, t.category.toLowerCase()),
            h('td', {}, h('span', { class: `pill pill-${t.status.toLowerCase()}` }, t.status.toLowerCase())),
            h(
              'td',
              { class: 'reason' },
              t.rejectionReason && t.rejectionReason !== 'NONE' ? t.rejectionReason : '',
            ),
            h('td', {}, t.source === 'manual' ? 'registered by hand' : ago(t.syncedAt ?? t.updatedAt)),
          ),
        )
      : [h('tr', {}, h('td', { colspan: 6 }, 'No templates: press “Sync now”.'))]),
  );
}

async function syncNow(): Promise<void> {
  const button = byId<HTMLButtonElement>('sync-now');
  const out = byId('sync-summary');
  button.disabled = true;
  out.textContent = 'Syncing…';
  try {
    const s = await api<{ added: number; updated: number; removed: number; unchanged: number }>(
      '/api/templates/sync',
      {
        method: 'POST',
        body: { connectionId: byId<HTMLSelectElement>('templates-connection').value },
      },
    );
    out.textContent = `Sync done: ${s.added} added, ${s.updated} updated, ${s.removed} removed, ${s.unchanged} unchanged.`;
    out.dataset.tone = 'ok';
    await loadConnections();
  } catch (error) {
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  } finally {
    button.disabled = false;
  }
}

function wireManual(): void {
  byId<HTMLFormElement>('manual-template').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (k: string) => String(data.get(k) ?? '').trim();
    const out = byId('manual-result');
    try {
      const r = await api<{ template: { name: string } }>('/api/templates/manual', {
        method: 'POST',
        body: {
          connectionId: byId<HTMLSelectElement>('manual-connection').value,
          namespace: value('namespace'),
          elementName: value('elementName'),
          language: value('language'),
          category: value('category'),
          body: value('body'),
          ...(value('footer') ? { footer: value('footer') } : {}),
        },
      });
      out.textContent = `Registered ${r.template.name}: agents can send it now.`;
      out.dataset.tone = 'ok';
      form.reset();
      await loadTemplates();
    } catch (error) {
      out.textContent = describeError(error);
      out.dataset.tone = 'error';
    }
  });
}

async function loadDeadLetters(): Promise<void> {
  const list = byId('dead-letters');
  const { deadLetters } = await api<{
    deadLetters: { id: string; jobType: string; error: string; attempts: number; createdAt: number }[];
  }>('/api/dead-letters');
  clear(
    list,
    ...(deadLetters.length
      ? deadLetters.map((d) =>
          h(
            'li',
            {},
            h('strong', {}, d.jobType.replace(/_/g, ' ')),
            ` — ${d.error} (${d.attempts} attempts, ${ago(d.createdAt)})`,
          ),
        )
      : [
          h(
            'li',
            { class: 'empty' },
            'Nothing failed for good. Deliveries that exhaust their retries appear here.',
          ),
        ]),
  );
}

/** The campaigns section (another issue) ships its own script; load it when the Worker serves one. */
async function mountCampaigns(): Promise<void> {
  const section = byId('campaigns');
  const src = section.dataset.script;
  if (!src) return;
  const res = await fetch(src, { method: 'HEAD' }).catch(() => null);
  if (!res?.ok) return;
  section.hidden = false;
  document.head.append(h('script', { src, defer: true }));
}

async function main(): Promise<void> {
  announce('Connecting…');
  try {
    const session = await startSession({
      devMode: document.body.dataset.dev === 'true',
      surface: 'settings',
    });
    exposePageApi(session);
    if (session.role !== 'admin') {
      announce('This page is for admins: ask an account admin to open it.', 'error');
      return;
    }
    wireAddConnection();
    wireManual();
    wireBuilder(() => loadTemplates());
    byId('sync-now').addEventListener('click', () => void syncNow());
    byId('templates-connection').addEventListener('change', () => void loadTemplates());
    byId('templates-status').addEventListener('change', () => void loadTemplates());
    byId('refresh-dead-letters').addEventListener('click', () => void loadDeadLetters());
    await loadConnections();
    await loadDeadLetters();
    await mountCampaigns();
    announce('');
  } catch (error) {
    announce(error instanceof Error && !('code' in error) ? error.message : describeError(error), 'error');
  }
}

void main();
