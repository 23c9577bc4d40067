// A campaign's own page (#campaign/<id>, issue 14): its progress and actions, the funnel by state (sent →
// delivered → read, failed, capped) as bars, sends and deliveries over time (charts.ts, loaded on first use) with
// the numbers in a table, and the cost estimated before the start next to the one the provider reported.
// Everything from GET /api/campaigns/:id/stats, refreshed until the campaign is finished.
import { t } from './admin-text';
import type { ChartsApi, TimeSeries } from './charts';
import {
  campaignActions,
  errorText,
  finished,
  progressBar,
  wb,
  type CampaignSummary,
  type Progress,
} from './campaign-view';
import { clear, h } from './dom';

interface Stats {
  campaign: CampaignSummary;
  progress: Progress;
  funnel: Record<'sent' | 'delivered' | 'read' | 'failed' | 'capped', number>;
  timeline: {
    bucketMs: number;
    at: number[];
    sent: number[];
    delivered: number[];
    read: number[];
    failed: number[];
  };
  cost: { estimated: Progress['estimatedCost']; reported: Progress['actualCost'] };
}

const FUNNEL = ['sent', 'delivered', 'read', 'failed', 'capped'] as const;
const SERIES = ['sent', 'delivered', 'read', 'failed'] as const;
const COLOURS = {
  sent: '--accent',
  delivered: '--ok',
  read: '--read',
  failed: '--err',
  capped: '--none',
} as const;
const colour = (state: keyof typeof COLOURS) =>
  getComputedStyle(document.documentElement).getPropertyValue(COLOURS[state]).trim();
const locale = () => document.documentElement.lang || 'en';

let charts: Promise<ChartsApi> | null = null;
function loadCharts(): Promise<ChartsApi> {
  charts ??= new Promise((resolve, reject) => {
    const src = document.getElementById('campaigns')?.dataset.charts;
    if (!src) return reject(new Error('charts.js is not on the page'));
    const script = h('script', { src }) as HTMLScriptElement;
    script.addEventListener('load', () =>
      window.wabridgeCharts ? resolve(window.wabridgeCharts) : reject(),
    );
    script.addEventListener('error', () => reject(new Error('charts.js did not load')));
    document.head.append(script);
  });
  return charts;
}

/** Horizontal bars as a list: each says its label and number in text; the bar only shows the proportion. */
function bars(
  id: string,
  items: { key: string; label: string; value: number; text: string; color: string }[],
  max: number,
) {
  return h(
    'ul',
    { id, class: 'bars' },
    ...items.map((i) =>
      h(
        'li',
        { 'data-key': i.key, 'data-value': String(i.value) },
        h('span', { class: 'bar-label' }, i.label),
        h(
          'span',
          { class: 'bar-track', 'aria-hidden': 'true' },
          h('span', {
            class: 'bar-fill',
            style: `width:${max > 0 ? Math.round((i.value * 100) / max) : 0}%;background:${i.color}`,
          }),
        ),
        h('span', { class: 'bar-value' }, i.text),
      ),
    ),
  );
}

let shown = 0;

