// The admin page's Automations section (issue 15): what a CRM workflow can call (HighLevel actions and triggers,
// set up from manifest/highlevel/workflow-*.json), the automation webhook any tool can call (Pipedrive's "send
// webhook" action: URL, Basic username, secret with reveal/copy/rotate) and the last executions with their outcome.
import { api, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import { ago, copyField } from './connections';
import { hasText, t } from './admin-text';
import { t as common } from './i18n';

interface AutomationWebhook {
  url: string;
  username: string;
  secret: string;
  rotatedAt: number;
}
interface AutomationExecution {
  id: string;
  source: string;
  action: string;
  status: 'queued' | 'failed' | null;
  reasonCode: string | null;
  reason: string | null;
  createdAt: number;
  recipient: string | null;
  recipientUsername: string | null;
  sent: string | null;
}

/** Phone, or "@username (BSUID)" for a customer known only by WhatsApp username; also for refused executions. */
function recipientOf(e: AutomationExecution): string {
  if (!e.recipientUsername) return e.recipient ?? '—';
  return e.recipient ? `@${e.recipientUsername} (${e.recipient})` : `@${e.recipientUsername}`;
}

// One line each, as in manifest/highlevel/workflow-actions.json and workflow-triggers.json.
const HIGHLEVEL_ACTIONS = [
  {
    name: 'admin.auto.sendTemplate',
    path: '/automations/highlevel/actions/send-template',
    what: 'admin.auto.sendTemplateWhat',
  },
  {
    name: 'admin.auto.sendMessage',
    path: '/automations/highlevel/actions/send-message',
    what: 'admin.auto.sendMessageWhat',
  },
] as const;
interface TriggerUsage {
  key: string;
  workflows: number;
  lastFiredAt: number | null;
  failed: number;
}

const HIGHLEVEL_TRIGGERS = [
  {
    key: 'wabridge_message_received',
    name: 'admin.auto.received',
    what: 'admin.auto.receivedWhat',
  },
  {
    key: 'wabridge_message_failed',
    name: 'admin.auto.failed',
    what: 'admin.auto.failedWhat',
  },
  {
    key: 'wabridge_template_status_changed',
    name: 'admin.auto.templateStatus',
    what: 'admin.auto.templateStatusWhat',
  },
  {
    key: 'wabridge_window_closing_soon',
    name: 'admin.auto.closing',
    what: 'admin.auto.closingWhat',
  },
] as const;

const PIPEDRIVE_BODY = JSON.stringify(
  {
    phone: '[Person phone]',
    person_name: '[Person name]',
    deal_id: '[Deal ID]',
    template: 'order_update',
    variables: { '1': '[Person first name]' },
  },
  null,
  2,
);

let webhook: AutomationWebhook | null = null;

function baseUrl(w: AutomationWebhook): string {
  return w.url.replace(/\/automations\/webhook\/[^/]+$/, '');
}

function usageLine(u: TriggerUsage | undefined): string {
  if (!u || (!u.workflows && !u.lastFiredAt)) return ' ' + t('admin.auto.unused');
  const failed = u.failed ? ' ' + t('admin.auto.usedFailed', { failed: u.failed }) : '';
  const last = u.lastFiredAt ? ago(u.lastFiredAt) : t('admin.auto.never');
  return ' ' + t('admin.auto.used', { workflows: u.workflows, last }) + failed;
}

function renderHighLevel(base: string, usage: TriggerUsage[]): void {
  const root = byId('automations-highlevel');
  root.hidden = false;
  clear(
    root,
    h('h3', {}, t('admin.auto.actions')),
    h('p', { class: 'hint' }, t('admin.auto.actionsHint')),
    ...HIGHLEVEL_ACTIONS.map((a, i) =>
      h(
        'div',
        { class: 'automation-item', 'data-action': a.path },
        h('h4', {}, t(a.name)),
        h('p', {}, t(a.what)),
        copyField(`automation-action-${i}`, t('admin.auto.actionUrl', { name: t(a.name) }), base + a.path),
      ),
    ),
    h('h3', {}, t('admin.auto.triggers')),
    h('p', { class: 'hint' }, t('admin.auto.triggersHint')),
    copyField('automation-trigger-url', t('admin.auto.triggerUrl'), `${base}/automations/highlevel/triggers`),
    h(
      'ul',
      {},
      ...HIGHLEVEL_TRIGGERS.map((trigger) =>
        h(
          'li',
          { 'data-trigger': trigger.key },
          h('strong', {}, t(trigger.name)),
          ` — ${t(trigger.what)}`,
          h('span', { class: 'hint' }, usageLine(usage.find((u) => u.key === trigger.key))),
        ),
      ),
    ),
  );
}

function secretField(w: AutomationWebhook): HTMLElement {
  const input = h('input', {
    id: 'automation-secret',
    type: 'password',
    readonly: true,
    value: w.secret,
    class: 'copy-value',
    autocomplete: 'off',
  }) as HTMLInputElement;
  const reveal = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'automation-secret-reveal',
      'aria-pressed': 'false',
      onclick: () => {
        const shown = input.type === 'password';
        input.type = shown ? 'text' : 'password';
        reveal.textContent = t(shown ? 'admin.auto.hide' : 'admin.auto.reveal');
        reveal.setAttribute('aria-pressed', String(shown));
      },
    },
    t('admin.auto.reveal'),
  );
  return h(
    'div',
    { class: 'field copy' },
    h('label', { for: 'automation-secret' }, t('admin.auto.password')),
    h(
      'div',
      { class: 'row' },
      input,
      reveal,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': t('admin.auto.copySecret'),
          onclick: () =>
            void navigator.clipboard
              ?.writeText(w.secret)
              .then(() => announce(t('admin.auto.secretCopied'), 'ok')),
        },
        common('common.copy'),
      ),
      h(
        'button',
        { type: 'button', id: 'automation-rotate', onclick: () => void rotate() },
        t('admin.auto.rotate'),
      ),
    ),
  );
}

