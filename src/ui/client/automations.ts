// The admin page's Automations section (issue 15): what a CRM workflow can call (HighLevel actions and triggers,
// set up from manifest/highlevel/workflow-*.json), the automation webhook any tool can call (Pipedrive's "send
// webhook" action: URL, Basic username, secret with reveal/copy/rotate) and the last executions with their outcome.
import { api, describeError } from './api';
import { announce, byId, clear, h } from './dom';
import { ago, copyField } from './connections';
import { t } from './i18n';

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
    name: 'Send WhatsApp template',
    path: '/automations/highlevel/actions/send-template',
    what: 'Sends an approved template to the contact, also outside the 24-hour window.',
  },
  {
    name: 'Send WhatsApp message',
    path: '/automations/highlevel/actions/send-message',
    what: 'Sends a free-text message; only while the contact’s 24-hour window is open.',
  },
];
interface TriggerUsage {
  key: string;
  workflows: number;
  lastFiredAt: number | null;
  failed: number;
}

const HIGHLEVEL_TRIGGERS = [
  {
    key: 'wabridge_message_received',
    name: 'WhatsApp message received',
    what: 'A customer wrote on WhatsApp.',
  },
  {
    key: 'wabridge_message_failed',
    name: 'WhatsApp message failed',
    what: 'A message could not be delivered (with the error code).',
  },
  {
    key: 'wabridge_template_status_changed',
    name: 'Template status changed',
    what: 'Meta approved, rejected or paused a template.',
  },
  {
    key: 'wabridge_window_closing_soon',
    name: 'WhatsApp window closing soon',
    what: 'A contact’s 24-hour window closes within the minutes you choose (default 60).',
  },
];

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
  if (!u || (!u.workflows && !u.lastFiredAt)) return ' Not used by any workflow yet.';
  const workflows = u.workflows === 1 ? '1 workflow' : `${u.workflows} workflows`;
  const failed = u.failed ? ` ${u.failed} could not reach HighLevel (see Failed deliveries).` : '';
  return ` Used by ${workflows}, last fired ${u.lastFiredAt ? ago(u.lastFiredAt) : 'never'}.${failed}`;
}

function renderHighLevel(base: string, usage: TriggerUsage[]): void {
  const root = byId('automations-highlevel');
  root.hidden = false;
  clear(
    root,
    h('h3', {}, 'Workflow actions'),
    h(
      'p',
      { class: 'hint' },
      'In the workflow builder, add an action and pick it under this app. In the app’s Marketplace settings (Modules → Workflow → Create Action) each action’s execution URL is:',
    ),
    ...HIGHLEVEL_ACTIONS.map((a, i) =>
      h(
        'div',
        { class: 'automation-item', 'data-action': a.path },
        h('h4', {}, a.name),
        h('p', {}, a.what),
        copyField(`automation-action-${i}`, `${a.name}: execution URL`, base + a.path),
      ),
    ),
    h('h3', {}, 'Workflow triggers'),
    h(
      'p',
      { class: 'hint' },
      'In the workflow builder, add a trigger and pick one of these under this app. In the app’s Marketplace settings (Create Trigger) the subscription URL of every trigger is:',
    ),
    copyField('automation-trigger-url', 'Trigger subscription URL', `${base}/automations/highlevel/triggers`),
    h(
      'ul',
      {},
      ...HIGHLEVEL_TRIGGERS.map((t) =>
        h(
          'li',
          { 'data-trigger': t.key },
          h('strong', {}, t.name),
          ` — ${t.what}`,
          h('span', { class: 'hint' }, usageLine(usage.find((u) => u.key === t.key))),
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
        reveal.textContent = shown ? 'Hide' : 'Reveal';
        reveal.setAttribute('aria-pressed', String(shown));
      },
    },
    'Reveal',
  );
  return h(
    'div',
    { class: 'field copy' },
    h('label', { for: 'automation-secret' }, 'Password (secret)'),
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
          'aria-label': 'Copy the secret',
          onclick: () =>
            void navigator.clipboard?.writeText(w.secret).then(() => announce('Secret copied.', 'ok')),
        },
        t('common.copy'),
      ),
      h('button', { type: 'button', id: 'automation-rotate', onclick: () => void rotate() }, 'Rotate secret'),
    ),
  );
}

function renderWebhook(w: AutomationWebhook): void {
  clear(
    byId('automations-webhook'),
    h(
      'p',
      { class: 'hint' },
      'In a Pipedrive automation, add the action “Send webhook” (method POST, content type JSON) with HTTP Basic authentication, and paste these values. Any other tool that can send a webhook works the same way.',
    ),
    copyField('automation-webhook-url', 'Webhook URL', w.url),
    copyField('automation-username', 'Username', w.username),
    secretField(w),
    h('p', { class: 'hint', id: 'automation-rotated' }, `Secret set ${ago(w.rotatedAt)}.`),
    h('p', { id: 'automation-rotate-result', class: 'result', role: 'status', 'aria-live': 'polite' }),
    h(
      'p',
      { class: 'hint' },
      'Body: insert the fields in brackets from Pipedrive’s field picker. Use "message" instead of "template" for free text (only inside the 24-hour window). The same body is sent at most once a day; add "idempotency_key" to choose what counts as the same.',
    ),
    copyField('automation-body', 'Body to configure', PIPEDRIVE_BODY),
  );
}

async function rotate(): Promise<void> {
  if (
    !confirm(
      'Rotate the secret? Automations using the current secret stop working until you paste the new one.',
    )
  )
    return;
  const button = byId<HTMLButtonElement>('automation-rotate');
  button.disabled = true;
  try {
    webhook = (
      await api<{ webhook: AutomationWebhook }>('/api/automations/webhook/rotate', { method: 'POST' })
    ).webhook;
    renderWebhook(webhook);
    const out = byId('automation-rotate-result');
    out.textContent = 'New secret set: paste it into your automations.';
    out.dataset.tone = 'ok';
  } catch (error) {
    button.disabled = false;
    const out = byId('automation-rotate-result');
    out.textContent = describeError(error);
    out.dataset.tone = 'error';
  }
}

const OUTCOME = { queued: 'sent to the queue', failed: 'not sent' } as const;

function renderExecutions(executions: AutomationExecution[]): void {
  clear(
    byId('automation-executions'),
    ...(executions.length
      ? executions.map((e) =>
          h(
            'tr',
            { 'data-execution': e.id, 'data-status': e.status ?? 'pending' },
            h('td', {}, ago(e.createdAt)),
            h('td', {}, e.source === 'automation_webhook' ? 'webhook' : 'HighLevel workflow'),
            h('td', {}, recipientOf(e)),
            h('td', {}, e.sent ?? (e.action === 'send_template' ? 'a template' : 'a message')),
            h(
              'td',
              {},
              h(
                'span',
                {
                  class: `pill pill-${e.status === 'failed' ? 'rejected' : e.status ? 'approved' : 'pending'}`,
                },
                e.status ? OUTCOME[e.status] : 'in progress',
              ),
            ),
            h('td', { class: 'reason' }, e.reason ?? ''),
          ),
        )
      : [h('tr', {}, h('td', { colspan: 6 }, 'No automation has run yet.'))]),
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
