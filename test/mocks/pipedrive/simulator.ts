// Pipedrive simulator: OAuth server + one company's API (persons, deals, notes, users/me) as msw handlers.
// Stateful (tokens expire and refresh; notes are counted so tests catch duplicates), with fault injection.
import { http, HttpResponse } from 'msw';
import type { DefaultBodyType, HttpHandler, PathParams, StrictRequest } from 'msw';
import { SignJWT } from 'jose';
import { FaultInjector } from '../faults';
import { noteHandlers } from './note-handlers';
import { PipedriveState, dealWire, personWire, phoneKey } from './state';
import { badRequest, notFound } from './vendor-errors';

export interface PipedriveSimulatorOptions {
  oauthBaseUrl?: string;
  /** The company's api_domain handed out in token responses. */
  apiDomain?: string;
  clientId: string;
  clientSecret: string;
  companyId: number;
  userId?: number;
  companyName?: string;
  /** Access-token lifetime; Pipedrive's is 3599 s. */
  accessTokenTtlSec?: number;
  scope?: string;
  /** Burst limit per token per 2 s window (OAuth apps: 80 on Lite). Default: no enforcement. */
  burstLimit?: number;
  now?: () => number;
}

type MswRequest = StrictRequest<DefaultBodyType>;

const oauthError = (status: number, error: string, description: string) =>
  HttpResponse.json(
    { success: false, error, error_description: description, message: description },
    { status },
  );

