// The automation webhook (issue 15): our own per-installation URL that any tool's automation can call, whatever the
// installation's CRM (the admin page shows it to every installation). Its body is ours to define, so it is read here,
// beside the CRM modules, not by one of them. The caller it was designed for is Pipedrive's "send webhook" action.
// Source: support.pipedrive.com/article/automations-webhook-requests — an "Automation webhook" is created under
// Tools → Webhooks with an endpoint URL and optional credentials (HTTP Basic auth); the automation's webhook action
// picks it, a method (POST) and a body built as key-value pairs (Pipedrive fields such as the person's phone or the
// deal id can be inserted) or raw. The keys below are the ones we document in docs/pipedrive.md. UNVERIFIED:
// Pipedrive sends no execution id; `idempotency_key` (map it to something unique per run, e.g. the deal id plus the
// stage) dedupes, else a digest of the body and the UTC day does.
import * as z from 'zod/mini';
import type { AutomationSendRequest } from '../../src/core/automation';
import { AppError } from '../../src/core/errors';
import { base64ToBytes, sha256Hex } from '../../src/security/encoding';

const scalar = z.union([z.string().check(z.maxLength(4096)), z.number(), z.boolean(), z.null()]);
const bodySchema = z.record(
  z.string().check(z.maxLength(64)),
  z.union([scalar, z.record(z.string(), scalar)]),
);

const VARIABLE_FIELDS = 10;

/** HTTP Basic credentials Pipedrive sends for the automation webhook: user = hook id, password = secret. */
export function parseAutomationBasicAuth(
  header: string | undefined,
): { user: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,512})$/i.exec(header?.trim() ?? '');
  if (!match) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(match[1]!));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

const str = (value: unknown): string | undefined =>
  value === null || value === undefined || value === '' || typeof value === 'object'
    ? undefined
    : String(value);

/**
 * Reads the automation body: `phone` (required), `template` (id or name) with optional `language` and variables
 * (`variables` object keyed 1, 2… or variable ids, or flat `variable_1`…), or `message` for free text (with
 * `template` as the fallback when the window is closed), `person_name`, `deal_id`, `sender`, `idempotency_key`.
 */
export async function parseAutomationWebhookBody(
  rawBody: string,
  now: number,
): Promise<AutomationSendRequest> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError('invalid_request', 'Body is not valid JSON');
  }
  const result = z.safeParse(bodySchema, json);
  if (!result.success) throw new AppError('invalid_request', 'The automation body must be a JSON object');
  const data = result.data;
  const to = str(data.phone);
  if (!to)
    throw new AppError('invalid_request', 'The person phone is missing', [
      { path: 'phone', message: "insert the person's phone field" },
    ]);
  const message = str(data.message);
  const template = str(data.template);
  if (!message && !template)
    throw new AppError('invalid_request', 'Give a template or a message', [
      { path: 'template', message: 'required without message' },
    ]);
  const named: Record<string, string> = {};
  if (data.variables && typeof data.variables === 'object') {
    for (const [key, value] of Object.entries(data.variables)) {
      const text = str(value);
      if (text !== undefined) named[key] = text;
    }
  }
  const variables = Array.from({ length: VARIABLE_FIELDS }, (_, i) => str(data[`variable_${i + 1}`]) ?? '');
  const explicit = str(data.idempotency_key);
  return {
    action: message ? 'send_message' : 'send_template',
    executionKey: explicit ?? `body:${await sha256Hex(rawBody)}:${Math.floor(now / 86_400_000)}`,
    to,
    customerName: str(data.person_name),
    crmDealId: str(data.deal_id),
    sender: str(data.sender),
    template: template ? { idOrName: template, language: str(data.language) } : undefined,
    variables,
    namedVariables: named,
    text: message,
  };
}
