// Property-based fuzz over every route and method of the app (issue 17 finding 5), against a target: odd path
// segments and query values, arbitrary and mutated bodies, with and without a session, and vendor calls whose
// signature is *valid* over an odd body (Meta HMAC, Twilio HMAC-SHA1, HighLevel Ed25519, CM.com's URL token), so the
// parsing behind each signature check is reached. Every answer must be < 500 (a vendor refusing a valid-looking
// request, 502 provider_error/crm_error, is the vendor's answer, not ours), carry the error envelope when it is a
// JSON error, and hold no stack trace and no secret.
// Fixed seed and a bounded number of runs in `npm test`; FUZZ_RUNS=5000 (and FUZZ_SEED=…) for a longer hunt.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../../mocks/meta';
import { buildTwilioInbound, DEFAULT_AUTH_TOKEN, signTwilioRequest } from '../../mocks/twilio';
import { buildCmInbound } from '../../mocks/cm';
import { CM_SIM_PRODUCT_TOKEN } from '../../mocks/cm';
import type { AppTarget } from '../app-target';
import { appRoutes } from './malformed-input';
import type { TargetRef } from '../use-target';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261217);

type Json = unknown;
interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Strings people and scanners put where an id, a phone or a number belongs. */
const ODD_TEXT = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '%',
  '%ZZ',
  '%252B39',
  '+39 333 123 4567',
  '+393331234567',
  '00393331234567',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\u0000',
  '\ud83d\ude00',
  '\u202e',
  'a'.repeat(3000),
  '9'.repeat(40),
  '2026-13-45T99:99:99Z',
  'con_',
  'msg_0000000000000000000000000',
];

/** Raw path segments sent as they are (not re-encoded): broken escapes, encoded slashes, dot segments. */
const RAW_SEGMENTS = [
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%F0%9F%98',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%00',
  '%252B39',
  '+39%20333',
];

const oddString = fc.oneof(
  fc.constantFrom(...ODD_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const oddJson: fc.Arbitrary<Json> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A leaf path of `value` (arrays and objects walked), for mutating one field of a genuine payload. */
function leafPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value as Record<string, Json>);
    const inner = entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
    return prefix.length ? [prefix, ...inner] : inner;
  }
  return [prefix];
}

function withValue(value: Json, path: (string | number)[], replacement: Json): Json {
  if (!path.length) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<
    string | number,
    Json
  >;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = withValue(copy[head], rest, replacement);
  return copy;
}

