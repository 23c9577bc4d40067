// CRM automations (issue 15): one workflow/automation step → at most one WhatsApp message, through the normal send
// path (queueOutbound: disabled-number check, window gate, APPROVED check, render; then the send queue and the
// per-sender limiter). This module is CRM-neutral: the CRM adapters turn their calls into an AutomationSendRequest.
import type { AppContext } from '../../context';
import {
  mapAutomationVariables,
  type AutomationOutcome,
  type AutomationSendRequest,
  type AutomationTemplateChoice,
} from '../../core/automation';
import { isUserIdAddress } from '../../core/customer-id';
import { AppError, TEMPLATE_REQUIRED_REASON } from '../../core/errors';
import type { MessageContent } from '../../core/message';
import { normalizePhone } from '../../core/phone';
import type { Connection } from '../../store/connections';
import {
  AutomationExecutionStore,
  type AutomationExecution,
  type AutomationSource,
} from '../../store/automations';
import type { Installation } from '../../store/installations';
import type { StoredTemplate } from '../../store/templates';
import { automationTierRefusal } from './automation-tier';
import { queueOutbound } from '../relay/relay-outbound';
import { marketingOptOutOf } from '../relay/marketing-preferences';

/** A claim older than this whose message never appeared was left by a call that died: the next call takes over. */
const STALE_CLAIM_MS = 60_000;

type Decided = {
  status: 'queued' | 'failed';
  reasonCode?: string;
  reason?: string;
  /** Shown in the admin's table also when nothing was sent. */
  recipient?: string;
  recipientUsername?: string;
};

