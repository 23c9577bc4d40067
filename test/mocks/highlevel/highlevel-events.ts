// What HighLevel sends *to us*, built and signed like HighLevel does: INSTALL/UNINSTALL to the Default Webhook URL,
// the conversation provider's Delivery URL payload (docs/ProviderOutboundMessage.md), and the custom-page SSO blob.
// Test/local-mode code: node:crypto is fine here (Ed25519 signing is synchronous with it).
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import CryptoJS from 'crypto-js';

export interface SignedHighLevelEvent<T = unknown> {
  payload: T;
  /** The exact bytes to POST (the signature covers them). */
  body: string;
  headers: Record<string, string>;
  signature: string;
}

export interface HighLevelSigner {
  /** `-----BEGIN PUBLIC KEY-----` PEM: pass as the app's HighLevel Ed25519 public key in tests and local mode. */
  publicKeyPem: string;
  /** The same key as base64 SPKI (one line, handy for env vars). */
  publicKeySpkiBase64: string;
  /** base64 Ed25519 signature over the raw body, as in X-GHL-Signature. */
  sign(body: string): string;
  signEvent<T>(payload: T | string): SignedHighLevelEvent<T>;
}

export function createHighLevelSigner(): HighLevelSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString().trim();
  const publicKeySpkiBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const sign = (body: string) => edSign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64');
  return {
    publicKeyPem,
    publicKeySpkiBase64,
    sign,
    signEvent<T>(payload: T | string): SignedHighLevelEvent<T> {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const signature = sign(body);
      return {
        payload: (typeof payload === 'string' ? tryParse(payload) : payload) as T,
        body,
        signature,
        headers: { 'content-type': 'application/json', 'x-ghl-signature': signature },
      };
    },
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A fetch Request for the signed event (for `app.request(...)` or `fetch`). */
export function toHighLevelRequest(url: string, event: SignedHighLevelEvent): Request {
  return new Request(url, { method: 'POST', headers: event.headers, body: event.body });
}

export interface InstallEventInput {
  appId: string;
  companyId: string;
  /** Omit for an agency-level install (docs/AppInstall.md "For Agency Level App Install"). */
  locationId?: string;
  userId?: string;
  planId?: string;
  companyName?: string;
  /** Replay-protection fields (docs/WebhookAuthentication.md); default now / a fresh id. */
  timestamp?: string;
  webhookId?: string;
}

/** docs/AppInstall.md example (non-whitelabel, location level) with the replay fields. */
export function installPayload(input: InstallEventInput, nowMs: number) {
  return {
    type: 'INSTALL' as const,
    appId: input.appId,
    ...(input.locationId ? { locationId: input.locationId } : {}),
    companyId: input.companyId,
    ...(input.locationId ? { userId: input.userId } : {}),
    planId: input.planId ?? '66a0419a0dffa47fb5f8b22f',
    trial: { onTrial: false, trialDuration: 0, trialStartDate: new Date(nowMs).toISOString() },
    isWhitelabelCompany: false,
    whitelabelDetails: {},
    companyName: input.companyName ?? 'Example Company',
    timestamp: input.timestamp ?? new Date(nowMs).toISOString(),
    webhookId: input.webhookId ?? crypto.randomUUID(),
  };
}

export interface UninstallEventInput {
  appId: string;
  locationId?: string;
  companyId?: string;
  timestamp?: string;
  webhookId?: string;
}

/** docs/AppUninstall.md: `{type, appId, locationId}` or `{type, appId, companyId}` for agency level. */
export function uninstallPayload(input: UninstallEventInput, nowMs: number) {
  return {
    type: 'UNINSTALL' as const,
    appId: input.appId,
    ...(input.locationId ? { locationId: input.locationId } : { companyId: input.companyId }),
    timestamp: input.timestamp ?? new Date(nowMs).toISOString(),
    webhookId: input.webhookId ?? crypto.randomUUID(),
  };
}

export interface OutboundDeliveryPayload {
  contactId: string;
  locationId: string;
  messageId: string;
  type: string;
  phone: string;
  message: string;
  attachments: string[];
  userId?: string;
}

/** The CryptoJS passphrase format HighLevel uses for `REQUEST_USER_DATA_RESPONSE` payloads. */
export function encryptSsoPayload(data: unknown, sharedSecret: string): string {
  return CryptoJS.AES.encrypt(JSON.stringify(data), sharedSecret).toString();
}

export interface WorkflowActionInput {
  locationId: string;
  /** The action's fields by reference key (manifest/highlevel/workflow-actions.json). */
  data: Record<string, string | number | boolean | null>;
  contactId?: string;
  workflowId?: string;
  executionId?: string;
  actionKey?: string;
}

/**
 * A Marketplace workflow action's execution call as our adapter reads it (adapters/crm/highlevel/workflow-action.ts):
 * `{ data, extras: { locationId, contactId, workflowId, executionId }, meta: { key, version } }`. UNVERIFIED shape
 * (HighLevel's public pages do not print it); sign it with the simulator's `signEvent`.
 */
export function workflowActionPayload(input: WorkflowActionInput) {
  return {
    data: input.data,
    extras: {
      locationId: input.locationId,
      contactId: input.contactId ?? 'contact0001',
      workflowId: input.workflowId ?? 'workflow0001',
      ...(input.executionId ? { executionId: input.executionId } : {}),
    },
    meta: { key: input.actionKey ?? 'wabridge_send_template', version: '1.0' },
  };
}
