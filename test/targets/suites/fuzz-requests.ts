// The requests the route fuzz (fuzz.ts) sends to a target: every route and method with odd path segments, query
// values, bodies and sessions, and vendor calls signed validly over odd bodies.
import fc from 'fast-check';
import { buildCmInbound } from '../../mocks/cm';
import { metaInbound, metaMessagesWebhook, signMetaWebhook } from '../../mocks/meta';
import { buildTwilioInbound, DEFAULT_AUTH_TOKEN, signTwilioRequest } from '../../mocks/twilio';
import type { AppTarget } from '../app-target';
import { fillPath, mutated, oddString, RAW_SEGMENTS, type Json } from './fuzz-values';
import { appRoutes } from './malformed-input';

export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Builds the request arbitrary for `target` (its seeded ids, sessions and vendor secrets). */
export async function requestArbitrary(target: AppTarget): Promise<fc.Arbitrary<() => Promise<FuzzRequest>>> {
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
