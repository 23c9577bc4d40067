// The template gallery (issue 14): each template as the customer sees it (a WhatsApp bubble), its status and a
// rejection reason in words, with "Edit and resubmit" into the builder. "Sync now" only where the provider has a
// template list to sync; registration by hand where it has none.
import type { Template } from '../../core/template';
import { previewTemplate } from '../../core/template-preview';
import { api, describeError } from './api';
import { t, hasText } from './admin-text';
import { navigate } from './admin-nav';
import { loadIntoBuilder } from './builder';
import { ago, type AdminConnection } from './connections';
import { byId, clear, h } from './dom';
import { lang } from './i18n';
import { languageName } from './languages';

export type GalleryTemplate = Template & {
  id: string;
  syncedAt: number | null;
  updatedAt: number;
  rejectionReason?: string | null;
  /** The provider's newest re-categorisation notice (issue 12 item 4). */
  categoryUpdate?: {
    phase: 'impending' | 'completed';
    nextCategory: string;
    effectiveAt: number | null;
    announcedAt: number;
  } | null;
};

const formatDate = (ms: number) => new Intl.DateTimeFormat(lang(), { dateStyle: 'medium' }).format(ms);

/** "→ marketing from 5 Dec 2026" (impending) / "re-categorised on 4 Dec 2026" (completed), from the provider. */
function categoryNote(template: GalleryTemplate): string {
  const u = template.categoryUpdate;
  if (!u) return '';
  return u.phase === 'impending'
    ? t('admin.templates.categoryImpending', {
        category: u.nextCategory.toLowerCase(),
        date: formatDate(u.effectiveAt ?? u.announcedAt),
      })
    : t('admin.templates.categoryChanged', { date: formatDate(u.announcedAt) });
}

let connectionsById = new Map<string, AdminConnection>();

export function setConnections(list: AdminConnection[]): void {
  connectionsById = new Map(list.map((c) => [c.id, c]));
}

const selected = () => connectionsById.get(byId<HTMLSelectElement>('templates-connection').value);

/** "PROMOTIONAL" or Twilio's "INVALID_FORMAT. Facebook is not able…" → words, with the provider's own text after. */
export function reasonInWords(raw: string): string[] {
  const match = /^([A-Z_]+)[.:]?\s*(.*)$/s.exec(raw.trim());
  const code = match?.[1] ?? '';
  const rest = match?.[2]?.trim() ?? raw.trim();
  const key = `admin.reason.${code}`;
  const words = hasText(key) ? t(key) : t('admin.reason.other');
  const extra = hasText(key) ? rest : raw.trim();
  return extra ? [words, t('admin.reason.providerSays', { text: extra })] : [words];
}

function statusWords(status: string): string {
  const key = `admin.status.${status}`;
  return hasText(key) ? t(key) : t('admin.status.other', { status: status.toLowerCase() });
}

function card(template: GalleryTemplate, canSubmit: boolean): HTMLElement {
  const bubble = h('div', { class: 'bubble-wrap' });
  // previewTemplate escapes every text before formatting: no template text ever becomes markup.
  bubble.innerHTML = previewTemplate(template);
  const reason =
    template.status === 'REJECTED' || template.status === 'PAUSED' ? (template.rejectionReason ?? '') : '';
  const resubmit = canSubmit && (template.status === 'REJECTED' || template.status === 'PAUSED');
  return h(
    'li',
    { class: 'template-card card', 'data-template': template.name, 'data-status': template.status },
    h('h3', {}, template.name),
    h(
      'p',
      { class: 'hint tags' },
      `${languageName(template.language)} · ${template.category.toLowerCase()}${categoryNote(template)} · `,
      template.source === 'manual'
        ? t('admin.templates.manualSource')
        : t('admin.templates.syncedSource', { ago: ago(template.syncedAt ?? template.updatedAt) }),
    ),
    h(
      'p',
      {},
      h('span', { class: `pill pill-${template.status.toLowerCase()}` }, statusWords(template.status)),
    ),
    reason || template.status === 'REJECTED'
      ? h('div', { class: 'reason' }, ...reasonInWords(reason).map((line) => h('p', {}, line)))
      : null,
    bubble,
    resubmit
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': t('admin.templates.editLabel', { name: template.name }),
            onclick: () => {
              loadIntoBuilder(template, template.id && selected()?.id);
              navigate('#builder');
            },
          },
          t('admin.templates.edit'),
        )
      : null,
  );
}

export async function loadTemplates(): Promise<void> {
  const connection = selected();
  const gallery = byId('templates-gallery');
  const canSync = connection?.capabilities?.listTemplates ?? true;
  byId('sync-now').hidden = !connection || !canSync;
  byId('templates-synced').hidden = !canSync;
  if (!connection) {
    clear(gallery, h('li', { class: 'empty' }, t('admin.templates.connectFirst')));
    return;
  }
  const status = byId<HTMLSelectElement>('templates-status').value;
  const query = new URLSearchParams({ connectionId: connection.id, ...(status ? { status } : {}) });
  const answer = await api<{ templates: GalleryTemplate[]; templatesSyncedAt: number | null }>(
    `/api/templates?${query}`,
  );
  byId('templates-synced').textContent = t('admin.templates.lastSynced', {
    ago: ago(answer.templatesSyncedAt),
  });
  const canSubmit = connection.capabilities?.submitTemplate ?? false;
  clear(
    gallery,
    ...(answer.templates.length
      ? answer.templates.map((tpl) => card(tpl, canSubmit))
      : [h('li', { class: 'empty' }, canSync ? t('admin.templates.none') : t('admin.templates.noneManual'))]),
  );
  if (!canSync) byId('sync-summary').textContent = t('admin.templates.noSync');
  else if (byId('sync-summary').textContent === t('admin.templates.noSync'))
    byId('sync-summary').textContent = '';
}

export async function syncNow(reload: () => Promise<void>): Promise<void> {
  const button = byId<HTMLButtonElement>('sync-now');
  const out = byId('sync-summary');
  button.disabled = true;
  out.textContent = t('admin.templates.syncing');
  try {
    const s = await api<{ added: number; updated: number; removed: number; unchanged: number }>(
      '/api/templates/sync',
      { method: 'POST', body: { connectionId: selected()?.id } },
    );
    out.textContent = t('admin.templates.syncDone', { ...s });
    out.dataset.tone = 'ok';
    await reload();
  } catch (error) {
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  } finally {
    button.disabled = false;
  }
}
