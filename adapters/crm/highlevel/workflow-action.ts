// HighLevel Marketplace workflow actions (issue 15): the calls HighLevel makes to our action execution URLs and to
// the options URLs, turned into CRM-neutral requests, and the answer the workflow branches on.
//
// Sources: help.gohighlevel.com/support/solutions/articles/155000000571 "Marketplace Workflow Actions" and
// marketplace.gohighlevel.com/docs/marketplace-modules/CustomActions:
//   - "Action Execution → API": HighLevel POSTs the action's form data to our URL, with the Headers the developer
//     enters in the action ("Add required header data that has to be included while sending data to the API");
//   - "Manage Fields": a field's Reference key binds its value; Hidden fields carry mapped values such as
//     {{contact.phone}}; Select fields load options from an "External API" URL (GET, with our headers);
//   - "Pause Execution … Sync Execution": with branching, the contact moves down the branch named by `branchId` in
//     our answer; "Response Data / Custom Variables": keys of our JSON answer become {{action_key.variable}}.
// Authentication: HighLevel documents developer-set headers, so the action is configured with the header
// X-Wabridge-Action-Secret = secret HIGHLEVEL_ACTION_SECRET; a call carrying X-GHL-Signature (Ed25519, like the
// webhooks) is verified instead. Neither → 401.
// Checked again 2026-12-04 (search: marketplace.gohighlevel.com WorkflowActionsAndTriggers / CustomActions, help
// article 155000000571): the pages still print no request or answer bodies. What follows is therefore UNVERIFIED
// against HighLevel's text, but agrees with several public Marketplace apps' action handlers (secondary):
//   - the body is `{ data: {<reference>: value}, extras: { locationId, contactId, workflowId? }, meta: { key,
//     version } }` (some apps also see a top-level `isMarketplaceAction: true`, ignored here); the options GET
//     carries the location as `?locationId=`;
//   - no execution id is documented: we take `extras.executionId` / `meta.executionId` / `data.executionId` when
//     present, else a digest of the call body and the UTC day (a retry of one call dedupes; the same workflow
//     step re-run for the same contact with identical fields on the same day is treated as that retry).
import * as z from 'zod/mini';
import type {
  AutomationActionName,
  AutomationOutcome,
  AutomationSendRequest,
} from '../../../src/core/automation';
import { AppError } from '../../../src/core/errors';
import { sha256Hex, timingSafeEqual } from '../../../src/security/encoding';
import { verifyHighLevelWebhook } from './verify-highlevel-signature';

const text = (max: number) => z.string().check(z.maxLength(max));
const fieldValue = z.union([z.string().check(z.maxLength(4096)), z.number(), z.boolean(), z.null()]);

/** Variables fields of the action (manifest/highlevel/app.json → workflowActions): variable_1 … variable_10. */
export const VARIABLE_FIELDS = 10;

const actionBodySchema = z.object({
  data: z.record(z.string().check(z.maxLength(64)), fieldValue),
  extras: z.object({
    locationId: text(128).check(z.minLength(1)),
    contactId: z.optional(text(128)),
    workflowId: z.optional(text(128)),
    executionId: z.optional(text(256)),
  }),
  meta: z.optional(
    z.object({
      key: z.optional(text(128)),
      version: z.optional(z.union([text(32), z.number()])),
      executionId: z.optional(text(256)),
    }),
  ),
});

export interface WorkflowActionCall {
  locationId: string;
  contactId?: string;
  request: AutomationSendRequest;
}

export interface HighLevelSignedCall {
  rawBody: string;
  headers: Headers;
  /** Ed25519 public key override (SPKI PEM or base64); HighLevel's published key when unset. */
  publicKey?: string;
  /** HIGHLEVEL_ACTION_SECRET: the header value entered in the action's Headers. Unset = signed calls only. */
  actionSecret?: string;
  now: number;
}

export const ACTION_SECRET_HEADER = 'x-wabridge-action-secret';

/** Authenticates a call: a valid X-GHL-Signature, or the action secret header. Throws 401 otherwise. */
export async function authenticateWorkflowCall(call: HighLevelSignedCall): Promise<void> {
  if (call.headers.has('x-ghl-signature')) {
    await verifyHighLevelWebhook({
      rawBody: call.rawBody,
      headers: call.headers,
      ed25519PublicKey: call.publicKey,
      now: call.now,
      required: false,
    });
    return;
  }
  const presented = call.headers.get(ACTION_SECRET_HEADER) ?? '';
  if (!call.actionSecret || !presented || !timingSafeEqual(presented, call.actionSecret))
    throw new AppError('unauthorized', 'Unsigned workflow action call, or a wrong action secret');
}