/** A genuine payload with one to three fields (anywhere in it) replaced, dropped or given odd values. */
function mutated(template: Json): fc.Arbitrary<Json> {
  const paths = leafPaths(template);
  return fc
    .array(fc.tuple(fc.constantFrom(...paths), fc.option(oddJson, { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((edits) => edits.reduce((doc, [path, replacement]) => withValue(doc, path, replacement), template));
}

function fillPath(path: string, segment: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const params = path.match(/:[A-Za-z]+\??|\*/g) ?? [];
  if (!params.length) return fc.constant(path);
  return fc.array(segment, { minLength: params.length, maxLength: params.length }).map((values) => {
    let i = 0;
    return path.replace(/:[A-Za-z]+\??|\*/g, () => values[i++] ?? 'x');
  });
}

const SECRET_VARS = [
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEY_PREVIOUS',
  'SESSION_SECRET',
  'META_APP_SECRET',
  'META_VERIFY_TOKEN',
  'HIGHLEVEL_CLIENT_SECRET',
  'HIGHLEVEL_SHARED_SECRET',
  'PIPEDRIVE_CLIENT_SECRET',
  'PIPEDRIVE_JWT_SECRET',
  'OPERATOR_TOKEN',
];

export interface FuzzTally {
  requests: number;
  fiveHundreds: number;
  /** 502 provider_error / crm_error: a simulated vendor refused what a fuzzed but well-formed request asked. */
  vendorRefusals: number;
  byRoute: Map<string, number>;
}

/** Builds the request arbitrary for `target` (its seeded ids, sessions and vendor secrets). */
async function requestArbitrary(target: AppTarget): Promise<fc.Arbitrary<() => Promise<FuzzRequest>>> {
  const hl = target.seed.highlevel;
  const ids = [
    ...Object.values(hl.connections).map((c) => c.id),
    target.seed.pipedrive.connection.id,
    hl.installation.id,
  ];
  const sessions = {
    admin: await target.session({ installationId: hl.installation.id, crm: 'highlevel', role: 'admin' }),
    agent: await target.session({
      installationId: hl.installation.id,
      crm: 'highlevel',
      role: 'agent',
      userId: 'fuzz-agent',
      contactId: 'fuzz-contact',
    }),
    pipedrive: await target.session({
      installationId: target.seed.pipedrive.installation.id,
      crm: 'pipedrive',
      role: 'admin',
    }),
  };
  const segment = fc.oneof(
    { weight: 3, arbitrary: oddString.map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 2, arbitrary: fc.constantFrom(...ids, encodeURIComponent('+393471234567')) },
  );
  const query = fc.option(
    fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'connectionId',
            'limit',
            'cursor',
            'before',
            'phone',
            'status',
            'code',
            'state',
            'error',
            'crm',
            'q',
            'hub.mode',
            'hub.challenge',
            'x',
          ),
          fc.oneof(
            oddString.map(encodeURIComponent),
            fc.constantFrom(...RAW_SEGMENTS, ...ids, '50', '0', '-5', '1.5', '999999999999'),
          ),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    { nil: '' },
  );
  const auth = fc.constantFrom<Record<string, string>>(
    {},
    { authorization: `Bearer ${sessions.admin}` },
    { authorization: `Bearer ${sessions.agent}` },
    { authorization: `Bearer ${sessions.pipedrive}` },
    { authorization: 'Bearer forged.token.value' },
    { authorization: 'Basic Zm9yZ2Vk' },
    { authorization: `Bearer ${target.vars.OPERATOR_TOKEN}` },
  );
  const apiTemplates: Json[] = [
    { connectionId: hl.connections.meta.id, to: '+393471234567', content: { type: 'text', text: 'hi' } },
    { provider: 'meta', credentials: { accessToken: 'x', wabaId: '1', phoneNumberId: '2' }, label: 'x' },
    { crm: 'pipedrive', token: 'a.b.c', surface: 'panel' },
    { cursor: '0:', limit: 10 },
    { name: 'c', connectionId: hl.connections.meta.id, template: { name: 'order_shipped', language: 'en' } },
  ];
  const body = fc.oneof(
    fc.constant<{ body?: string; type?: string }>({}),
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
    fc
      .constantFrom(...apiTemplates)
      .chain(mutated)
      .map((v) => ({ body: JSON.stringify(v) ?? 'null', type: 'application/json' })),
    fc
      .tuple(
        oddString,
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json'),
      )
      .map(([text, type]) => ({ body: text, type })),
  );
  const routes = appRoutes();
  const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
  const generic = fc
    .tuple(
      fc.constantFrom(...routes),
      fc.option(fc.constantFrom(...otherMethods), { freq: 4, nil: undefined }),
      query,
      auth,
      body,
    )
    .chain(([route, method, q, headers, b]) =>
      fillPath(route.path, segment).map((p) => {
        const m = method ?? route.method;
        const hasBody = m !== 'GET' && m !== 'HEAD' && b.body !== undefined;
        return {
          label: `${route.method} ${route.path}`,
          method: m,
          path: p + q,
          headers: { ...headers, ...(hasBody && b.type ? { 'content-type': b.type } : {}) },
          ...(hasBody ? { body: b.body } : {}),
        };
      }),
    );

  // Signed vendor calls over odd bodies: the signature is right, so what follows it is what gets fuzzed.
  const metaTemplate = metaMessagesWebhook(
    target.sims.meta.config,
    [metaInbound.text({ from: '393471234567' }, 'hello')],
    'Fuzz',
  );
  const metaSigned = fc
    .oneof(mutated(metaTemplate), fc.jsonValue({ maxDepth: 3 }))
    .map((v) => JSON.stringify(v) ?? 'null')
    .map((raw) => ({ raw }));
  const twilio = hl.connections.twilio;
  const twilioUrl = `${target.vars.APP_BASE_URL!.replace(/\/+$/, '')}/webhooks/twilio/${twilio.id}`;
  const twilioTemplate = buildTwilioInbound({ to: twilio.senderPhone, from: '+393471234567', body: 'hello' });
  const twilioParams = fc
    .tuple(
      mutated(twilioTemplate),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 2 }),
    )
    .map(([m, extra]) => {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...(m as Record<string, Json>), ...extra }))
        if (v !== undefined) params[k] = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
      return params;
    });
  const cm = hl.connections.cm;
  const cmTemplate = buildCmInbound({
    from: '+393471234567',
    to: cm.senderPhone,
    content: { type: 'text', text: 'x' },
  });
  const highlevel = target.sims.highlevel;
  const deliveryTemplate = {
    contactId: 'c1',
    locationId: highlevel.state.config.locationId,
    messageId: 'm1',
    type: 'SMS',
    phone: '+393471234567',
    message: 'hello',
    attachments: [],
    userId: highlevel.state.config.userId,
    conversationProviderId: highlevel.state.config.conversationProviderId,
  };
  // INSTALL, not UNINSTALL: a mutation that stays valid must not uninstall the demo under the rest of the run.
  const installTemplate = JSON.parse(highlevel.buildInstallEvent().body) as Json;
  const hlBody = (template: Json) =>
    fc.oneof(mutated(template), fc.jsonValue({ maxDepth: 3 })).map((v) => JSON.stringify(v) ?? 'null');

  const signed = fc.oneof(
    metaSigned.map(({ raw }) => ({ kind: 'meta' as const, raw })),
    twilioParams.map((params) => ({ kind: 'twilio' as const, params })),
    fc
      .oneof(mutated(cmTemplate), fc.jsonValue({ maxDepth: 3 }))
      .map((v) => ({ kind: 'cm' as const, raw: JSON.stringify(v) ?? 'null' })),
    hlBody(deliveryTemplate).map((raw) => ({ kind: 'hl-outbound' as const, raw })),
    hlBody(installTemplate).map((raw) => ({ kind: 'hl-events' as const, raw })),
  );

  return fc.oneof(
    { weight: 3, arbitrary: generic.map((r) => async (): Promise<FuzzRequest> => r) },
    {
      weight: 1,
      arbitrary: signed.map((s) => async (): Promise<FuzzRequest> => {
        const json = { 'content-type': 'application/json' };
        switch (s.kind) {
          case 'meta':
            return {
              label: 'signed POST /webhooks/meta',
              method: 'POST',
              path: '/webhooks/meta',
              headers: {
                ...json,
                'x-hub-signature-256': await signMetaWebhook(s.raw, target.vars.META_APP_SECRET!),
              },
              body: s.raw,
            };
          case 'twilio':
            return {
              label: 'signed POST /webhooks/twilio/:connectionId',
              method: 'POST',
              path: `/webhooks/twilio/${twilio.id}`,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-twilio-signature': await signTwilioRequest(DEFAULT_AUTH_TOKEN, twilioUrl, s.params),
              },
              body: new URLSearchParams(s.params).toString(),
            };
          case 'cm':
            return {
              label: 'token POST /webhooks/cm/:connectionId/:token',
              method: 'POST',
              path: `/webhooks/cm/${cm.id}/${encodeURIComponent(cm.webhookToken!)}`,
              headers: json,
              body: s.raw,
            };
          case 'hl-outbound':
          case 'hl-events': {
            const path = s.kind === 'hl-outbound' ? '/crm/highlevel/outbound' : '/crm/highlevel/events';
            return {
              label: `signed POST ${path}`,
              method: 'POST',
              path,
              headers: { ...json, 'x-ghl-signature': highlevel.signEvent(s.raw).signature },
              body: s.raw,
            };
          }
        }
      }),
    },
  );
}

