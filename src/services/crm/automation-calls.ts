// Entry points of CRM automations (issue 15): a HighLevel workflow action's execution and options calls, and the
// per-installation automation webhook (Pipedrive's "send webhook" action). Each authenticates first (401, nothing
// stored), finds the installation, and hands a CRM-neutral request to automation-send.
import {
  parseWorkflowActionCall,
  parseWorkflowOptionsCall,
  workflowActionAnswer,
} from '../../../adapters/crm/highlevel';
import { parseAutomationBasicAuth, parseAutomationWebhookBody } from '../../../adapters/crm/pipedrive';
import { optionalSecret } from '../../config';
import type { AppContext } from '../../context';
import type { AutomationActionName, AutomationOutcome } from '../../core/automation';
import { AppError } from '../../core/errors';
import { timingSafeEqual } from '../../security/encoding';
import { AutomationHookStore } from '../../store/automations';
import { AutomationTriggerStore } from '../../store/automation-triggers';
import type { Installation } from '../../store/installations';
import { automationOptions, executeAutomation, recentAutomations } from './automation-send';

export interface SignedCall {
  rawBody: string;
  headers: Headers;
  /** Query of a GET options call. */
  query?: Record<string, string>;
}

const notInstalled: AutomationOutcome = {
  status: 'failed',
  messageId: null,
  reasonCode: 'not_installed',
  reason: 'The WhatsApp app is not installed for this account',
  duplicate: false,
};

async function activeInstallation(ctx: AppContext, locationId: string): Promise<Installation | null> {
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount('highlevel', locationId);
  return installation && installation.status === 'active' ? installation : null;
}

function signed(ctx: AppContext, call: SignedCall) {
  return {
    ...call,
    publicKey: optionalSecret(ctx.config, 'HIGHLEVEL_WEBHOOK_PUBLIC_KEY'),
    actionSecret: optionalSecret(ctx.config, 'HIGHLEVEL_ACTION_SECRET'),
    now: ctx.now(),
  };
}

/** A workflow action execution: at most one message per execution, answered so the workflow can branch. */
export async function receiveWorkflowAction(ctx: AppContext, call: SignedCall, action: AutomationActionName) {
  const parsed = await parseWorkflowActionCall(signed(ctx, call), action);
  const installation = await activeInstallation(ctx, parsed.locationId);
  if (!installation) return workflowActionAnswer(notInstalled);
  return workflowActionAnswer(await executeAutomation(ctx, installation, 'highlevel_action', parsed.request));
}

/** A workflow action's dynamic options: APPROVED templates of the chosen (or first) number, or the numbers. */
export async function workflowOptions(ctx: AppContext, call: SignedCall, kind: 'templates' | 'numbers') {
  const parsed = await parseWorkflowOptionsCall(signed(ctx, call));
  const installation = await activeInstallation(ctx, parsed.locationId);
  return { options: installation ? await automationOptions(ctx, installation, kind, parsed.sender) : [] };
}

async function hookStore(ctx: AppContext): Promise<AutomationHookStore> {
  return new AutomationHookStore(ctx.db, await ctx.box());
}

/** The automation webhook: Basic auth (hook id + secret) → 401 when wrong, else one send per execution key. */
export async function receiveAutomationWebhook(
  ctx: AppContext,
  hookId: string,
  authorization: string | undefined,
  rawBody: string,
): Promise<AutomationOutcome> {
  const credentials = parseAutomationBasicAuth(authorization);
  if (!credentials || !timingSafeEqual(credentials.user, hookId))
    throw new AppError('unauthorized', 'Wrong or missing automation webhook credentials');
  const installationId = await (await hookStore(ctx)).verify(hookId, credentials.secret);
  if (!installationId) throw new AppError('unauthorized', 'Wrong or missing automation webhook credentials');
  const { installations } = await ctx.secretStores();
  const installation = await installations.get(installationId);
  if (!installation || installation.status !== 'active') return notInstalled;
  const request = await parseAutomationWebhookBody(rawBody, ctx.now());
  return executeAutomation(ctx, installation, 'automation_webhook', request);
}

function presentHook(ctx: AppContext, hook: { hookId: string; secret: string; rotatedAt: number }) {
  return {
    url: `${ctx.config.APP_BASE_URL.replace(/\/$/, '')}/automations/webhook/${hook.hookId}`,
    username: hook.hookId,
    secret: hook.secret,
    rotatedAt: hook.rotatedAt,
  };
}

/** Admin view: the automation webhook (created on first view), the last executions with their outcome, trigger use. */
export async function automationSettings(ctx: AppContext, installationId: string) {
  const store = await hookStore(ctx);
  const hook =
    (await store.forInstallation(installationId)) ?? (await store.rotate(installationId, ctx.now()));
  return {
    webhook: presentHook(ctx, hook),
    executions: await recentAutomations(ctx, installationId),
    triggers: await new AutomationTriggerStore(ctx.db).usage(installationId),
  };
}

/** A new secret for the automation webhook; the old one is refused from now on. */
export async function rotateAutomationSecret(ctx: AppContext, installationId: string) {
  const hook = await (await hookStore(ctx)).rotate(installationId, ctx.now());
  return { webhook: presentHook(ctx, hook) };
}
