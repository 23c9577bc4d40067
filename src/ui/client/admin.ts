// The admin page (DESIGN.md §1, issues 6 and 14): sections behind a navigation (admin-nav.ts) — connections,
// the template gallery (templates.ts) with registration by hand, the builder, campaigns (their own script, loaded
// when the section opens), failed deliveries, settings (automations).
import { api, ApiError, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import { ago, renderConnections, wireConnections, type AdminConnection } from './connections';
import { t } from './admin-text';
import { t as common } from './i18n';
import { onRoute, wireNavigation } from './admin-nav';
import { clearFieldErrors, showFieldErrors, type FieldDetail } from './field-errors';
import { fillLanguageSelects } from './languages';
import { loadTemplates, setConnections, syncNow } from './templates';
import { startSession } from './session';
import { exposePageApi } from './page-api';
import { wireBuilder } from './builder';
import { loadAutomations, wireAutomations } from './automations';

let connections: AdminConnection[] = [];

async function loadConnections(): Promise<void> {
  connections = (await api<{ connections: AdminConnection[] }>('/api/connections')).connections;
  renderConnections(connections);
  setConnections(connections);
  // Each picker lists the numbers it can act on: the builder those whose provider takes submissions, the
  // registration by hand those without a template list (their templates are approved in the provider's portal).
  const canList = (c: AdminConnection) => c.capabilities?.listTemplates ?? c.provider !== 'cm';
  const canSubmit = (c: AdminConnection) => c.capabilities?.submitTemplate ?? c.provider !== 'cm';
  for (const [id, usable] of [
    ['templates-connection', () => true],
    ['builder-connection', canSubmit],
    ['manual-connection', (c: AdminConnection) => !canList(c)],
  ] as const) {
    const select = byId<HTMLSelectElement>(id);
    const previous = select.value;
    const list = connections.filter(usable);
    clear(select, ...list.map((c) => h('option', { value: c.id }, `${c.label} (${c.senderPhone})`)));
    if (list.some((c) => c.id === previous)) select.value = previous;
  }
  const manualTargets = connections.filter((c) => !canList(c));
  byId('manual-none').hidden = manualTargets.length > 0;
  byId('manual-template').hidden = manualTargets.length === 0;
  await loadTemplates();
}

const MANUAL_FIELDS: Record<string, string> = {
  namespace: 'manual-namespace',
  elementName: 'manual-element',
  language: 'manual-language',
  category: 'manual-category',
  body: 'manual-body',
  footer: 'manual-footer',
};

function wireManual(): void {
  byId<HTMLFormElement>('manual-template').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (k: string) => String(data.get(k) ?? '').trim();
    const out = byId('manual-result');
    clearFieldErrors(form);
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
      out.textContent = t('admin.manual.registered', { name: r.template.name });
      out.dataset.tone = 'ok';
      form.reset();
      await loadTemplates();
    } catch (error) {
      const details =
        error instanceof ApiError && Array.isArray(error.details) ? (error.details as FieldDetail[]) : [];
      const left = showFieldErrors(form, details, (path) => {
        const id = MANUAL_FIELDS[path];
        return id ? byId(id) : null;
      });
      out.textContent =
        details.length && !left.length ? common('errors.invalid_request') : describeError(error);
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
            ` — ${d.error} (${t('admin.deliveries.attempts', { attempts: d.attempts, ago: ago(d.createdAt) })}) `,
            h(
              'button',
              {
                type: 'button',
                class: 'secondary redrive',
                'data-dead-letter': d.id,
                onclick: (event: Event) => void redrive(d.id, event.currentTarget as HTMLButtonElement),
              },
              t('admin.deliveries.retry'),
            ),
          ),
        )
      : [h('li', { class: 'empty' }, t('admin.deliveries.none'))]),
  );
}

/** Sends a failed delivery back to the queue with a fresh budget (POST /api/dead-letters/:id/redrive). */
async function redrive(id: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    await api(`/api/dead-letters/${encodeURIComponent(id)}/redrive`, { method: 'POST' });
    announce(t('admin.deliveries.requeued'), 'ok');
    await loadDeadLetters();
  } catch (error) {
    button.disabled = false;
    announce(describeError(error), 'error');
  }
}

/** The campaigns section ships its own script, fetched the first time the section is opened. */
function mountCampaigns(): void {
  const section = byId('campaigns');
  const src = section.dataset.script;
  if (!src || section.dataset.loaded) return;
  section.dataset.loaded = 'true';
  document.head.append(h('script', { src, defer: true }));
}

async function main(): Promise<void> {
  announce(common('common.connecting'));
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
    fillLanguageSelects();
    byId('sync-now').addEventListener('click', () => void syncNow(loadConnections));
    byId('templates-connection').addEventListener('change', () => void loadTemplates());
    byId('templates-status').addEventListener('change', () => void loadTemplates());
    byId('refresh-dead-letters').addEventListener('click', () => void loadDeadLetters());
    onRoute((route) => {
      if (route.section === 'campaigns') mountCampaigns();
    });
    wireNavigation();
    await loadConnections();
    wireAutomations(session.crm);
    await loadDeadLetters();
    await loadAutomations(session.crm);
    announce('');
  } catch (error) {
    announce(error instanceof Error && !('code' in error) ? error.message : describeError(error), 'error');
  }
}

void main();