function secretsOf(target: AppTarget): string[] {
  return [
    ...SECRET_VARS.map((k) => target.vars[k]).filter((v): v is string => !!v && v.length >= 8),
    DEFAULT_AUTH_TOKEN,
    CM_SIM_PRODUCT_TOKEN,
  ];
}

/** What is wrong with one answer ('' when nothing). */
export async function judge(res: Response, secrets: string[], method: string): Promise<string> {
  // A HEAD answer has the GET answer's headers and no body.
  const text = method === 'HEAD' || res.status === 204 || res.status === 304 ? '' : await res.text();
  const vendorAnswer = res.status === 502 && /"(provider|crm)_error"/.test(text);
  if (res.status >= 500 && !vendorAnswer) return `${res.status} ${text.slice(0, 200)}`;
  if (/\n\s+at [^\n]+:\d+:\d+|at async |node_modules|\.ts:\d+/.test(text))
    return `stack trace in ${res.status}`;
  const leaked = secrets.find((s) => text.includes(s));
  if (leaked) return `secret ${leaked.slice(0, 4)}… in ${res.status}`;
  if (text && res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (!envelope.error?.code || !envelope.error.message) return `${res.status} without an error envelope`;
    } catch {
      return `${res.status} JSON that does not parse`;
    }
  }
  return '';
}

export function fuzzSuite(ref: TargetRef, options: { runs?: number } = {}): void {
  const runs = options.runs ?? FUZZ_RUNS;
  const tally: FuzzTally = { requests: 0, fiveHundreds: 0, vendorRefusals: 0, byRoute: new Map() };
  describe(`fuzz: every route, odd input, valid signatures over odd bodies (${ref.kind})`, () => {
    afterAll(() => {
      // The figure docs/BENCHMARKS.md quotes.
      console.log(
        `fuzz (${ref.kind}): ${tally.requests} requests over ${tally.byRoute.size} routes, ` +
          `${tally.fiveHundreds} answered 5xx, ${tally.vendorRefusals} vendor refusals (502) (seed ${FUZZ_SEED}, ${runs} runs)`,
      );
    });

    it(`answers no 5xx, no stack and no secret to ${runs} fuzzed requests`, async () => {
      const target = ref.current;
      const secrets = secretsOf(target);
      const arbitrary = await requestArbitrary(target);
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(arbitrary, async (build) => {
          const r = await build();
          const res = await target.request(r.path, {
            method: r.method,
            headers: r.headers,
            ...(r.body === undefined ? {} : { body: r.body }),
          });
          tally.requests++;
          tally.byRoute.set(r.label, (tally.byRoute.get(r.label) ?? 0) + 1);
          const problem = await judge(res, secrets, r.method);
          if (res.status >= 500 && problem) tally.fiveHundreds++;
          else if (res.status === 502) tally.vendorRefusals++;
          // Collected rather than thrown: one run reports every distinct failure instead of shrinking the first.
          if (problem) failures.push(`${r.method} ${r.path.slice(0, 160)} [${r.label}] → ${problem}`);
        }),
        { seed: FUZZ_SEED, numRuns: runs },
      );
      expect(failures).toEqual([]);
    }, 600_000);
  });
}
