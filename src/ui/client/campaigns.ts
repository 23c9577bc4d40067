// The admin page's campaigns section (issues 7 and 14), its own script (public/ui/assets/campaigns.<hash>.js),
// loaded by admin.ts the first time the section opens; it talks to the API through `window.wabridge` (the
// page's session-bound client). Name the campaign, pick a number and an approved template, choose a CSV, see
// the preflight with every row that will not be sent and why, start, follow each campaign's progress; a
// campaign's own page (#campaign/<id>, campaign-page.ts) draws its funnel, its sends over time and its cost.
import { parseRoute } from './admin-nav';
import { t, hasText } from './admin-text';
import { showCampaignPage } from './campaign-page';
import {
  campaignActions,
  errorText,
  finished,
  progressBar,
  wb,
  type CampaignAnswer,
  type CampaignSummary,
} from './campaign-view';
import { reportsPanel } from './campaign-reports';
import { clear, h } from './dom';
import { languageName } from './languages';

interface Preflight {
  sendable: number;
  valid: number;
  duplicates: number;
  invalid: { count: number; rows: { row: number; input: string; reason: string }[] };
  optedOut: { count: number; phones: string[] };
  missingVariables: { count: number; rows: { row: number; phone: string; missing: string[] }[] };
  estimate: { total: number; currency: string; billable: number };
  tier: {
    fits: boolean;
    room: number | null;
    scheduledByOtherCampaigns: number;
    policy: string;
    days: number;
    scope?: 'number' | 'portfolio';
  };
}

const root = document.getElementById('campaigns-root');
const field = (id: string, label: string, control: HTMLElement) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), control);

function mount(rootEl: HTMLElement): void {
  const name = h('input', {
    id: 'campaign-name',
    type: 'text',
    maxlength: '200',
    placeholder: t('admin.campaigns.namePlaceholder'),
  }) as HTMLInputElement;
  const connection = h('select', { id: 'campaign-connection' }) as HTMLSelectElement;
  const template = h('select', { id: 'campaign-template' }) as HTMLSelectElement;
  const file = h('input', { id: 'campaign-csv', type: 'file', accept: '.csv,text/csv' }) as HTMLInputElement;
  const policy = h(
    'select',
    { id: 'campaign-policy' },
    h('option', { value: 'refuse' }, t('admin.campaigns.tierRefuse')),
    h('option', { value: 'spread' }, t('admin.campaigns.tierSpread')),
  ) as HTMLSelectElement;
  const check = h(
    'button',
    { type: 'button', id: 'campaign-preflight', class: 'secondary' },
    t('admin.campaigns.check'),
  );
  const start = h(
    'button',
    { type: 'button', id: 'campaign-start', disabled: true },
    t('admin.campaigns.start'),
  );
  const status = h('p', { id: 'campaign-status', role: 'status', 'aria-live': 'polite' });
  const preflightBox = h('div', { id: 'campaign-preflight-result' });
  const list = h('ul', { id: 'campaign-list', class: 'campaign-list' });
  const reports = reportsPanel();
  const overview = h(
    'div',
    { id: 'campaigns-overview' },
    h('p', { class: 'hint' }, t('admin.campaigns.csvHint')),
    h(
      'div',
      { class: 'grid' },
      field('campaign-name', t('admin.campaigns.name'), name),
      field('campaign-connection', t('admin.campaigns.number'), connection),
      field('campaign-template', t('admin.campaigns.template'), template),
      field('campaign-csv', t('admin.campaigns.csv'), file),
      field('campaign-policy', t('admin.campaigns.tier'), policy),
    ),
    h('div', { class: 'row actions' }, check, start),
    status,
    preflightBox,
    h('h3', { id: 'campaign-list-title' }, t('admin.campaigns.list')),
    list,
    reports.root,
  );
  const page = h('div', { id: 'campaign-page', hidden: true });
  rootEl.append(overview, page);

  const say = (text: string, tone = 'info') => {
    status.textContent = text;
    status.dataset.tone = tone;
  };

  async function body(dryRun: boolean) {
    const chosen = file.files?.[0];
    if (!chosen) throw new Error(t('admin.campaigns.chooseCsv'));
    return {
      connectionId: connection.value,
      templateId: template.value,
      csv: await chosen.text(),
      overTierPolicy: policy.value,
      dryRun,
      ...(name.value.trim() ? { name: name.value.trim() } : {}),
    };
  }

  check.addEventListener('click', async () => {
    (start as HTMLButtonElement).disabled = true;
    say(t('admin.campaigns.checking'));
    try {
      const data = await wb().api<{ preflight: Preflight }>('/api/campaigns', {
        method: 'POST',
        body: await body(true),
      });
      clear(preflightBox, ...showPreflight(data.preflight));
      (start as HTMLButtonElement).disabled = data.preflight.sendable === 0;
      say(t('admin.campaigns.checked'));
    } catch (e) {
      say(errorText(e), 'error');
    }
  });
  start.addEventListener('click', async () => {
    (start as HTMLButtonElement).disabled = true;
    say(t('admin.campaigns.starting'));
    try {
      const data = await wb().api<CampaignAnswer>('/api/campaigns', {
        method: 'POST',
        body: await body(false),
      });
      list.querySelector('.empty')?.remove();
      list.prepend(campaignRow(data.campaign));
      say(t('admin.campaigns.started'), 'ok');
    } catch (e) {
      say(errorText(e), 'error');
      (start as HTMLButtonElement).disabled = false;
    }
  });

  let loading = 0;
  async function loadTemplates() {
    const mine = ++loading;
    if (!connection.value) return template.replaceChildren();
    const data = await wb().api<{
      templates: { id: string; name: string; language: string; category: string }[];
    }>(`/api/templates?status=APPROVED&connectionId=${encodeURIComponent(connection.value)}`);
    // Only the latest request fills the list (a change while the first list loads must not mix the two).
    if (mine !== loading) return;
    template.replaceChildren(
      ...data.templates.map((x) =>
        h('option', { value: x.id }, `${x.name} (${languageName(x.language)}, ${x.category.toLowerCase()})`),
      ),
    );
  }
  connection.addEventListener('change', () => void loadTemplates().catch((e) => say(errorText(e), 'error')));

  const route = () => {
    const r = parseRoute(location.hash);
    overview.hidden = !!r.campaignId;
    page.hidden = !r.campaignId;
    if (r.campaignId) showCampaignPage(page, r.campaignId);
  };
  window.addEventListener('hashchange', route);
  route();

  async function init() {
    const conns = await wb().api<{ connections: { id: string; label: string; senderPhone: string }[] }>(
      '/api/connections',
    );
    for (const c of conns.connections)
      connection.append(h('option', { value: c.id }, `${c.label} ${c.senderPhone}`));
    await loadTemplates();
    const existing = await wb().api<{ campaigns: CampaignSummary[] }>('/api/campaigns');
    clear(
      list,
      ...(existing.campaigns.length
        ? existing.campaigns.map(campaignRow)
        : [h('li', { class: 'empty' }, t('admin.campaigns.none'))]),
    );
    reports.load();
  }
  const go = () => void init().catch((e) => say(errorText(e), 'error'));
  if (window.wabridge) go();
  else window.addEventListener('wabridge:session', go, { once: true });
}