class Refusal extends Error {
  constructor(
    readonly reasonCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one automation step once per execution key. A repeated key sends nothing and answers the first outcome; a
 * key whose first call is still deciding answers `pending`.
 */
export async function executeAutomation(
  ctx: AppContext,
  installation: Installation,
  source: AutomationSource,
  request: AutomationSendRequest,
): Promise<AutomationOutcome> {
  const store = new AutomationExecutionStore(ctx.db);
  const { claimed, execution } = await store.claim(
    {
      installationId: installation.id,
      source,
      executionKey: request.executionKey,
      action: request.action,
      messageId: ctx.messages.newId(),
    },
    ctx.now(),
  );
  if (!claimed) {
    if (execution.state === 'done') return present(execution, true);
    // The first call queued its message but did not live to write the outcome: the message is the outcome.
    if (await ctx.messages.get(execution.messageId))
      return present(await store.finish(execution.id, { status: 'queued' }, ctx.now()), true);
    if (!(await store.retake(execution.id, ctx.now() - STALE_CLAIM_MS, ctx.now()))) {
      return {
        status: 'pending',
        messageId: null,
        reasonCode: 'in_progress',
        reason: 'This execution is being processed',
        duplicate: true,
      };
    }
  }
  let decided: Decided;
  try {
    decided = await decide(ctx, installation, request, execution);
  } catch (error) {
    // Unexpected (storage, queue): the CRM retries the call; the same reserved message id keeps it to one send.
    await store.release(execution.id);
    throw error;
  }
  return present(await store.finish(execution.id, decided, ctx.now()), !claimed);
}

function present(execution: AutomationExecution, duplicate: boolean): AutomationOutcome {
  return {
    status: execution.status ?? 'pending',
    messageId: execution.status === 'queued' ? execution.messageId : null,
    reasonCode: execution.reasonCode,
    reason: execution.reason,
    duplicate,
  };
}

async function decide(
  ctx: AppContext,
  installation: Installation,
  request: AutomationSendRequest,
  execution: AutomationExecution,
): Promise<Decided> {
  const messageId = execution.messageId;
  const who: Pick<Decided, 'recipient' | 'recipientUsername'> = {
    recipient: request.to?.trim().slice(0, 140) || undefined,
  };
  try {
    const connection = await sendingConnection(ctx, installation, request.sender);
    const to = await recipientAddress(ctx, connection, request);
    who.recipient = to;
    const contact = await ctx.contacts.find(connection.id, to);
    if (contact?.username) who.recipientUsername = contact.username;
    if (contact?.optedOutAt != null)
      throw new Refusal('opted_out', 'The customer opted out of WhatsApp messages');
    const base = {
      connection,
      to,
      origin: 'app' as const,
      crmDealId: request.crmDealId,
      customerName: request.customerName,
      messageId,
    };
    if (request.action === 'send_template') {
      if (!request.template) throw new Refusal('template_not_found', 'No template was chosen');
      const content = await templateContent(ctx, connection, request.template, request, contact?.id);
      await withinTier(ctx, connection, execution, to);
      await queueOutbound(ctx, { ...base, content });
      return { status: 'queued', ...who };
    }
    const text = request.text?.trim() ?? '';
    if (!text) throw new Refusal('invalid_request', 'The message text is empty');
    try {
      await queueOutbound(ctx, { ...base, content: { type: 'text', text } });
    } catch (error) {
      // Outside the 24-hour window: the chosen fallback template, else template_required for the workflow to branch.
      if (!(error instanceof AppError) || error.code !== 'template_required' || !request.template)
        throw error;
      const content = await templateContent(ctx, connection, request.template, request, contact?.id);
      await withinTier(ctx, connection, execution, to);
      await queueOutbound(ctx, { ...base, content });
    }
    return { status: 'queued', ...who };
  } catch (error) {
    const refused = refusalOf(error);
    if (!refused) throw error;
    return { status: 'failed', reasonCode: refused.reasonCode, reason: refused.message, ...who };
  }
}

/**
 * Where the step sends: the phone the CRM mapped (E.164) or a BSUID given in its place; without either, the customer
 * whose CRM record is the step's contact (issue 11: a WhatsApp username customer's record we created has no phone,
 * and our customer row remembers its id). The usual rules then apply to a BSUID (phone_required for authentication
 * templates and for providers that address phones only).
 */
async function recipientAddress(
  ctx: AppContext,
  connection: Connection,
  request: AutomationSendRequest,
): Promise<string> {
  const given = request.to?.trim() ?? '';
  if (given && isUserIdAddress(given)) return given;
  const phone = given ? normalizePhone(given) : null;
  if (phone?.ok) return phone.e164;
  const known = request.crmContactId
    ? await ctx.contacts.findByCrmContactId(connection.id, request.crmContactId)
    : null;
  if (known) return known.address;
  if (phone) throw new Refusal('invalid_recipient', `Not a valid phone number (${phone.reason})`);
  throw new Refusal(
    'invalid_recipient',
    'The contact has no phone number and is not a WhatsApp username customer of this number',
  );
}

/** A template to a new customer needs room in the messaging limit (the business portfolio's, issue 12 item 2). */
async function withinTier(
  ctx: AppContext,
  connection: Connection,
  execution: AutomationExecution,
  to: string,
) {
  const refused = await automationTierRefusal(ctx, connection, execution.id, to);
  if (refused) throw new Refusal('tier_limit', refused);
}

/** Business refusals become a failure output (nothing sent); anything else is unexpected and thrown. */
function refusalOf(error: unknown): Refusal | null {
  if (error instanceof Refusal) return error;
  if (!(error instanceof AppError)) return null;
  switch (error.code) {
    case 'template_required':
      return new Refusal('template_required', TEMPLATE_REQUIRED_REASON);
    case 'connection_disabled':
      return new Refusal('connection_disabled', error.message);
    case 'invalid_request': {
      const details = Array.isArray(error.details)
        ? (error.details as { path?: string; message?: string }[])
            .map((d) => d.message ?? '')
            .filter(Boolean)
            .join('; ')
        : '';
      return new Refusal('invalid_variables', details ? `${error.message}: ${details}` : error.message);
    }
    case 'conflict':
      // sendableTemplate: a template that is not APPROVED (details.status says what it is).
      return new Refusal('template_not_approved', error.message);
    case 'not_found':
      return new Refusal('template_not_found', error.message);
    default:
      return new Refusal(error.code, error.message);
  }
}

/** The chosen sending number, or the installation's first active one. */
async function sendingConnection(
  ctx: AppContext,
  installation: Installation,
  sender: string | undefined,
): Promise<Connection> {
  const { connections } = await ctx.secretStores();
  const list = await connections.listForInstallation(installation.id);
  if (sender) {
    const wanted = sender.trim();
    const found = list.find((c) => c.id === wanted || c.senderPhone === wanted);
    if (!found) throw new Refusal('sender_not_found', `No connected number ${wanted} in this account`);
    return found;
  }
  const active = list.find((c) => c.status === 'active' && c.hasCredentials) ?? list[0];
  if (!active) throw new Refusal('no_connection', 'No WhatsApp number is connected to this account yet');
  return active;
}

async function findTemplate(
  ctx: AppContext,
  connection: Connection,
  choice: AutomationTemplateChoice,
): Promise<StoredTemplate> {
  const byId = await ctx.templates.get(connection.id, choice.idOrName, connection.provider);
  const name = byId?.name ?? choice.idOrName;
  const language = choice.language?.trim() || byId?.language;
  if (byId && (!language || byId.language === language) && !byId.removedAt) return byId;
  const candidates = await ctx.templates.list(connection.id, connection.provider, { language });
  const named = candidates.filter((t) => t.name === name);
  // Several of one name and language: the approved one is the one a workflow means.
  const found = named.find((t) => t.status === 'APPROVED') ?? named[0];
  if (!found)
    throw new Refusal(
      'template_not_found',
      `No template ${name}${language ? ` in ${language}` : ''} on this number`,
    );
  return found;
}

async function templateContent(
  ctx: AppContext,
  connection: Connection,
  choice: AutomationTemplateChoice,
  request: AutomationSendRequest,
  contactId?: string,
): Promise<Extract<MessageContent, { type: 'template' }>> {
  const template = await findTemplate(ctx, connection, choice);
  // A customer who stopped marketing messages inside WhatsApp gets no marketing template (issue 12 item 1).
  if (template.category === 'MARKETING' && (await marketingOptOutOf(ctx, contactId))?.stopped)
    throw new Refusal('opted_out', 'The customer stopped marketing messages in WhatsApp');
  if (template.status !== 'APPROVED') {
    throw new Refusal(
      'template_not_approved',
      `Template ${template.name} (${template.language}) is ${template.status}, only APPROVED templates can be sent` +
        (template.rejectionReason ? ` (${template.rejectionReason})` : ''),
    );
  }
  const { values, extra } = mapAutomationVariables(
    template.components,
    request.variables,
    request.namedVariables,
  );
  if (extra > 0) {
    throw new Refusal(
      'invalid_variables',
      `Template ${template.name} takes fewer variables than given (${extra} too many)`,
    );
  }
  // queueOutbound checks APPROVED again and renders: missing or unknown variables fail there (invalid_variables).
  return {
    type: 'template',
    templateId: template.id,
    templateName: template.name,
    language: template.language,
    values,
  };
}

/** Dynamic options for a workflow step: the APPROVED templates of the account's number(s), or its numbers. */
export async function automationOptions(
  ctx: AppContext,
  installation: Installation,
  kind: 'templates' | 'numbers',
  sender?: string,
): Promise<{ label: string; value: string }[]> {
  const { connections } = await ctx.secretStores();
  const list = (await connections.listForInstallation(installation.id)).filter((c) => c.status === 'active');
  if (kind === 'numbers')
    return list.map((c) => ({ label: `${c.label} (${c.senderPhone})`, value: c.senderPhone }));
  const chosen = sender ? list.filter((c) => c.id === sender || c.senderPhone === sender) : list.slice(0, 1);
  const options: { label: string; value: string }[] = [];
  for (const connection of chosen) {
    const approved = await ctx.templates.list(connection.id, connection.provider, { status: 'APPROVED' });
    for (const t of approved) options.push({ label: `${t.name} (${t.language})`, value: t.id });
  }
  return options;
}

/** Recent executions of an installation for the admin API. */
export async function recentAutomations(ctx: AppContext, installationId: string, limit = 50) {
  return new AutomationExecutionStore(ctx.db).recent(installationId, limit);
}