async function verifiedBody(call: HighLevelSignedCall): Promise<unknown> {
  await authenticateWorkflowCall(call);
  try {
    return JSON.parse(call.rawBody) as unknown;
  } catch {
    throw new AppError('invalid_request', 'Body is not valid JSON');
  }
}

function parseBody(body: unknown): z.output<typeof actionBodySchema> {
  const result = z.safeParse(actionBodySchema, body);
  if (!result.success)
    throw new AppError(
      'invalid_request',
      'Invalid workflow action call',
      result.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(root)',
        message: i.message,
      })),
    );
  return result.data;
}

const str = (value: unknown): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : String(value);

/** Verifies and reads one execution call of our "Send WhatsApp template" / "Send WhatsApp message" actions. */
export async function parseWorkflowActionCall(
  call: HighLevelSignedCall,
  action: AutomationActionName,
): Promise<WorkflowActionCall> {
  const body = parseBody(await verifiedBody(call));
  const data = body.data;
  // A contact without phone (a WhatsApp username customer whose contact we created) is found by its contact id.
  const to = str(data.phone);
  const contactId = body.extras.contactId || undefined;
  if (!to && !contactId)
    throw new AppError('invalid_request', 'The contact phone is missing', [
      { path: 'data.phone', message: 'map it to {{contact.phone}}' },
    ]);
  const explicitId =
    body.extras.executionId ?? body.meta?.executionId ?? str(data.executionId) ?? str(data.idempotency_key);
  const day = Math.floor(call.now / 86_400_000);
  const executionKey = explicitId ?? `body:${await sha256Hex(call.rawBody)}:${day}`;
  const variables = Array.from({ length: VARIABLE_FIELDS }, (_, i) => str(data[`variable_${i + 1}`]) ?? '');
  const named: Record<string, string> = {};
  const headerVar = str(data.header_variable);
  if (headerVar !== undefined) named['header.1'] = headerVar;
  const templateId = str(data.template) ?? str(data.fallback_template);
  return {
    locationId: body.extras.locationId,
    contactId,
    request: {
      action,
      executionKey,
      to,
      crmContactId: contactId,
      customerName: str(data.contact_name),
      sender: str(data.sender),
      template: templateId ? { idOrName: templateId, language: str(data.language) } : undefined,
      variables,
      namedVariables: named,
      text: str(data.message),
    },
  };
}

const optionsBodySchema = z.object({
  data: z.optional(z.record(z.string().check(z.maxLength(64)), fieldValue)),
  extras: z.object({ locationId: text(128).check(z.minLength(1)) }),
});

const optionsQuerySchema = z.object({
  locationId: text(128).check(z.minLength(1)),
  sender: z.optional(text(64)),
});

/**
 * A Select field's "External API" options call: GET with our headers (documented). UNVERIFIED: the location comes as
 * `?locationId=` (GET) or as `extras.locationId` with the form so far in `data` (POST, the Dynamic field's call);
 * answered with `{ options: [{ label, value }] }`.
 */
export async function parseWorkflowOptionsCall(
  call: HighLevelSignedCall & { query?: Record<string, string> },
): Promise<{ locationId: string; sender?: string }> {
  if (call.query && !call.rawBody) {
    await authenticateWorkflowCall(call);
    const result = z.safeParse(optionsQuerySchema, call.query);
    if (!result.success)
      throw new AppError('invalid_request', 'Invalid options call: locationId is required');
    return { locationId: result.data.locationId, sender: result.data.sender || undefined };
  }
  const result = z.safeParse(optionsBodySchema, await verifiedBody(call));
  if (!result.success) throw new AppError('invalid_request', 'Invalid dynamic options call');
  return { locationId: result.data.extras.locationId, sender: str(result.data.data?.sender) };
}

/** Predefined branches of our actions (manifest/highlevel/workflow-actions.json): the contact goes down one. */
export const ACTION_BRANCHES = { sent: 'sent', failed: 'failed' } as const;

/** The JSON the workflow sees: `branchId` picks the branch, the flat keys are custom variables. */
export function workflowActionAnswer(outcome: AutomationOutcome) {
  return {
    branchId: outcome.status === 'queued' ? ACTION_BRANCHES.sent : ACTION_BRANCHES.failed,
    success: outcome.status === 'queued',
    status: outcome.status,
    messageId: outcome.messageId,
    reasonCode: outcome.reasonCode,
    reason: outcome.reason,
    duplicate: outcome.duplicate,
  };
}