/** The preflight: the counts in a sentence each, then every row that will not be sent, with its reason. */
function showPreflight(p: Preflight): HTMLElement[] {
  const cost = new Intl.NumberFormat(document.documentElement.lang || 'en', {
    style: 'currency',
    currency: p.estimate.currency,
  }).format(p.estimate.total);
  const tier = p.tier.fits
    ? t('admin.campaigns.tierFits')
    : t('admin.campaigns.tierOver', { room: p.tier.room ?? 0 }) +
      (p.tier.scheduledByOtherCampaigns
        ? t(
            p.tier.scope === 'portfolio'
              ? 'admin.campaigns.tierOthersPortfolio'
              : 'admin.campaigns.tierOthers',
            {
              n: p.tier.scheduledByOtherCampaigns,
            },
          )
        : '') +
      (p.tier.policy === 'spread' ? t('admin.campaigns.tierDays', { days: p.tier.days }) : '');
  const summary = h(
    'ul',
    { class: 'preflight' },
    h(
      'li',
      {},
      t('admin.campaigns.sendable', { sendable: p.sendable, valid: p.valid, duplicates: p.duplicates }),
    ),
    h(
      'li',
      {},
      t('admin.campaigns.notSendable', {
        invalid: p.invalid.count,
        optedOut: p.optedOut.count,
        missing: p.missingVariables.count,
      }),
    ),
    h('li', {}, t('admin.campaigns.estimate', { cost, billable: p.estimate.billable })),
    h('li', {}, tier),
  );
  const rows: { row: number | null; input: string; reason: string }[] = [
    ...p.invalid.rows.map((r) => {
      const key = `admin.campaigns.reason.${r.reason}`;
      return { row: r.row, input: r.input, reason: hasText(key) ? t(key) : r.reason };
    }),
    ...p.missingVariables.rows.map((r) => ({
      row: r.row,
      input: r.phone,
      reason: t('admin.campaigns.reason.missing', { variables: r.missing.join(', ') }),
    })),
    ...p.optedOut.phones.map((phone) => ({
      row: null,
      input: phone,
      reason: t('admin.campaigns.reason.optedOut'),
    })),
  ].sort((a, b) => (a.row ?? Infinity) - (b.row ?? Infinity));
  if (!rows.length) return [summary];
  const total = p.invalid.count + p.missingVariables.count + p.optedOut.count;
  return [
    summary,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'campaign-bad-rows' },
        h('caption', {}, t('admin.campaigns.badRows')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...(['row', 'input', 'reason'] as const).map((c) =>
              h('th', { scope: 'col' }, t(`admin.campaigns.${c}`)),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, r.row === null ? '—' : String(r.row)),
              h('td', {}, r.input),
              h('td', {}, r.reason),
            ),
          ),
        ),
      ),
    ),
    total > rows.length
      ? h('p', { class: 'hint' }, t('admin.campaigns.badRowsMore', { shown: rows.length, total }))
      : null,
  ].filter((x): x is HTMLElement => !!x);
}

/** One campaign in the list: its name (a link to its page), a wide progress bar, the actions; polled until done. */
function campaignRow(c: CampaignSummary): HTMLElement {
  const status = h('p', { class: 'result', role: 'status' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    clearTimeout(timer);
    void load();
  };
  const bar = progressBar(c.name);
  const actions = campaignActions(status, refresh);
  const row = h(
    'li',
    { 'data-campaign': c.id, class: 'card' },
    h('h4', {}, h('a', { href: `#campaign/${encodeURIComponent(c.id)}` }, c.name)),
    bar.root,
    actions.root,
    status,
  );
  async function load() {
    try {
      const data = await wb().api<CampaignAnswer>(`/api/campaigns/${encodeURIComponent(c.id)}`);
      bar.update(data);
      actions.update(data);
      row.dataset.status = data.campaign.status;
      row.dataset.percent = String(data.progress.percent);
      if (!finished(data.campaign.status)) timer = setTimeout(load, 1000);
    } catch (e) {
      status.textContent = errorText(e);
      timer = setTimeout(load, 5000);
    }
  }
  void load();
  return row;
}

if (root && !root.dataset.mounted) {
  root.dataset.mounted = '1';
  mount(root);
}