export function createPipedriveSimulator(options: PipedriveSimulatorOptions) {
  const oauthBase = (options.oauthBaseUrl ?? 'https://oauth.pipedrive.com').replace(/\/+$/, '');
  const apiDomain = (options.apiDomain ?? 'https://acme.pipedrive.com').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const ttl = options.accessTokenTtlSec ?? 3599;
  const userId = options.userId ?? 1;
  const scope = options.scope ?? 'base,contacts:full,deals:read';
  const state = new PipedriveState(now);
  // The installing user administers the company; tests add agents with state.users.set(id, {admin: false}).
  state.users.set(userId, { name: 'Me', admin: true });
  const faults = new FaultInjector();
  const windows = new Map<string, { start: number; count: number }>();
  // msw hands DOM Requests; the shared FaultInjector is typed with the Workers Request (same object at runtime).
  const takeFault = (request: MswRequest) => faults.take(request as unknown as Request);

  // Pipedrive documents the raw pair: Basic base64(client_id:client_secret).
  const basicOk = (header: string | null) =>
    header === `Basic ${btoa(`${options.clientId}:${options.clientSecret}`)}`;

  const tokenBody = (t: { token: string; refreshToken: string }) => ({
    access_token: t.token,
    token_type: 'Bearer',
    expires_in: ttl,
    refresh_token: t.refreshToken,
    scope,
    api_domain: apiDomain,
  });

  /** Bearer check + burst window + rate headers; returns an early response or the headers to add. */
  function gate(request: MswRequest): Response | Record<string, string> {
    state.counters.apiRequests++;
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token || !state.isValidAccessToken(token)) {
      state.counters.unauthorized++;
      // Spec example for 401 (unathorizedResponse).
      return HttpResponse.json(
        { success: false, error: 'unauthorized access', errorCode: 401 },
        { status: 401 },
      );
    }
    const limit = options.burstLimit ?? 480;
    const w = windows.get(token);
    const window = w && now() - w.start < 2000 ? w : { start: now(), count: 0 };
    window.count++;
    windows.set(token, window);
    const resetSec = String(Math.max(1, Math.ceil((window.start + 2000 - now()) / 1000)));
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.count)),
      'x-ratelimit-reset': resetSec,
    };
    if (options.burstLimit !== undefined && window.count > limit) {
      return HttpResponse.json(
        { success: false, error: 'Request over limit', errorCode: 429 },
        { status: 429, headers: { ...headers, 'retry-after': resetSec } },
      );
    }
    return headers;
  }

  /**
   * Wraps an API handler: faults first, then auth/rate gate, then the handler with rate headers attached, then
   * "store then fail" faults (the handler's work stays done, its answer is replaced).
   */
  function api(handler: (args: { request: MswRequest; params: PathParams }) => Promise<Response> | Response) {
    return async ({ request, params }: { request: MswRequest; params: PathParams }) => {
      const injected = await takeFault(request);
      if (injected) return injected;
      const gated = gate(request);
      if (gated instanceof Response) return gated;
      const response = await handler({ request, params });
      const lost = await faults.take(request as unknown as Request, 'after');
      if (lost) return lost;
      for (const [k, v] of Object.entries(gated)) response.headers.set(k, v);
      return response;
    };
  }

  const id = (v: string | readonly string[] | undefined) => Number(Array.isArray(v) ? v[0] : v);

  const handlers: HttpHandler[] = [
    // Bodies are read from clones: the spec validator reads the original after the handler (msw response:mocked).
    // Real Pipedrive shows a consent page; the simulator approves at once and redirects with a code.
    http.get(`${oauthBase}/oauth/authorize`, async ({ request }) => {
      const injected = await takeFault(request);
      if (injected) return injected;
      const url = new URL(request.url);
      const redirectUri = url.searchParams.get('redirect_uri');
      if (url.searchParams.get('client_id') !== options.clientId || !redirectUri) {
        return new HttpResponse('unknown client_id or missing redirect_uri', { status: 400 });
      }
      const target = new URL(redirectUri);
      target.searchParams.set('code', simulator.issueAuthorizationCode(redirectUri));
      const stateParam = url.searchParams.get('state');
      if (stateParam) target.searchParams.set('state', stateParam);
      return new HttpResponse(null, { status: 302, headers: { location: target.toString() } });
    }),

    http.post(`${oauthBase}/oauth/token`, async ({ request }) => {
      const injected = await takeFault(request);
      if (injected) return injected;
      if (!basicOk(request.headers.get('authorization')))
        return oauthError(401, 'invalid_client', 'Invalid client credentials');
      const form = new URLSearchParams(await request.clone().text());
      const grant = form.get('grant_type');
      if (grant === 'authorization_code') {
        const code = form.get('code') ?? '';
        const entry = state.codes.get(code);
        state.codes.delete(code); // single use
        if (!entry || now() - entry.issuedAt > 5 * 60_000)
          return oauthError(400, 'invalid_grant', 'Invalid or expired authorization code');
        if (entry.redirectUri !== form.get('redirect_uri'))
          return oauthError(400, 'invalid_grant', 'redirect_uri mismatch');
        state.counters.codeExchanges++;
        return HttpResponse.json(tokenBody(state.issueTokens(ttl)));
      }
      if (grant === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        if (!state.refreshTokens.has(refresh))
          return oauthError(400, 'invalid_grant', 'Invalid refresh token');
        state.counters.tokenRefreshes++;
        // Pipedrive keeps the same refresh token and resets its 60-day expiry.
        return HttpResponse.json(tokenBody(state.issueTokens(ttl, refresh)));
      }
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grant}`);
    }),

    http.post(`${oauthBase}/oauth/revoke`, async ({ request }) => {
      const injected = await takeFault(request);
      if (injected) return injected;
      if (!basicOk(request.headers.get('authorization')))
        return oauthError(401, 'invalid_client', 'Invalid client credentials');
      state.revoke(new URLSearchParams(await request.clone().text()).get('token') ?? '');
      state.counters.revocations++;
      return new HttpResponse(null, { status: 200 });
    }),

    // Literal "search" must be registered before "/persons/:id".
    http.get(
      `${apiDomain}/api/v2/persons/search`,
      api(({ request }) => {
        state.counters.searches++;
        const url = new URL(request.url);
        const term = url.searchParams.get('term') ?? '';
        const exact = url.searchParams.get('exact_match') === 'true';
        if (term.length < (exact ? 1 : 2))
          return badRequest('Search term must be at least 2 characters long');
        const key = phoneKey(term);
        const fields = (url.searchParams.get('fields') ?? 'phone').split(',');
        const matches = [...state.persons.values()].filter(
          (p) =>
            (fields.includes('phone') &&
              key !== '' &&
              p.phones.some((ph) =>
                exact ? phoneKey(ph.value) === key : phoneKey(ph.value).includes(key),
              )) ||
            // Names: a username customer's person carries their BSUID in the name (issue 11).
            (fields.includes('name') &&
              (exact ? p.name === term : p.name.toLowerCase().includes(term.toLowerCase()))),
        );
        return HttpResponse.json({
          success: true,
          data: {
            items: matches.map((p) => ({
              result_score: exact ? 1 : 0.5,
              item: {
                id: p.id,
                type: 'person',
                name: p.name,
                phones: p.phones.map((ph) => ph.value),
                emails: [],
                visible_to: 3,
                owner: { id: 1 },
                custom_fields: [],
                notes: [],
              },
            })),
          },
          additional_data: {},
        });
      }),
    ),

    http.get(
      `${apiDomain}/api/v2/persons/:id`,
      api(({ params }) => {
        const person = state.persons.get(id(params.id));
        return person ? HttpResponse.json({ success: true, data: personWire(person) }) : notFound('Person');
      }),
    ),

    http.patch(
      `${apiDomain}/api/v2/persons/:id`,
      api(async ({ request, params }) => {
        const person = state.persons.get(id(params.id));
        if (!person) return notFound('Person');
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as { name?: unknown; phones?: unknown } | null;
        if (body && typeof body.name === 'string') person.name = body.name;
        if (body && Array.isArray(body.phones)) {
          person.phones = (body.phones as { value?: string; primary?: boolean; label?: string }[]).map(
            (p, i) => ({
              value: p.value ?? '',
              primary: p.primary ?? i === 0,
              label: p.label ?? 'work',
            }),
          );
        }
        person.update_time = state.v2Time();
        return HttpResponse.json({ success: true, data: personWire(person) });
      }),
    ),

    http.post(
      `${apiDomain}/api/v2/persons`,
      api(async ({ request }) => {
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as { name?: unknown; phones?: unknown } | null;
        if (!body || typeof body.name !== 'string' || body.name.trim() === '')
          return badRequest('Name must be given');
        const phones = Array.isArray(body.phones)
          ? (body.phones as { value?: string; primary?: boolean; label?: string }[])
          : [];
        const person = state.addPerson({ name: body.name, phones });
        state.counters.personsCreated++;
        return HttpResponse.json({ success: true, data: personWire(person) });
      }),
    ),

    http.get(
      `${apiDomain}/api/v2/deals/:id`,
      api(({ params }) => {
        const deal = state.deals.get(id(params.id));
        return deal
          ? HttpResponse.json({ success: true, data: dealWire(deal, state.v2Time()) })
          : notFound('Deal');
      }),
    ),

    ...noteHandlers({ apiDomain, state, userId, api }),

    http.get(
      `${apiDomain}/api/v1/users/me`,
      api(() =>
        HttpResponse.json({
          success: true,
          data: {
            id: userId,
            name: 'Me',
            default_currency: 'EUR',
            locale: 'en_US',
            lang: 1,
            email: 'me@pipedrive.com',
            phone: null,
            activated: true,
            last_login: '2019-11-21 08:45:56',
            created: '2018-11-13 09:16:26',
            modified: '2019-11-21 08:45:56',
            has_created_company: true,
            access: [
              { app: 'sales', admin: true, permission_set_id: '62cc4d7f-4038-4352-abf3-a8c1c822b631' },
            ],
            active_flag: true,
            timezone_name: 'Europe/Berlin',
            timezone_offset: '+01:00',
            role_id: 1,
            icon_url: null,
            is_you: true,
            is_deleted: false,
            company_id: options.companyId,
            company_name: options.companyName ?? 'Acme',
            company_domain: new URL(apiDomain).hostname.split('.')[0] ?? 'acme',
            company_country: 'EE',
            company_industry: 'IT Services',
            language: { language_code: 'en', country_code: 'US' },
          },
        }),
      ),
    ),
    http.get(
      `${apiDomain}/api/v1/users/:id`,
      api(({ params }) => {
        const id = Number(params.id);
        const user = state.users.get(id);
        if (!user) {
          return HttpResponse.json(
            { success: false, error: 'User not found', errorCode: 404 },
            { status: 404 },
          );
        }
        return HttpResponse.json({
          success: true,
          data: {
            id,
            name: user.name,
            email: `user${id}@pipedrive.com`,
            has_created_company: false,
            access: [{ app: 'global', admin: user.admin }],
            active_flag: true,
            locale: user.locale ?? 'en_US',
            is_you: false,
            is_deleted: false,
          },
        });
      }),
    ),
  ];

  const simulator = {
    handlers,
    state,
    faults,
    oauthBaseUrl: oauthBase,
    apiDomain,
    /** What the authorize page would hand the callback after the user clicks "Allow and install". */
    issueAuthorizationCode(redirectUri: string): string {
      const code = `sim-code-${Math.random().toString(36).slice(2)}`;
      state.codes.set(code, { redirectUri, issuedAt: now() });
      return code;
    },
    /** Tokens as if the app had been installed (skips the OAuth dance). */
    issueTokens() {
      const t = state.issueTokens(ttl);
      return { accessToken: t.token, refreshToken: t.refreshToken, expiresAt: t.expiresAt, apiDomain };
    },
    seedPerson: (input: {
      name: string;
      phones?: (string | { value: string; primary?: boolean; label?: string })[];
    }) => state.addPerson(input),
    seedDeal: (input: { title: string; personId?: number }) => state.addDeal(input),
    expireAccessTokens: () => state.expireAccessTokens(),
    /** A panel JWT as Pipedrive signs it (HS256, claims userId/companyId/iat/exp, 5-minute life). */
    async signPanelJwt(
      claims: { userId?: number; companyId?: number; iat?: number; exp?: number; [k: string]: unknown } = {},
      secret: string = options.clientSecret,
    ): Promise<string> {
      const iat = claims.iat ?? Math.floor(now() / 1000);
      return new SignJWT({
        userId: userId,
        companyId: options.companyId,
        ...claims,
        iat,
        exp: claims.exp ?? iat + 300,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(secret));
    },
    /** The DELETE Pipedrive's OAuth server sends to the callback URL on uninstall (RD/app-uninstallation). */
    buildUninstallRequest(input: {
      callbackUrl: string;
      clientId?: string;
      clientSecret?: string;
      companyId?: number;
      userId?: number;
      timestamp?: string;
    }): Request {
      const clientId = input.clientId ?? options.clientId;
      const secret = input.clientSecret ?? options.clientSecret;
      return new Request(input.callbackUrl, {
        method: 'DELETE',
        headers: {
          authorization: `Basic ${btoa(`${clientId}:${secret}`)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          client_id: clientId,
          company_id: input.companyId ?? options.companyId,
          user_id: input.userId ?? userId,
          timestamp: input.timestamp ?? new Date(now()).toISOString(),
        }),
      });
    },
  };
  return simulator;
}

export type PipedriveSimulator = ReturnType<typeof createPipedriveSimulator>;