function renderWebhook(w: AutomationWebhook): void {
  clear(
    byId('automations-webhook'),
    h('p', { class: 'hint' }, t('admin.auto.webhookHint')),
    copyField('automation-webhook-url', t('admin.auto.webhookUrl'), w.url),
    copyField('automation-username', t('admin.auto.username'), w.username),
    secretField(w),
    h('p', { class: 'hint', id: 'automation-rotated' }, t('admin.auto.secretSet', { ago: ago(w.rotatedAt) })),
    h('p', { id: 'automation-rotate-result', class: 'result', role: 'status', 'aria-live': 'polite' }),
    h('p', { class: 'hint' }, t('admin.auto.bodyHint')),
    copyField('automation-body', t('admin.auto.body'), PIPEDRIVE_BODY),
  );
}

async function rotate(): Promise<void> {
  if (!confirm(t('admin.auto.rotateConfirm'))) return;
  const button = byId<HTMLButtonElement>('automation-rotate');
  button.disabled = true;
  try {
    webhook = (
      await api<{ webhook: AutomationWebhook }>('/api/automations/webhook/rotate', { method: 'POST' })
    ).webhook;
    renderWebhook(webhook);
    const out = byId('automation-rotate-result');
    out.textContent = t('admin.auto.rotated');
    out.dataset.tone = 'ok';
  } catch (error) {
    button.disabled = false;
    const out = byId('automation-rotate-result');
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  }
}

/** The refusal in the page language where the catalogue knows its code; the server's English only for unknown codes. */
function reasonText(e: AutomationExecution): string {
  const key = `errors.${e.reasonCode}`;
  return e.reasonCode && hasText(key)
    ? common(key as 'errors.forbidden', { message: e.reason ?? '' })
    : (e.reason ?? '');
}

const OUTCOME = { queued: 'admin.auto.queued', failed: 'admin.auto.notSent' } as const;

function renderExecutions(executions: AutomationExecution[]): void {
  clear(
    byId('automation-executions'),
    ...(executions.length
      ? executions.map((e) =>
          h(
            'tr',
            { 'data-execution': e.id, 'data-status': e.status ?? 'pending' },
            h('td', {}, ago(e.createdAt)),
            h(
              'td',
              {},
              t(e.source === 'automation_webhook' ? 'admin.auto.fromWebhook' : 'admin.auto.fromWorkflow'),
            ),
            h('td', {}, recipientOf(e)),
            h(
              'td',
              {},
              e.sent ?? t(e.action === 'send_template' ? 'admin.auto.aTemplate' : 'admin.auto.aMessage'),
            ),
            h(
              'td',
              {},
              h(
                'span',
                {
                  class: `pill pill-${e.status === 'failed' ? 'rejected' : e.status ? 'approved' : 'pending'}`,
                },
                t(e.status ? OUTCOME[e.status] : 'admin.auto.inProgress'),
              ),
            ),
            h('td', { class: 'reason' }, reasonText(e)),
          ),
        )
      : [h('tr', {}, h('td', { colspan: 6 }, t('admin.auto.none')))]),
  );
}

export async function loadAutomations(crm: 'highlevel' | 'pipedrive'): Promise<void> {
  const out = byId('automations-error');
  try {
    const answer = await api<{
      webhook: AutomationWebhook;
      executions: AutomationExecution[];
      triggers: TriggerUsage[];
    }>('/api/automations');
    webhook = answer.webhook;
    if (crm === 'highlevel') renderHighLevel(baseUrl(webhook), answer.triggers);
    renderWebhook(webhook);
    renderExecutions(answer.executions);
    out.textContent = '';
  } catch (error) {
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  }
}

export function wireAutomations(crm: 'highlevel' | 'pipedrive'): void {
  byId('refresh-automations').addEventListener('click', () => void loadAutomations(crm));
}
