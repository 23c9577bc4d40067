// The vendor-neutral vocabulary of a CrmModule's install, inbound, session and panel hooks (issue 13), and the narrow
// ports the services hand them. A module translates its CRM's OAuth answers, app events, signed calls and iframe
// sign-ins into these words; the generic services (src/services/install/*) act on them and never name a CRM.
// Adapters never import services: whatever a hook needs from the app (the store, single-use keys) comes in a port.
import type * as z from 'zod/mini';
import type { Installation, InstallationSettings, UpsertInstallation } from '../../src/store/installations';
import type { CrmEnvironment, TokenSource } from './types';

// ---------------------------------------------------------------- install: /oauth/:crm/start, /callback

/** The OAuth callback's query, as the CRM sent it (each module decides what a missing field means). */
export interface OAuthCallbackInput {
  code?: string;
  state?: string;
  error?: string;
}

export interface CrmInstallPorts {
  /** Our callback URL (`/oauth/<crm>/callback`), as registered with the CRM. */
  readonly redirectUri: string;
  /** Consumes a state this app issued for this CRM: false when unknown, expired or already used (single use). */
  consumeState(state: string): Promise<boolean>;
}

/** One CRM account's tokens (a code exchange or a minted token): stored as its installation row (the CRM is known). */
export type InstallationGrant = Omit<UpsertInstallation, 'crm'>;

export interface CrmInstallResult {
  grant: InstallationGrant;
  /** Accounts the grant's account may act for (an agency's locations): installed from it at once, best effort. */
  linkedAccounts?: readonly string[];
}

/** What an app event (or an uninstall call) asks the app to do, in the CRM's account ids. */
export type CrmAppCommand =
  | { kind: 'ignore' }
  /** `accountId` absent: a parent-level install whose OAuth callback stores the tokens. */
  | { kind: 'install'; accountId?: string; parentAccountId?: string }
  /** `accountId`, or the parent and every account linked to it. */
  | { kind: 'uninstall'; accountId?: string; parentAccountId?: string };

export interface CrmInstallHooks {
  /** GET /oauth/:crm/start: the authorize URL (scopes, client id) for a fresh single-use state. */
  authorizeUrl(env: CrmEnvironment, input: { redirectUri: string; state: string }): string;
  /** GET /oauth/:crm/callback: state and code checked in the CRM's order, code → tokens → the grant to store. */
  complete(env: CrmEnvironment, input: OAuthCallbackInput, ports: CrmInstallPorts): Promise<CrmInstallResult>;
  /**
   * DELETE /oauth/:crm/callback, for a CRM that uninstalls there: the caller's credentials are checked before the
   * body is read (401 otherwise); the answer names the account to uninstall.
   */
  uninstallCall?(
    env: CrmEnvironment,
    authorization: string | undefined,
    readBody: () => Promise<string>,
  ): Promise<{ accountId: string }>;
  /** A verified app event (the `app_event` inbound endpoint) as a command. */
  appEvent?(env: CrmEnvironment, body: unknown): CrmAppCommand;
  /** Settings every installation of this CRM carries, merged on install (one conversation provider per app). */
  settings?(env: CrmEnvironment): InstallationSettings;
}

/** Accounts without a refresh token of their own, whose tokens are minted from a parent install's. */
export interface CrmLinkedAccounts {
  /** A fresh token for `accountId` from the parent's (retrying once after the parent's token was refused). */
  mintToken(
    env: CrmEnvironment,
    input: { parent: Installation; accountId: string; parentTokens: TokenSource },
  ): Promise<InstallationGrant>;
  /** Why a linked account cannot get a token when its parent install is gone (shown to the operator). */
  readonly parentGoneMessage: string;
}

// ---------------------------------------------------------------- inbound: POST /crm/:crm/:endpoint

/** A signed call a CRM POSTs to us: the raw body is what the signature covers. */
export interface CrmInboundCall {
  rawBody: string;
  headers: Headers;
}

/** Single-use keys (processed_events): a replayed call is refused. */
export interface CrmOncePort {
  /** False when `key` was claimed before. */
  claim(key: string): Promise<boolean>;
  release(key: string): Promise<void>;
}

/** A call whose signature, freshness and single use were checked. */
export interface VerifiedCrmCall {
  readonly body: unknown;
  /** Gives the single-use claim back when acting on the call failed, so the CRM's retry is not called a replay. */
  release(): Promise<void>;
}

