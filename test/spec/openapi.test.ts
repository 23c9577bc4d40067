import { describe, expect, it } from 'vitest';
import { specExample } from './examples';
import { findOperations, validateRequest, validateResponse } from './openapi';
import type { ValidationResult } from './openapi';

const META = 'https://graph.facebook.com/v23.0/1234567890/messages';
const TWILIO_MESSAGES =
  'https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json';
const HL_INBOUND = 'https://services.leadconnectorhq.com/conversations/messages/inbound';

const paths = (r: ValidationResult) => r.errors.map((e) => `${e.path}: ${e.message}`);

describe('operation lookup', () => {
  it('matches templates on the path after the vendor base', () => {
    expect(findOperations('meta', 'POST', META).map((c) => c.ref.operationId)).toEqual(['sendMessage']);
    expect(findOperations('twilio', 'POST', TWILIO_MESSAGES).map((c) => c.ref.operationId)).toEqual([
      'CreateMessage',
    ]);
    expect(findOperations('highlevel', 'POST', HL_INBOUND).map((c) => c.ref.path)).toEqual([
      '/conversations/messages/inbound',
    ]);
    const v2 = findOperations('pipedrive', 'GET', 'https://acme.pipedrive.com/api/v2/persons/5');
    expect(v2.map((c) => [c.ref.doc, c.ref.operationId])).toEqual([['openapi-v2.yaml', 'getPerson']]);
    const v1 = findOperations('pipedrive', 'GET', 'https://acme.pipedrive.com/v1/persons/search?term=x');
    expect(v1.map((c) => [c.ref.doc, c.ref.path])).toEqual([['openapi-v1.yaml', '/persons/search']]);
  });

  it('prefers literal segments over parameters and strips a test base path', () => {
    const c = findOperations(
      'pipedrive',
      'GET',
      'http://127.0.0.1:8787/mock/pipedrive/api/v2/deals/archived',
      'http://127.0.0.1:8787/mock/pipedrive',
    );
    expect(c.map((x) => x.ref.path)).toEqual(['/deals/archived']);
  });

  it('rejects an unknown operation (mocks cannot invent endpoints)', () => {
    const r = validateResponse('meta', {
      method: 'GET',
      url: 'https://graph.facebook.com/v23.0/1/not_a_thing/x/y',
      status: 200,
      body: {},
    });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ path: 'url' });
    expect(r.errors[0]?.message).toContain('no operation');
    const wrongMethod = validateRequest('highlevel', { method: 'DELETE', url: HL_INBOUND });
    expect(wrongMethod.ok).toBe(false);
  });
});

describe('Meta', () => {
  it("validates the spec's own send-message 200 example", () => {
    const body = specExample('meta', { method: 'POST', url: META, status: 200, name: 'Example response' });
    expect(validateResponse('meta', { method: 'POST', url: META, status: 200, body })).toMatchObject({
      ok: true,
    });
  });

  it('validates send-message request examples (text + template)', () => {
    for (const name of ['Send Text Message', 'Send Message Template Text']) {
      const body = specExample('meta', { method: 'POST', url: META, status: 'request', name });
      const r = validateRequest('meta', { method: 'POST', url: META, body, contentType: 'application/json' });
      expect(paths(r), name).toEqual([]);
    }
  });

  it("validates the spec's read receipt example (patched) and rejects a receipt without message_id", () => {
    const name = 'Send typing indicator and read receipt';
    const body = specExample('meta', { method: 'POST', url: META, status: 'request', name });
    expect(paths(validateRequest('meta', { method: 'POST', url: META, body }))).toEqual([]);
    const bad = validateRequest('meta', {
      method: 'POST',
      url: META,
      body: { messaging_product: 'whatsapp', status: 'read' },
    });
    expect(paths(bad)).toContain("request.body: must have required property 'message_id'");
  });

  it('dispatches on the discriminator and reports the intended branch', () => {
    const body = { messaging_product: 'whatsapp', to: '15550001111', type: 'text', txt: { body: 'hi' } };
    const r = validateRequest('meta', { method: 'POST', url: META, body });
    expect(r.ok).toBe(false);
    expect(paths(r)).toContain("request.body: must have required property 'text'");
    expect(paths(r)).toContain("request.body: must NOT have unevaluated property 'txt'");
    const bad = validateRequest('meta', { method: 'POST', url: META, body: { ...body, type: 'telegram' } });
    expect(paths(bad).join('\n')).toMatch(/request\.body\/type: must be equal to one of the allowed values/);
  });

  it('rejects a response with a wrong type (Meta response schemas require nothing, so no missing-field case)', () => {
    const ok = {
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1555', wa_id: '1555' }],
      messages: [{ id: 'wamid.X' }],
    };
    const wrongId = validateResponse('meta', {
      method: 'POST',
      url: META,
      status: 200,
      body: { ...ok, messages: [{ id: 7 }] },
    });
    expect(paths(wrongId)).toContain('response.body/messages/0/id: must be string');
    const wrongType = validateResponse('meta', {
      method: 'POST',
      url: META,
      status: 200,
      body: { ...ok, messages: 'x' },
    });
    expect(paths(wrongType)).toContain('response.body/messages: must be array');
  });

  it('accepts a JSON string body and reports invalid JSON', () => {
    const r = validateResponse('meta', {
      method: 'POST',
      url: META,
      status: 200,
      body: '{"oops',
      contentType: 'application/json',
    });
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.path).toBe('response.body');
  });
});

