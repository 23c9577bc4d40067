// HighLevel Marketplace workflow actions (issue 15): the calls HighLevel makes to our action execution URLs and to
// the dynamic-options URL, turned into CRM-neutral requests, and the answer the workflow branches on.
//
// Sources: marketplace.gohighlevel.com/docs/marketplace-modules/CustomActions and WorkflowActionsAndTriggers
// ("Manage Fields": String, Select, Hidden, Dynamic…, a field's "Reference" key binds its value; "Action Execution":
// the URL HighLevel POSTs to; "Manage Custom Variables": keys of our JSON answer become {{action_key.variable}}).
// UNVERIFIED (the public pages do not show them; taken from a public app's DTO and written down here):
//   - the request body is `{ data: {<reference>: value}, extras: { locationId, contactId, workflowId? }, meta: {
//     key, version } }`;
//   - the call is signed like HighLevel's webhooks, X-GHL-Signature (Ed25519 over the raw body): we refuse it
//     unsigned (401), which is the safe side if HighLevel signs nothing (then no call would pass: check on setup);
//   - no execution id is documented: we take `extras.executionId` / `meta.executionId` / `data.executionId` when
//     present, else a digest of the signed body and the UTC day (a retry of one call dedupes; the same workflow
//     step re-run for the same contact with identical fields on the same day is treated as that retry);
//   - the answer: any 2xx JSON; its keys are offered as custom variables, so `status` / `messageId` / `reason` /
//     `reasonCode` are what a workflow's if/else branches on.
import * as z from 'zod/mini';
import type {
  AutomationActionName,
  AutomationOutcome,
  AutomationSendRequest,
} from '../../../src/core/automation';
import { AppError } from '../../../src/core/errors';
import { sha256Hex } from '../../../src/security/encoding';
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
  now: number;
}

async function verifiedBody(call: HighLevelSignedCall): Promise<unknown> {
  const verified = await verifyHighLevelWebhook({
    rawBody: call.rawBody,
    headers: call.headers,
    ed25519PublicKey: call.publicKey,
    now: call.now,
    required: false,
  });
  return verified.body;
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
  const to = str(data.phone);
  if (!to)
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
    contactId: body.extras.contactId,
    request: {
      action,
      executionKey,
      to,
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

/**
 * The Dynamic field's options call. UNVERIFIED: assumed to be a signed POST carrying the location (`extras`) and the
 * fields filled so far (`data`, e.g. the chosen sender), answered with `{ options: [{ label, value }] }`.
 */
export async function parseWorkflowOptionsCall(
  call: HighLevelSignedCall,
): Promise<{ locationId: string; sender?: string }> {
  const result = z.safeParse(optionsBodySchema, await verifiedBody(call));
  if (!result.success) throw new AppError('invalid_request', 'Invalid dynamic options call');
  return { locationId: result.data.extras.locationId, sender: str(result.data.data?.sender) };
}

/** The JSON the workflow sees: flat keys, so each is a custom variable to branch on. */
export function workflowActionAnswer(outcome: AutomationOutcome) {
  return {
    success: outcome.status === 'queued',
    status: outcome.status,
    messageId: outcome.messageId,
    reasonCode: outcome.reasonCode,
    reason: outcome.reason,
    duplicate: outcome.duplicate,
  };
}