/** The use case a verified call feeds (the services key their handlers by it, never by CRM). */
export type CrmInboundUse = 'app_event' | 'delivery';

export interface CrmInboundEndpoint {
  readonly use: CrmInboundUse;
  /** The route's middleware: a forged, stale or replayed call is a 401 (AppError) and nothing is stored. */
  verify(env: CrmEnvironment, call: CrmInboundCall, once: CrmOncePort): Promise<VerifiedCrmCall>;
}

// ---------------------------------------------------------------- session: POST /api/session

/** POST /api/session's body: `crm` names the module, the rest is the module's (its `body` schema). */
export interface CrmSessionBody {
  crm: string;
}

/** Who the CRM's signed context says is asking, and for which account. */
export interface CrmSessionIdentity {
  /** The installation is this account's… */
  accountId: string;
  /** …of this type when given (a location context never gets its agency's install). */
  accountType?: 'location' | 'company';
  /** The refusal when no active installation fits (default: not installed for this account). */
  notInstalledMessage?: string;
  userId: string;
  /** The role the CRM's context vouches for (absent: the module decides in `admit`). */
  role?: 'admin' | 'agent';
  /** The record the page was opened on. */
  contactId?: string;
  dealId?: string;
}

export interface CrmSessionPorts {
  /** When this sign-in material was first seen (now, on first sight); remembered `replayMemoryMs`. */
  firstSeenAt(material: string): Promise<number>;
  /** The installation's CRM access token (refresh serialized per installation). */
  tokenSource(): TokenSource;
}

export interface CrmSessionGrant {
  role: 'admin' | 'agent';
  /** The session's lifetime from now, when the CRM's material bounds it. */
  ttlSeconds?: number;
  /** The CRM user's locale, when the CRM says it (the pages speak it if supported). */
  locale?: string | null;
}

export interface CrmSessionHooks<B extends CrmSessionBody = CrmSessionBody> {
  /** The body for this CRM, `crm: z.literal(name)` included (the service unions them over the registry). */
  readonly body: z.ZodMiniObject;
  /** The signed context → identity; forged, expired or garbage is a 401 and writes nothing. */
  identify(env: CrmEnvironment, body: B): Promise<CrmSessionIdentity>;
  /** For the installation found: the role and lifetime (and what the CRM must be asked first). */
  admit(
    env: CrmEnvironment,
    input: { identity: CrmSessionIdentity; installation: Installation; body: B },
    ports: CrmSessionPorts,
  ): Promise<CrmSessionGrant>;
  /** How long `firstSeenAt` remembers material (the cron purges older); absent: never asked. */
  readonly replayMemoryMs?: number;
}

// ---------------------------------------------------------------- panel: GET /api/crm/person

/** The record the panel is open on. */
export interface CrmPanelTarget {
  personId?: string;
  dealId?: string;
}

export interface CrmPanelPhone {
  /** Cleaned for dialing: `+` and digits only when the CRM value had a country code. */
  value: string;
  /** As typed in the CRM. */
  raw: string;
  label?: string;
  primary: boolean;
  /** E.164 when the number can receive WhatsApp; null when it lacks a country code or is not a number. */
  e164: string | null;
  problem?: 'missing_country' | 'invalid_number';
}

/**
 * `ready`: one usable phone; `choose_phone`: several, the agent picks; `no_phone`: the person has no usable
 * phone; `no_person`: the deal has no person; `not_found`: the person or deal no longer exists.
 */
export type CrmPanelState = 'ready' | 'choose_phone' | 'no_phone' | 'no_person' | 'not_found';

export interface CrmPanelContext {
  state: CrmPanelState;
  message: string;
  dealId: string | null;
  person: { id: string; name: string; phones: CrmPanelPhone[] } | null;
  /** The phone to preselect: the primary usable one. */
  defaultPhone: string | null;
}

export interface CrmPanelPorts {
  tokenSource: TokenSource;
  /** The customer we linked to this CRM record (one known by WhatsApp username only: no phone, issue 11). */
  linkedCustomer(crmContactId: string): Promise<{ address: string } | null>;
}

export interface CrmPanelHooks {
  /** GET /api/crm/person's query: the record ids in the CRM's format. */
  readonly targetQuery: z.ZodMiniType<CrmPanelTarget>;
  context(
    env: CrmEnvironment,
    input: { installation: Installation; target: CrmPanelTarget },
    ports: CrmPanelPorts,
  ): Promise<CrmPanelContext>;
}
