// msw handlers simulating HighLevel's OAuth + API v2 (also served over HTTP in local mode). Bodies follow the
// examples in specs/highlevel/*.json; errors use HighLevel's `{statusCode, message, error?}` DTOs.
import { http, HttpResponse } from 'msw';
import type { DefaultBodyType, HttpHandler, StrictRequest } from 'msw';
import { FaultInjector } from '../faults';
import {
  createHighLevelSigner,
  encryptSsoPayload,
  installPayload,
  uninstallPayload,
} from './highlevel-events';
import type {
  HighLevelSigner,
  InstallEventInput,
  OutboundDeliveryPayload,
  SignedHighLevelEvent,
  UninstallEventInput,
} from './highlevel-events';
import { HighLevelSimulatorState } from './highlevel-state';
import type { SimAccessToken, SimUserType } from './highlevel-state';
import { apiHandlers } from './highlevel-api-handlers';
import { hlError } from './hl-error';
import { handleToken } from './highlevel-oauth-handlers';
import {
  TRIGGER_BASE_URL,
  triggerHandlers,
  triggerSubscriptionPayload,
  type SimTriggerFiring,
  type TriggerSubscriptionInput,
} from './highlevel-triggers';

export interface HighLevelSimulatorOptions {
  baseUrl?: string;
  authorizeUrl?: string;
  clientId: string;
  clientSecret: string;
  appId?: string;
  companyId?: string;
  locationId?: string;
  userId?: string;
  conversationProviderId?: string;
  /** Default 86399 s, HighLevel's `expires_in` example. */
  accessTokenTtlSec?: number;
  /** Enforce the burst limit per location/company (docs/Authorization.md: 100 / 10 s); off by default. */
  rateLimit?: { max: number; intervalMs: number };
  now?: () => number;
  random?: () => number;
}

export interface OutboundDeliveryInput {
  phone: string;
  /** An existing contact (e.g. one without phone, a WhatsApp username customer): its id and phone are sent. */
  contactId?: string;
  message: string;
  attachments?: string[];
  userId?: string;
  locationId?: string;
  /** Extra SMS providers receive "Custom" (highlevel-api-docs#55). */
  type?: string;
  contactName?: string;
}

export interface HighLevelSimulator {
  handlers: HttpHandler[];
  state: HighLevelSimulatorState;
  faults: FaultInjector;
  publicKeyPem: string;
  publicKeySpkiBase64: string;
  signEvent: HighLevelSigner['signEvent'];
  buildInstallEvent(
    input?: Partial<InstallEventInput>,
  ): SignedHighLevelEvent<ReturnType<typeof installPayload>>;
  buildUninstallEvent(
    input?: Partial<UninstallEventInput>,
  ): SignedHighLevelEvent<ReturnType<typeof uninstallPayload>>;
  /** A HighLevel user sends through our provider: the message is created in state (status pending) and the signed
   * Delivery URL payload is returned for the test to POST to the app. */
  buildOutboundDelivery(input: OutboundDeliveryInput): SignedHighLevelEvent<OutboundDeliveryPayload>;
  encryptSsoPayload(data: unknown, sharedSecret: string): string;
  /** Workflow triggers fired at our target URLs, in order (issue 15). */
  triggerFirings: SimTriggerFiring[];
  /** A workflow starts (or, with eventType DELETED, stops) using one of the app's triggers: the signed call. */
  buildTriggerSubscription(
    input: TriggerSubscriptionInput,
  ): SignedHighLevelEvent<ReturnType<typeof triggerSubscriptionPayload>>;
  /** Seeds an installation without the OAuth dance. */
  seedTokens(userType?: SimUserType): { accessToken: string; refreshToken: string; expiresAt: number };
}

type MswRequest = StrictRequest<DefaultBodyType>;
type FaultRequest = Parameters<FaultInjector['take']>[0];

const DEFAULT_VERSION = '2021-07-28';

