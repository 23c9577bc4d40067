// The admin page (DESIGN.md §1, issue 6): connections, templates with sync, the builder, CM.com manual
// registration, dead letters, and a mount point for the campaigns section.
import { api, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import { ago, renderConnections, wireConnections, type AdminConnection } from './connections';
import { startSession } from './session';
import { exposePageApi } from './page-api';
import { wireBuilder } from './builder';
import { loadAutomations, wireAutomations } from './automations';

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
  /** The provider's newest re-categorisation notice (issue 12 item 4). */
  categoryUpdate?: {
    phase: 'impending' | 'completed';
    nextCategory: string;
    effectiveAt: number | null;
    announcedAt: number;
  } | null;
}

/** "→ marketing on 2026-12-05" (impending) / "was utility, since 2026-12-04" (completed), from the provider. */
function categoryNote(t: AdminTemplate): string {
  const u = t.categoryUpdate;
  if (!u) return '';
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return u.phase === 'impending'
    ? ` → ${u.nextCategory.toLowerCase()} on ${date(u.effectiveAt ?? u.announcedAt)} (Meta)`
    : ` (re-categorised by Meta on ${date(u.announcedAt)})`;
}

let connections: AdminConnection[] = [];

async function loadConnections(): Promise<void> {
  connections = (await api<{ connections: AdminConnection[] }>('/api/connections')).connections;
  renderConnections(connections);
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
            h('td', {}, t.category.toLowerCase() + categoryNote(t)),
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
            ` — ${d.error} (${d.attempts} attempts, ${ago(d.createdAt)}) `,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary redrive',
                'data-dead-letter': d.id,
                onclick: (event: Event) => void redrive(d.id, event.currentTarget as HTMLButtonElement),
              },
              'Try again',
            ),
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

/** Sends a failed delivery back to the queue with a fresh budget (POST /api/dead-letters/:id/redrive). */
async function redrive(id: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await api(`/api/dead-letters/${encodeURIComponent(id)}/redrive`, { method: 'POST' });
    announce('Sent back to the queue: it is delivered as soon as the CRM or provider answers.', 'ok');
    await loadDeadLetters();
  } catch (error) {
    button.disabled = false;
    announce(describeError(error), 'error');
  }
}

/** The campaigns section (another issue) ships its own script; load it when it is served. */
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
    wireConnections(loadConnections);
    wireManual();
    wireBuilder(() => loadTemplates());
    byId('sync-now').addEventListener('click', () => void syncNow());
    byId('templates-connection').addEventListener('change', () => void loadTemplates());
    byId('templates-status').addEventListener('change', () => void loadTemplates());
    byId('refresh-dead-letters').addEventListener('click', () => void loadDeadLetters());
    await loadConnections();
    wireAutomations(session.crm);
    await loadDeadLetters();
    await loadAutomations(session.crm);
    await mountCampaigns();
    announce('');
  } catch (error) {
    announce(error instanceof Error && !('code' in error) ? error.message : describeError(error), 'error');
  }
}

void main();
