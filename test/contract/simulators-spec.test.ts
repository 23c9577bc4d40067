// DESIGN.md §7: "a test validates every simulator handler's responses against the vendor spec". Every handler of
// the Meta, Twilio, HighLevel and Pipedrive simulators is driven once (through our own adapters and clients where
// they exist, so their requests are checked too) with attachSpecValidation, and no violation may remain: vendor-spec
// gaps are fixed once, with their reason, in test/spec/spec-patches.ts, never filtered here.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHighLevelAdapter } from '../../adapters/crm/highlevel/highlevel-adapter';
import { createHighLevelClient } from '../../adapters/crm/highlevel/highlevel-client';
import { getLocationToken, refreshHighLevelToken } from '../../adapters/crm/highlevel/highlevel-oauth';
import { createPipedriveAdapter } from '../../adapters/crm/pipedrive/pipedrive-adapter';
import { createPipedriveClient } from '../../adapters/crm/pipedrive/pipedrive-client';
import type { CrmMessageRecord } from '../../adapters/crm/types';
import type { SpecViolation } from '../spec/msw-validation';
import { attachSpecValidation, formatViolations } from '../spec/msw-validation';
import { META_SAMPLE_MEDIA } from '../mocks/meta';
import { metaFixture } from './meta.fixture';
import { twilioFixture } from './twilio.fixture';
import { createHighLevelSimulator } from '../mocks/highlevel';
import { createPipedriveSimulator } from '../mocks/pipedrive/simulator';
import { CONTRACT_CUSTOMER } from './provider-fixture';

const HL = 'https://services.hl-spec.test';
const PD = 'https://acme.pd-spec.test';
const hl = createHighLevelSimulator({
  baseUrl: HL,
  clientId: 'hl-client',
  clientSecret: 'hl-secret-0123456789',
});
const pd = createPipedriveSimulator({
  clientId: 'pd-client',
  clientSecret: 'pd-secret-0123456789',
  companyId: 1,
  apiDomain: PD,
  oauthBaseUrl: 'https://oauth.pd-spec.test',
});
const server = setupServer(
  ...metaFixture.handlers,
  ...twilioFixture.handlers,
  ...hl.handlers,
  ...pd.handlers,
);
const validation = attachSpecValidation(server, {
  vendorBases: [
    ...metaFixture.specBases,
    ...twilioFixture.specBases,
    { baseUrl: HL, spec: 'highlevel' },
    // Pipedrive serves v1 at {api_domain}/api/v1 while the v1 spec's server is /v1.
    { baseUrl: `${PD}/api/v1`, spec: 'pipedrive-v1' },
    { baseUrl: `${PD}/api/v2`, spec: 'pipedrive-v2' },
  ],
  // Documented statuses are always checked; error bodies the vendors never documented are not.
  allowUndocumentedStatus: (status) => status >= 400,
});

/** Drives `run`, then returns the operations it reached and the violations that remain. */
async function drive(
  run: () => Promise<void>,
): Promise<{ operations: string[]; violations: SpecViolation[] }> {
  const seen: string[] = [];
  const listener = ({ request }: { request: Request }) =>
    void seen.push(`${request.method} ${new URL(request.url).pathname}`);
  server.events.on('response:mocked', listener);
  try {
    await run();
    await validation.settled();
  } finally {
    server.events.removeListener('response:mocked', listener);
  }
  const violations = validation.violations();
  validation.reset();
  return { operations: seen, violations };
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  validation.detach();
  server.close();
});