export function createHighLevelSimulator(options: HighLevelSimulatorOptions): HighLevelSimulator {
  const base = (options.baseUrl ?? 'https://services.leadconnectorhq.com').replace(/\/+$/, '');
  const authorizeUrl = options.authorizeUrl ?? 'https://marketplace.gohighlevel.com/oauth/chooselocation';
  const now = options.now ?? (() => Date.now());
  const state = new HighLevelSimulatorState({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    appId: options.appId ?? 've9EPM428h8vShlRW1KT',
    companyId: options.companyId ?? 'GNb7aIv4rQFVb9iwNl5K',
    locationId: options.locationId ?? 'otg8dTQqGLh3Q6iQI55w',
    userId: options.userId ?? 'MKQJ7wOVVmNOMvrnKKKK',
    conversationProviderId: options.conversationProviderId ?? '61d6d1f9cdac7612faf80753',
    accessTokenTtlSec: options.accessTokenTtlSec ?? 86399,
    now,
  });
  const faults = new FaultInjector(options.random);
  const signer = createHighLevelSigner();
  const windows = new Map<string, { start: number; count: number }>();
  const triggerFirings: SimTriggerFiring[] = [];
  // Trigger target URLs: their own host against HighLevel's default base (outside its API spec), the loopback
  // base itself in local mode (the Worker accepts its configured HighLevel origin as a target).
  const triggerBase = base === 'https://services.leadconnectorhq.com' ? TRIGGER_BASE_URL : base;

  /** Faults, Version header, bearer token, burst limit: what every API handler checks before its work. */
  async function guard(request: MswRequest, version: string): Promise<Response | SimAccessToken> {
    const fault = await faults.take(request.clone() as unknown as FaultRequest);
    if (fault) return fault;
    const auth = request.headers.get('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const url = new URL(request.url);
    state.requests.push({
      method: request.method,
      path: url.pathname,
      version: request.headers.get('version') ?? undefined,
      token,
    });
    if (request.headers.get('version') !== version) return hlError(400, `Version header must be ${version}`);
    const t = state.validAccessToken(token);
    if (!t) return hlError(401, 'Invalid JWT');
    if (options.rateLimit) {
      const key = t.locationId ?? t.companyId;
      const w = windows.get(key);
      const win = w && now() - w.start < options.rateLimit.intervalMs ? w : { start: now(), count: 0 };
      win.count++;
      windows.set(key, win);
      if (win.count > options.rateLimit.max) {
        return hlError(
          429,
          'Too many requests',
          {},
          {
            'X-RateLimit-Max': String(options.rateLimit.max),
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Interval-Milliseconds': String(options.rateLimit.intervalMs - (now() - win.start)),
          },
        );
      }
    }
    return t;
  }

  const handlers: HttpHandler[] = [
    // Consent screen stand-in for local mode: approves at once and redirects with ?code= (and state, if given).
    http.get(authorizeUrl, ({ request }) => {
      const url = new URL(request.url);
      const redirectUri = url.searchParams.get('redirect_uri');
      if (url.searchParams.get('client_id') !== state.config.clientId || !redirectUri) {
        return new HttpResponse('Invalid client_id or redirect_uri', { status: 400 });
      }
      const scopes = (url.searchParams.get('scope') ?? '').split(/\s+/).filter(Boolean);
      const target = new URL(redirectUri);
      target.searchParams.set('code', state.issueCode({ redirectUri, scopes }));
      const st = url.searchParams.get('state');
      if (st) target.searchParams.set('state', st);
      return HttpResponse.redirect(target.toString(), 302);
    }),

    http.post(`${base}/oauth/token`, async ({ request }) => {
      const fault = await faults.take(request.clone() as unknown as FaultRequest);
      return fault ?? handleToken(state, await request.text(), request.headers.get('content-type'));
    }),

    http.post(`${base}/oauth/locationToken`, async ({ request }) => {
      const t = await guard(request, DEFAULT_VERSION);
      if (t instanceof Response) return t;
      if (t.userType !== 'Company') return hlError(401, 'This route requires an Agency (Company) token');
      const form = new URLSearchParams(await request.text());
      const companyId = form.get('companyId');
      const locationId = form.get('locationId');
      if (!companyId || !locationId)
        return hlError(422, 'companyId and locationId are required', {
          message: ['companyId and locationId are required'],
        });
      if (companyId !== t.companyId) return hlError(400, 'companyId does not match the token');
      const lt = state.issueLocationToken(companyId, locationId, t.userId, t.scopes);
      return HttpResponse.json({
        access_token: lt.token,
        token_type: 'Bearer',
        expires_in: state.config.accessTokenTtlSec,
        scope: lt.scopes.join(' '),
        locationId,
        userId: lt.userId,
        planId: 'l1C08ntBrFjLS0elLIYU',
      });
    }),

    ...triggerHandlers(state, faults, triggerFirings, now, triggerBase),
    ...apiHandlers({
      base,
      state,
      guard,
      // The handler has read the body: matchers see the method, URL and headers.
      lost: (request) =>
        faults.take(new Request(request.url, { method: request.method, headers: request.headers }), 'after'),
    }),
  ];

  function buildOutboundDelivery(
    input: OutboundDeliveryInput,
  ): SignedHighLevelEvent<OutboundDeliveryPayload> {
    const locationId = input.locationId ?? state.config.locationId;
    const known = input.contactId ? state.contacts.get(input.contactId) : undefined;
    const contact =
      known ?? state.upsertContact({ locationId, phone: input.phone, name: input.contactName }).contact;
    const conversation =
      state.conversationOf(locationId, contact.id) ?? state.createConversation(locationId, contact.id);
    const m = state.addMessage({
      locationId,
      conversationId: conversation.id,
      contactId: contact.id,
      direction: 'outbound',
      type: 'TYPE_CUSTOM_PROVIDER_SMS',
      message: input.message,
      attachments: input.attachments ?? [],
      conversationProviderId: state.config.conversationProviderId,
      origin: 'delivery',
    });
    return signer.signEvent<OutboundDeliveryPayload>({
      contactId: contact.id,
      locationId,
      messageId: m.id,
      type: input.type ?? 'SMS',
      phone: known ? known.phone : input.phone,
      message: input.message,
      attachments: input.attachments ?? [],
      userId: input.userId ?? state.config.userId,
    });
  }

  return {
    handlers,
    state,
    faults,
    triggerFirings,
    buildTriggerSubscription: (input) =>
      signer.signEvent(
        triggerSubscriptionPayload({
          ...input,
          locationId: input.locationId ?? state.config.locationId,
          triggerBase,
        }),
      ),
    publicKeyPem: signer.publicKeyPem,
    publicKeySpkiBase64: signer.publicKeySpkiBase64,
    signEvent: signer.signEvent,
    buildInstallEvent: (input = {}) =>
      signer.signEvent(
        installPayload(
          {
            appId: state.config.appId,
            companyId: state.config.companyId,
            locationId: 'locationId' in input ? input.locationId : state.config.locationId,
            userId: state.config.userId,
            ...input,
          },
          now(),
        ),
      ),
    buildUninstallEvent: (input = {}) =>
      signer.signEvent(
        uninstallPayload(
          {
            appId: state.config.appId,
            locationId:
              'companyId' in input && !('locationId' in input) ? undefined : state.config.locationId,
            ...input,
          },
          now(),
        ),
      ),
    buildOutboundDelivery,
    encryptSsoPayload,
    seedTokens: (userType = 'Location') =>
      state.issueTokens({
        userType,
        companyId: state.config.companyId,
        locationId: userType === 'Location' ? state.config.locationId : undefined,
        userId: state.config.userId,
        scopes: [],
      }),
  };
}