describe('Twilio', () => {
  const message = {
    account_sid: 'AC00000000000000000000000000000001',
    api_version: '2010-04-01',
    body: 'Hello',
    date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
    date_sent: null,
    date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: 'whatsapp:+15552223333',
    messaging_service_sid: null,
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: 'SM00000000000000000000000000000001',
    status: 'queued',
    subresource_uris: {
      media:
        '/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/SM00000000000000000000000000000001/Media.json',
    },
    to: 'whatsapp:+15554445555',
    uri: '/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/SM00000000000000000000000000000001.json',
  };

  it('validates a Message resource (201 create) and rejects a bad status enum', () => {
    expect(
      paths(validateResponse('twilio', { method: 'POST', url: TWILIO_MESSAGES, status: 201, body: message })),
    ).toEqual([]);
    const bad = validateResponse('twilio', {
      method: 'POST',
      url: TWILIO_MESSAGES,
      status: 201,
      body: { ...message, status: 'sentish' },
    });
    expect(paths(bad).join('\n')).toMatch(
      /^response\.body\/status: must be equal to one of the allowed values/,
    );
  });

  it('validates form-encoded requests with coercion, and rejects bad ones', () => {
    const form = new URLSearchParams({
      To: 'whatsapp:+15554445555',
      From: 'whatsapp:+15552223333',
      Body: 'hi',
      ValidityPeriod: '600',
    });
    const ct = 'application/x-www-form-urlencoded';
    expect(
      paths(
        validateRequest('twilio', {
          method: 'POST',
          url: TWILIO_MESSAGES,
          contentType: ct,
          body: form.toString(),
        }),
      ),
    ).toEqual([]);
    form.delete('To');
    form.set('ValidityPeriod', 'soon');
    const r = validateRequest('twilio', {
      method: 'POST',
      url: TWILIO_MESSAGES,
      contentType: ct,
      body: form,
    });
    expect(paths(r)).toEqual([
      "request.body: must have required property 'To'",
      'request.body/ValidityPeriod: must be integer',
    ]);
  });

  it('validates the ContentAndApprovals page example and rejects a wrong type', () => {
    const url = 'https://content.twilio.com/v1/ContentAndApprovals?PageSize=50';
    const page = specExample<{ contents: Array<Record<string, unknown>> }>('twilio', {
      method: 'GET',
      url,
      name: 'readResults',
    });
    expect(paths(validateResponse('twilio', { method: 'GET', url, status: 200, body: page }))).toEqual([]);
    page.contents[0] = { ...page.contents[0], friendly_name: 42 };
    const r = validateResponse('twilio', { method: 'GET', url, status: 200, body: page });
    expect(paths(r)).toContain('response.body/contents/0/friendly_name: must be string,null');
  });
});

