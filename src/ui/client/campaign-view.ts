// Shared by the campaigns list and a campaign's page: the API's campaign shapes, the wide progress bar with its
// words, and the actions (pause, resume, cancel after a confirmation, the outcome CSV).
import { hasText, t } from './admin-text';
import { h } from './dom';
import { formatDateTime } from './i18n';

export interface CampaignSummary {
  id: string;
  name: string;
  status: 'scheduled' | 'running' | 'paused' | 'cancelled' | 'completed';
  statusReason?: string | null;
  createdAt: number;
}
export type Counts = Record<
  'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'unknown' | 'cancelled',
  number
> & { capped?: number };
export interface Progress {
  total: number;
  counts: Counts;
  percent: number;
  estimatedCost: { total: number; currency: string; billable: number } | null;
  actualCost: { total: number; currency: string; billable: number; reportedMessages: number };
  /** Frequency caps (Meta 131049, issue 12 item 3): how many, and when the next retry is due. */
  capped?: { capped: number; nextRetryAt: number | null };
}
export interface CampaignAnswer {
  campaign: CampaignSummary;
  progress: Progress;
}

export const wb = () => window.wabridge!;
export const finished = (status: string) => status === 'completed' || status === 'cancelled';
export const statusWord = (status: string) => {
  const key = `admin.campaigns.status.${status}`;
  return hasText(key) ? t(key) : status;
};
export const errorText = (e: unknown) => (e instanceof Error && e.message) || t('admin.campaigns.failed');

/** The progress bar across the whole width, its percentage and status in words beside it. */
export function progressBar(name: string): { root: HTMLElement; update(a: CampaignAnswer): void } {
  const bar = h('progress', {
    max: '100',
    value: '0',
    'aria-label': t('admin.campaigns.progressOf', { name }),
  }) as HTMLProgressElement;
  const label = h('span', { class: 'progress-label' });
  const counts = h('p', { class: 'hint counts' });
  return {
    root: h('div', { class: 'campaign-progress' }, h('div', { class: 'progress-line' }, bar, label), counts),
    update({ campaign, progress }) {
      bar.value = progress.percent;
      label.textContent = t('admin.campaigns.percent', {
        percent: progress.percent,
        status: statusWord(campaign.status),
      });
      const capped = progress.capped?.capped
        ? t('admin.campaigns.capped', { n: progress.capped.capped }) +
          (progress.capped.nextRetryAt
            ? t('admin.campaigns.cappedRetry', { at: formatDateTime(progress.capped.nextRetryAt) })
            : '')
        : '';
      counts.textContent =
        t('admin.campaigns.counts', { ...progress.counts }) +
        capped +
        (campaign.statusReason ? ` · ${campaign.statusReason}` : '');
    },
  };
}

/** Pause / resume / cancel (cancel only after the admin confirms what it drops) and the outcome download. */
export function campaignActions(
  status: HTMLElement,
  refresh: () => void,
): { root: HTMLElement; update(a: CampaignAnswer): void } {
  const root = h('div', { class: 'row actions' });
  let current: CampaignAnswer | null = null;
  const act = async (verb: 'pause' | 'resume' | 'cancel') => {
    if (!current) return;
    const { campaign, progress } = current;
    if (
      verb === 'cancel' &&
      !confirm(t('admin.campaigns.confirmCancel', { name: campaign.name, queued: progress.counts.queued }))
    )
      return;
    try {
      await wb().api(`/api/campaigns/${encodeURIComponent(campaign.id)}/${verb}`, { method: 'POST' });
    } catch (e) {
      status.textContent = errorText(e);
      status.dataset.tone = 'error';
    }
    refresh();
  };
  const button = (verb: 'pause' | 'resume' | 'cancel', danger = false) =>
    h(
      'button',
      {
        type: 'button',
        class: danger ? 'danger' : 'secondary',
        'data-action': verb,
        onclick: () => void act(verb),
      },
      t(`admin.campaigns.${verb}`),
    );
  return {
    root,
    update(answer) {
      current = answer;
      const s = answer.campaign.status;
      const verbs = s === 'running' || s === 'scheduled' ? ['pause'] : s === 'paused' ? ['resume'] : [];
      root.replaceChildren(
        ...verbs.map((v) => button(v as 'pause' | 'resume')),
        ...(finished(s) ? [] : [button('cancel', true)]),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-action': 'download',
            onclick: () =>
              void wb()
                .download(
                  `/api/campaigns/${encodeURIComponent(answer.campaign.id)}/recipients?format=csv`,
                  `${answer.campaign.name.replace(/[^\p{L}\p{N}_-]+/gu, '-')}-outcomes.csv`,
                )
                .catch((e: unknown) => {
                  status.textContent = errorText(e);
                  status.dataset.tone = 'error';
                }),
          },
          t('admin.campaigns.download'),
        ),
      );
    },
  };
}