export function showCampaignPage(page: HTMLElement, id: string): void {
  const mine = ++shown;
  const status = h('p', { class: 'result', role: 'status' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    clearTimeout(timer);
    void load();
  };
  const title = h('h3', { id: 'campaign-page-title', tabindex: '-1' });
  const bar = progressBar('');
  const actions = campaignActions(status, refresh);
  const funnel = h('div');
  const chartBox = h('div', { class: 'time-chart', role: 'img' });
  const chartTable = h('div', { class: 'table-wrap' });
  const cost = h('div');
  let chart: { update(data: TimeSeries): void } | null = null;
  clear(
    page,
    h('p', {}, h('a', { href: '#campaigns' }, `← ${t('admin.campaigns.back')}`)),
    title,
    bar.root,
    actions.root,
    status,
    h('figure', { id: 'campaign-funnel' }, h('figcaption', {}, t('admin.campaigns.funnel')), funnel),
    h(
      'figure',
      { id: 'campaign-timeline' },
      h('figcaption', {}, t('admin.campaigns.overTime')),
      chartBox,
      h('details', {}, h('summary', {}, t('admin.campaigns.showNumbers')), chartTable),
    ),
    h('figure', { id: 'campaign-cost' }, h('figcaption', {}, t('admin.campaigns.cost')), cost),
  );

  async function load() {
    if (mine !== shown) return;
    try {
      const s = await wb().api<Stats>(`/api/campaigns/${encodeURIComponent(id)}/stats`);
      if (mine !== shown) return;
      page.dataset.status = s.campaign.status;
      title.textContent = s.campaign.name;
      bar.root
        .querySelector('progress')
        ?.setAttribute('aria-label', t('admin.campaigns.progressOf', { name: s.campaign.name }));
      bar.update(s);
      actions.update(s);
      renderFunnel(s);
      await renderTimeline(s);
      renderCost(s);
      page.dataset.loaded = 'true';
      if (!finished(s.campaign.status)) timer = setTimeout(load, 1500);
    } catch (e) {
      status.textContent = errorText(e);
      status.dataset.tone = 'error';
    }
  }

  function renderFunnel(s: Stats) {
    const total = s.progress.total;
    const pct = new Intl.NumberFormat(locale(), { style: 'percent' });
    clear(
      funnel,
      bars(
        'campaign-funnel-bars',
        FUNNEL.map((k) => ({
          key: k,
          label: t(`admin.campaigns.funnel.${k}`),
          value: s.funnel[k],
          text: `${s.funnel[k]} (${pct.format(total ? s.funnel[k] / total : 0)})`,
          color: colour(k),
        })),
        total,
      ),
    );
  }

  async function renderTimeline(s: Stats) {
    const series = SERIES.map((k) => ({
      label: t(`admin.campaigns.funnel.${k}`),
      values: s.timeline[k],
      color: colour(k),
    }));
    const sum = (k: (typeof SERIES)[number]) => s.timeline[k].reduce((a, b) => a + b, 0);
    chartBox.setAttribute(
      'aria-label',
      `${t('admin.campaigns.overTime')}: ${SERIES.map((k) => `${t(`admin.campaigns.funnel.${k}`)} ${sum(k)}`).join(', ')}`,
    );
    const time = new Intl.DateTimeFormat(locale(), {
      hour: '2-digit',
      minute: '2-digit',
      ...(s.timeline.bucketMs < 60_000 ? { second: '2-digit' } : {}),
      ...(s.timeline.bucketMs >= 86_400_000 ? { day: 'numeric', month: 'short' } : {}),
    });
    clear(
      chartTable,
      h(
        'table',
        { id: 'campaign-timeline-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('admin.campaigns.time')),
            ...series.map((x) => h('th', { scope: 'col' }, x.label)),
          ),
        ),
        h(
          'tbody',
          {},
          ...s.timeline.at.map((at, i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, time.format(at)),
              ...SERIES.map((k) => h('td', {}, String(s.timeline[k][i]))),
            ),
          ),
        ),
      ),
    );
    if (!s.timeline.at.length) {
      chartBox.textContent = t('admin.campaigns.overTimeEmpty');
      return;
    }
    const data = { at: s.timeline.at, series };
    if (chart) chart.update(data);
    else {
      chartBox.textContent = '';
      chart = (await loadCharts()).timeChart(chartBox, data);
    }
  }

  function renderCost(s: Stats) {
    const { estimated, reported } = s.cost;
    const money = (value: number, currency: string) =>
      new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(value);
    const max = Math.max(estimated?.total ?? 0, reported.total);
    clear(
      cost,
      bars(
        'campaign-cost-bars',
        [
          {
            key: 'estimated',
            label: t('admin.campaigns.costEstimated'),
            value: estimated?.total ?? 0,
            text: estimated ? money(estimated.total, estimated.currency) : t('admin.campaigns.costNone'),
            color: colour('capped'),
          },
          {
            key: 'reported',
            label: t('admin.campaigns.costReported', { messages: reported.reportedMessages }),
            value: reported.total,
            text: money(reported.total, reported.currency),
            color: colour('sent'),
          },
        ],
        max,
      ),
    );
  }

  void load().then(() => title.focus());
}
