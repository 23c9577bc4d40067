// Under the campaigns overview (issue 12 items 1 and 6): who opted out and how — the admin's list, a STOP
// keyword, or the customer's stop inside WhatsApp (marketing only) — from GET /api/opt-outs, and the cost per
// month, our estimate next to the provider's pricing, from GET /api/costs/monthly (the last six months).
import { t, hasText } from './admin-text';
import { errorText, wb } from './campaign-view';
import { clear, h } from './dom';
import { formatDateTime } from './i18n';

interface OptOut {
  address: string;
  name: string | null;
  source: string;
  at: number;
}
interface MonthCost {
  month: string;
  currency: string;
  messages: number;
  reportedMessages: number;
  estimated: { total: number };
  reported: { total: number };
}

const locale = () => document.documentElement.lang || 'en';
const money = (value: number, currency: string) =>
  new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(value);

function table(id: string, titleId: string, heads: string[], rows: HTMLElement[], empty: string) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id, 'aria-labelledby': titleId },
      h('thead', {}, h('tr', {}, ...heads.map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: String(heads.length) }, empty))]),
      ),
    ),
  );
}

function sourceWord(source: string): string {
  const key = `admin.optOuts.source.${source}`;
  return hasText(key) ? t(key) : source;
}

/** `YYYY-MM`, `back` months before the current UTC month. */
function monthBefore(back: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}

async function fill(optOutsBox: HTMLElement, costBox: HTMLElement): Promise<void> {
  const [optOuts, costs] = await Promise.all([
    wb().api<{ optOuts: OptOut[] }>('/api/opt-outs'),
    wb().api<{ months: MonthCost[] }>(`/api/costs/monthly?from=${monthBefore(5)}&to=${monthBefore(0)}`),
  ]);
  clear(
    optOutsBox,
    table(
      'opt-outs-table',
      'opt-outs-title',
      [t('admin.optOuts.customer'), t('admin.optOuts.source'), t('admin.optOuts.when')],
      optOuts.optOuts.map((o) =>
        h(
          'tr',
          { 'data-source': o.source },
          h('td', {}, o.name ? `${o.name} (${o.address})` : o.address),
          h('td', {}, sourceWord(o.source)),
          h('td', {}, formatDateTime(o.at)),
        ),
      ),
      t('admin.optOuts.none'),
    ),
  );
  const monthName = new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'long', timeZone: 'UTC' });
  clear(
    costBox,
    table(
      'monthly-costs-table',
      'monthly-costs-title',
      [
        t('admin.costs.month'),
        t('admin.costs.messages'),
        t('admin.costs.estimated'),
        t('admin.costs.reported'),
      ],
      costs.months.map((m) =>
        h(
          'tr',
          { 'data-month': m.month },
          h('th', { scope: 'row' }, monthName.format(new Date(`${m.month}-01T00:00:00Z`))),
          h('td', {}, String(m.messages)),
          h('td', {}, money(m.estimated.total, m.currency)),
          h(
            'td',
            {},
            `${money(m.reported.total, m.currency)} (${t('admin.costs.priced', { messages: m.reportedMessages })})`,
          ),
        ),
      ),
      '',
    ),
  );
}

/** The two tables, filled by `load` (once the session is known) and on "Refresh". */
export function reportsPanel(): { root: HTMLElement; load(): void } {
  const optOutsBox = h('div');
  const costBox = h('div');
  const status = h('p', { class: 'result', role: 'alert' });
  const load = () => {
    status.textContent = '';
    void fill(optOutsBox, costBox).catch((e) => (status.textContent = errorText(e)));
  };
  const panel = h(
    'div',
    { id: 'campaign-reports' },
    h('h3', { id: 'opt-outs-title' }, t('admin.optOuts.title')),
    h('p', { class: 'hint' }, t('admin.optOuts.hint')),
    optOutsBox,
    h('h3', { id: 'monthly-costs-title' }, t('admin.costs.title')),
    h('p', { class: 'hint' }, t('admin.costs.hint')),
    costBox,
    h(
      'button',
      { type: 'button', id: 'refresh-reports', class: 'secondary', onclick: load },
      t('admin.refresh'),
    ),
    status,
  );
  return { root: panel, load };
}
