// Entry points of CRM automations (issue 15): a CRM workflow's action execution and options calls (read by the CRM's
// module, adapters/crm/crm-inbound-hooks.ts), and the per-installation automation webhook any tool can call (our own
// format). Each authenticates first (401, nothing stored), finds the installation, and hands a CRM-neutral request to
// automation-send.
import {
  parseAutomationBasicAuth,
  parseAutomationWebhookBody,
} from '../../../adapters/crm/automation-webhook';
import type { CrmWorkflowCall, CrmWorkflows } from '../../../adapters/crm/crm-inbound-hooks';
import { crmModule, isCrmName } from '../../../adapters/crm/registry';
import type { CrmName } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import type { AutomationActionName, AutomationOutcome } from '../../core/automation';
import { AppError } from '../../core/errors';
import { timingSafeEqual } from '../../security/encoding';
import { AutomationHookStore } from '../../store/automations';
import { AutomationTriggerStore } from '../../store/automation-triggers';
import type { Installation } from '../../store/installations';
import { automationOptions, executeAutomation, recentAutomations } from './automation-send';
import { crmEnvironment } from './crm';

export type SignedCall = CrmWorkflowCall;

/** The CRM named in the URL, when its module has workflows (anything else is the app's 404). */
export function workflowCrm(name: string): CrmName | null {
  return isCrmName(name) && crmModule(name).workflows ? name : null;
}

function workflowsOf(crm: CrmName): CrmWorkflows {
  const workflows = crmModule(crm).workflows;
  if (!workflows) throw new AppError('not_found', 'This CRM has no workflow actions');
  return workflows;
}

const notInstalled: AutomationOutcome = {
  status: 'failed',
  messageId: null,
  reasonCode: 'not_installed',
  reason: 'The WhatsApp app is not installed for this account',
  duplicate: false,
};

async function activeInstallation(
  ctx: AppContext,
  crm: CrmName,
  accountId: string,
): Promise<Installation | null> {
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount(crm, accountId);
  return installation && installation.status === 'active' ? installation : null;
}

/** A workflow action execution: at most one message per execution, answered so the workflow can branch. */
export async function receiveWorkflowAction(
  ctx: AppContext,
  crm: CrmName,
  call: SignedCall,
  action: AutomationActionName,
) {
  const workflows = workflowsOf(crm);
  const command = await workflows.readAction(crmEnvironment(ctx), call, action);
  const installation = await activeInstallation(ctx, crm, command.accountId);
  if (!installation) return workflows.answerAction(notInstalled);
  return workflows.answerAction(await executeAutomation(ctx, installation, `${crm}_action`, command.request));
}

/** A workflow action's dynamic options: APPROVED templates of the chosen (or first) number, or the numbers. */
export async function workflowOptions(
  ctx: AppContext,
  crm: CrmName,
  call: SignedCall,
  kind: 'templates' | 'numbers',
) {
  const parsed = await workflowsOf(crm).readOptionsCall(crmEnvironment(ctx), call);
  const installation = await activeInstallation(ctx, crm, parsed.accountId);
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