describe('every simulator handler answers what the vendor spec says', () => {
  it('Meta: list templates, create template, send, read receipt, phone number and WABA nodes, media URL and download', async () => {
    metaFixture.reset();
    if (metaFixture.listing.supported) metaFixture.listing.seed(60);
    const adapter = metaFixture.adapter();
    const { operations, violations } = await drive(async () => {
      for await (const page of adapter.listTemplates()) void page;
      await adapter.submitTemplate({
        name: 'spec_check_template',
        language: 'en_US',
        category: 'UTILITY',
        parameterFormat: 'POSITIONAL',
        components: { body: 'Your order {{1}} has shipped today.', buttons: [] },
        examples: { 'body.1': 'A-1001' },
      });
      for (const s of metaFixture.sends) await adapter.send(s.message());
      await adapter.testCredentials();
      const waba = await fetch(`https://graph.contract.test/v23.0/102290129340398`, {
        headers: { authorization: 'Bearer EAAsimulatorMetaAccessToken0001' },
      });
      expect(waba.status).toBe(200);
      // Inbound media: the id resolves to a short-lived URL, the URL (same Bearer token) to the bytes.
      const media = await adapter.fetchMedia!({ mediaId: META_SAMPLE_MEDIA.image.id });
      expect(new Uint8Array(await new Response(media.body).arrayBuffer())).toEqual(
        META_SAMPLE_MEDIA.image.bytes,
      );
      // Read receipt: same /messages operation, a customer message the simulator delivered.
      await adapter.markRead!(metaFixture.deliveredInboundId!());
      // The customer deleted a message: its media is deleted at Meta too (spec deleteMedia).
      await adapter.deleteMedia!({ mediaId: META_SAMPLE_MEDIA.document.id });
    });
    expect(violations, formatViolations(violations)).toEqual([]);
    const normalized = operations.map((o) =>
      o.replace(/whatsapp_media_\w+/, ':media-url').replace(/\d{6,}/g, ':id'),
    );
    expect(new Set(normalized)).toEqual(
      new Set([
        'GET /v23.0/:id/message_templates',
        'POST /v23.0/:id/message_templates',
        'POST /v23.0/:id/messages',
        'GET /v23.0/:id',
        'GET /v23.0/:media-url',
        'DELETE /v23.0/:id',
      ]),
    );
  });

  it('Twilio: send, fetch account and its number, list ContentAndApprovals, create Content, request and fetch approval', async () => {
    twilioFixture.reset();
    if (twilioFixture.listing.supported) twilioFixture.listing.seed(60);
    const adapter = twilioFixture.adapter();
    const { operations, violations } = await drive(async () => {
      for await (const page of adapter.listTemplates()) void page;
      for (const s of twilioFixture.sends) await adapter.send(s.message());
      await adapter.testCredentials();
      const submitted = await adapter.submitTemplate({
        name: 'spec_check_template',
        language: 'en',
        category: 'UTILITY',
        parameterFormat: 'POSITIONAL',
        components: { body: 'Your order {{1}} has shipped today.', buttons: [] },
        examples: { 'body.1': 'A-1001' },
      });
      const auth = {
        authorization: `Basic ${btoa('AC25c0d4b9093547216c460212e24e77ee:simulated_auth_token_0123456789abcdef')}`,
      };
      const approval = await fetch(
        `https://content.twilio.contract.test/v1/Content/${submitted.providerTemplateId}/ApprovalRequests`,
        {
          headers: auth,
        },
      );
      expect(approval.status).toBe(200);
    });
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(new Set(operations.map((o) => o.replace(/(AC|HX)[0-9a-f]{32}/g, ':sid')))).toEqual(
      new Set([
        'GET /v1/ContentAndApprovals',
        'POST /2010-04-01/Accounts/:sid/Messages.json',
        'GET /2010-04-01/Accounts/:sid.json',
        'GET /2010-04-01/Accounts/:sid/IncomingPhoneNumbers.json',
        'POST /v1/Content',
        'POST /v1/Content/:sid/ApprovalRequests/whatsapp',
        'GET /v1/Content/:sid/ApprovalRequests',
      ]),
    );
  });

  it('HighLevel: token refresh, location token, contact upsert, conversation search / create, inbound, status', async () => {
    const company = hl.seedTokens('Company');
    const location = hl.seedTokens();
    let token = location.accessToken;
    const client = createHighLevelClient({
      baseUrl: HL,
      tokenSource: { get: async () => token, refresh: async () => token },
    });
    const adapter = createHighLevelAdapter({
      client,
      locationId: hl.state.config.locationId,
      conversationProviderId: hl.state.config.conversationProviderId,
    });
    const record: CrmMessageRecord = {
      messageId: 'msg_spec_1',
      direction: 'inbound',
      customerPhone: CONTRACT_CUSTOMER,
      customerName: 'Ann Lee',
      text: 'Hello',
      attachments: [],
      occurredAt: Date.now(),
      status: 'delivered',
      origin: 'customer',
    };
    const { operations, violations } = await drive(async () => {
      const refreshed = await refreshHighLevelToken({
        tokenUrl: `${HL}/oauth/token`,
        clientId: 'hl-client',
        clientSecret: 'hl-secret-0123456789',
        refreshToken: location.refreshToken,
        userType: 'Location',
        locationId: hl.state.config.locationId,
      });
      token = refreshed.accessToken;
      await getLocationToken({
        baseUrl: HL,
        companyAccessToken: company.accessToken,
        companyId: hl.state.config.companyId,
        locationId: hl.state.config.locationId,
      });
      await adapter.recordMessage(record); // upsert, search (none), create conversation, inbound
      await adapter.recordMessage({ ...record, messageId: 'msg_spec_2' }); // search finds it this time
      const delivery = hl.buildOutboundDelivery({ phone: CONTRACT_CUSTOMER, message: 'From HighLevel' });
      await adapter.recordStatus({
        ...record,
        origin: 'crm',
        direction: 'outbound',
        crmMessageId: delivery.payload.messageId,
      });
    });
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(
      new Set(operations.map((o) => o.replace(/messages\/[^/]+\/status/, 'messages/:id/status'))),
    ).toEqual(
      new Set([
        'POST /oauth/token',
        'POST /oauth/locationToken',
        'POST /contacts/upsert',
        'GET /conversations/search',
        'POST /conversations/',
        'POST /conversations/messages/inbound',
        'PUT /conversations/messages/:id/status',
      ]),
    );
  });

  it('Pipedrive: person search / get / create, deal, note create / update / list, users/me', async () => {
    const tokens = pd.issueTokens();
    const client = createPipedriveClient({
      apiDomain: PD,
      tokenSource: { get: async () => tokens.accessToken, refresh: async () => tokens.accessToken },
    });
    const adapter = createPipedriveAdapter({ client, createUnknownPersons: true });
    const { operations, violations } = await drive(async () => {
      const delivered = await adapter.recordMessage({
        messageId: 'msg_spec_1',
        direction: 'inbound',
        customerPhone: CONTRACT_CUSTOMER,
        customerName: 'Ann Lee',
        text: 'Hello',
        attachments: [],
        occurredAt: Date.now(),
        status: 'delivered',
        origin: 'customer',
      });
      const person = await client.getPerson(Number(delivered.crmContactId));
      expect(person).not.toBeNull();
      const deal = pd.seedDeal({ title: 'Spec deal', personId: person!.id });
      expect(await client.getDeal(deal.id)).not.toBeNull();
      const note = await client.createNote({ content: 'first', person_id: person!.id, deal_id: deal.id });
      await client.updateNote(note.id, { content: 'second' });
      // Read back newest first, as the message log does after a POST lost its answer.
      const page = await client.listNotes({ personId: person!.id, limit: 1 });
      expect(page.notes.map((n) => n.id)).toEqual([note.id]);
      expect(page.nextStart).toBe(1);
      await client.getCurrentUser();
    });
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(new Set(operations.map((o) => o.replace(/\/\d+$/, '/:id')))).toEqual(
      new Set([
        'GET /api/v2/persons/search',
        'POST /api/v2/persons',
        'GET /api/v2/persons/:id',
        'GET /api/v2/deals/:id',
        'POST /api/v1/notes',
        'PUT /api/v1/notes/:id',
        'GET /api/v1/notes',
        'GET /api/v1/users/me',
      ]),
    );
  });
});