describe('HighLevel', () => {
  const inbound = {
    success: true,
    conversationId: 'c1',
    messageId: 'm1',
    message: 'ok',
    contactId: 'k1',
    dateAdded: '2024-01-01T00:00:00.000Z',
  };

  it('validates the inbound-message response and rejects a missing required field', () => {
    expect(
      paths(validateResponse('highlevel', { method: 'POST', url: HL_INBOUND, status: 200, body: inbound })),
    ).toEqual([]);
    const { messageId: _drop, ...missing } = inbound;
    const r = validateResponse('highlevel', { method: 'POST', url: HL_INBOUND, status: 200, body: missing });
    expect(paths(r)).toEqual(["response.body: must have required property 'messageId'"]);
  });

  it('resolves the ../common/common-schemas.json refs for error responses', () => {
    const r = validateResponse('highlevel', {
      method: 'POST',
      url: HL_INBOUND,
      status: 400,
      body: { statusCode: 400, message: 'Bad Request' },
    });
    expect(paths(r)).toEqual([]);
    const bad = validateResponse('highlevel', {
      method: 'POST',
      url: HL_INBOUND,
      status: 400,
      body: { statusCode: '400' },
    });
    expect(paths(bad)).toEqual(['response.body/statusCode: must be number']);
  });

  it('flags undocumented statuses unless allowed', () => {
    const r = validateResponse('highlevel', { method: 'POST', url: HL_INBOUND, status: 418, body: {} });
    expect(r.errors[0]?.path).toBe('response.status');
    const allowed = validateResponse(
      'highlevel',
      { method: 'POST', url: HL_INBOUND, status: 418, body: {} },
      { allowUndocumentedStatus: () => true },
    );
    expect(allowed.ok).toBe(true);
  });
});

describe('Pipedrive', () => {
  const url = 'https://acme.pipedrive.com/api/v2/persons/5';
  const person = {
    success: true,
    data: {
      id: 5,
      name: 'Ada Lovelace',
      owner_id: 1,
      org_id: null,
      add_time: '2024-01-01T00:00:00Z',
      update_time: '2024-01-02T00:00:00Z',
      emails: [{ value: 'ada@example.com', primary: true, label: 'work' }],
      phones: [{ value: '+15550001111', primary: true, label: 'mobile' }],
    },
  };

  it('validates a v2 person (spec example and a hand-written one)', () => {
    const example = specExample('pipedrive', { method: 'GET', url });
    expect(paths(validateResponse('pipedrive', { method: 'GET', url, status: 200, body: example }))).toEqual(
      [],
    );
    const r = validateResponse('pipedrive', { method: 'GET', url, status: 200, body: person });
    expect(paths(r).filter((p) => !p.includes('org_id'))).toEqual([]);
  });

  it('rejects a wrong type deep in the body with a useful path', () => {
    const bad = structuredClone(person);
    (bad.data.phones[0] as Record<string, unknown>).primary = 'yes';
    const r = validateResponse('pipedrive', { method: 'GET', url, status: 200, body: bad });
    expect(paths(r)).toContain('response.body/data/phones/0/primary: must be boolean');
  });

  it('checks required query parameters', () => {
    const r = validateRequest('pipedrive', {
      method: 'GET',
      url: 'https://acme.pipedrive.com/api/v2/persons/search',
    });
    expect(paths(r)).toContain("request.query: must have required property 'term'");
    expect(
      validateRequest('pipedrive', {
        method: 'GET',
        url: 'https://acme.pipedrive.com/api/v2/persons/search?term=ada',
      }).ok,
    ).toBe(true);
  });

  it('accepts v1 "YYYY-MM-DD HH:MM:SS" date-times (its own examples use them)', () => {
    const v1 = 'https://acme.pipedrive.com/v1/activityTypes';
    const example = specExample('pipedrive', { method: 'GET', url: v1 });
    expect(
      paths(validateResponse('pipedrive', { method: 'GET', url: v1, status: 200, body: example })),
    ).toEqual([]);
  });
});

describe('performance', () => {
  it('answers from cache after first load', () => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++)
      validateRequest('meta', {
        method: 'POST',
        url: META,
        body: { messaging_product: 'whatsapp', to: '1', type: 'text', text: { body: String(i) } },
      });
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
