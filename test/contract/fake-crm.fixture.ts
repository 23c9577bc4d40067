// A CRM the app has never heard of, as one module and its contract fixtures (issue 13): an in-memory CRM that keeps
// one note per message (keyed by our message id, so a retry finds it) and every status it is told, installs through
// an OAuth code, uninstalls through a signed app event, opens a session from a signed page ticket (its "SSO":
// `account.user.role.sig`), asks us to send through a Delivery URL and calls our workflow actions and triggers with a
// key. fake-crm.test.ts registers it and runs both CRM contract suites over it; test/integration/fake-vendors-flow
// and fake-crm-inbound carry it over real local D1.
import * as z from 'zod/mini';
import type { CrmWorkflows } from '../../adapters/crm/crm-inbound-hooks';
import type { CrmModule } from '../../adapters/crm/crm-module';
import { CRM_MODULES } from '../../adapters/crm/registry';
import type { CrmAdapter, CrmMessageRecord, CrmName } from '../../adapters/crm/types';
import { AppError } from '../../src/core/errors';
import { baseInstallation, type CrmContractFixture } from './crm-contract-suite';
import type { CrmInboundFixture } from './crm-inbound-contract-suite';

export const FAKE_CRM = 'fakecrm' as CrmName;
/** The account an install through the OAuth code below grants. */
export const FAKE_CRM_ACCOUNT = 'fake-account-1';
export const FAKE_CRM_CODE = 'fake-code-1';
/** The key the CRM's Delivery URL and workflow calls carry (x-fake-crm-key). */
export const FAKE_WORKFLOW_KEY = 'fake-workflow-key-0123456789';
/** Our Delivery URL channel in the CRM; a body naming another channel is another app's. */
export const FAKE_OUR_CHANNEL = 'our-channel';

const ticketSignature = (account: string, user: string, role: string) => `sig(${account}/${user}/${role})`;
/** A page ticket as the fake CRM signs it. */
export const fakeTicket = (account: string, user: string, role: string) =>
  `${account}.${user}.${role}.${ticketSignature(account, user, role)}`;
/** An app event body's signature (x-fake-crm-signature). */
export const fakeEventSignature = (rawBody: string) => `sig(${rawBody})`;

/** What the fake CRM holds: notes by our message id, the statuses it was told, the triggers it saw fire. */
export const fakeCrm = {
  notes: new Map<
    string,
    { id: string; contactId: string; direction: string; text: string; status: string }
  >(),
  statuses: [] as CrmMessageRecord[],
  fired: [] as { targetUrl: string; payload: unknown; token: string }[],
  reset() {
    fakeCrm.notes.clear();
    fakeCrm.statuses.length = 0;
    fakeCrm.fired.length = 0;
  },
};

const fakeCrmAdapter: CrmAdapter = {
  crm: FAKE_CRM,
  async recordMessage(record) {
    const existing = fakeCrm.notes.get(record.messageId);
    if (existing) return { crmMessageId: existing.id, crmContactId: existing.contactId };
    const note = {
      id: `note_${fakeCrm.notes.size + 1}`,
      contactId: `person_${record.customerPhone}`,
      direction: record.direction,
      text: record.text,
      status: record.status,
    };
    fakeCrm.notes.set(record.messageId, note);
    return { crmMessageId: note.id, crmContactId: note.contactId };
  },
  async recordStatus(record) {
    fakeCrm.statuses.push(record);
    const note = fakeCrm.notes.get(record.messageId);
    // A message the CRM wrote itself (Delivery URL) is never recorded by us; any other must be, before its status.
    if (!note && !record.crmMessageId) throw new Error('status before message');
    if (note) note.status = record.status;
  },
  async recordChange(record) {
    const note = fakeCrm.notes.get(record.messageId)!;
    note.text = record.text;
    return { crmMessageId: note.id };
  },
};

function authenticated(call: { headers: Headers }): void {
  if (call.headers.get('x-fake-crm-key') !== FAKE_WORKFLOW_KEY)
    throw new AppError('unauthorized', 'Wrong or missing workflow key');
}
function jsonOf<S extends z.ZodMiniType>(schema: S, rawBody: string): z.output<S> {
  const parsed = z.safeParse(schema, JSON.parse(rawBody || '{}'));
  if (!parsed.success) throw new AppError('invalid_request', 'Malformed call');
  return parsed.data;
}

const deliverySchema = z.object({
  account: z.string(),
  id: z.string(),
  contact: z.string(),
  to: z.optional(z.string()),
  text: z.string(),
  files: z.optional(z.array(z.string())),
  channel: z.optional(z.string()),
});

const fakeWorkflows: CrmWorkflows = {
  async readAction(_env, call, action) {
    authenticated(call);
    const body = jsonOf(
      z.object({ account: z.string(), run: z.string(), to: z.string(), text: z.string() }),
      call.rawBody,
    );
    return {
      accountId: body.account,
      request: { action, executionKey: body.run, to: body.to, text: body.text, variables: [] },
    };
  },
  answerAction: (outcome) => ({ result: outcome.status, id: outcome.messageId, why: outcome.reasonCode }),
  async readOptionsCall(_env, call) {
    authenticated(call);
    return { accountId: call.query?.account ?? '' };
  },
  async readTriggerSubscription(_env, call) {
    authenticated(call);
    const body = jsonOf(
      z.object({ account: z.string(), key: z.string(), id: z.string(), target: z.nullable(z.string()) }),
      call.rawBody,
    );
    return {
      accountId: body.account,
      triggerKey: body.key,
      externalId: body.id,
      targetUrl: body.target,
      settings: {},
    };
  },
  async fireTrigger(_env, { tokenSource }, targetUrl, payload) {
    fakeCrm.fired.push({ targetUrl, payload, token: await tokenSource.get() });
  },
};

export const fakeCrmModule: CrmModule = {
  name: FAKE_CRM,
  label: 'Fake CRM',
  rates: { account: { ratePerSecond: 5, burst: 5 } },
  paceKey: (installation) => `crm:${FAKE_CRM}:${installation.accountId}`,
  configKeys: { secrets: {}, baseUrls: { fakeCrm: 'APP_BASE_URL' } },
  refreshTokens: async () => ({ accessToken: 'a2', refreshToken: 'r2', expiresAt: Date.UTC(2030, 0, 1) }),
  createAdapter: () => fakeCrmAdapter,
  // Install and app events: an OAuth code exchanged for a grant, a signed event that uninstalls.
  install: {
    authorizeUrl: (_env, { redirectUri, state }) =>
      `https://fake-crm.test/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state })}`,
    async complete(env, input, ports) {
      if (!input.state || !(await ports.consumeState(input.state))) {
        throw new AppError('unauthorized', 'Fake CRM: unknown state');
      }
      if (input.code !== FAKE_CRM_CODE) throw new AppError('invalid_request', 'Fake CRM: refused code');
      return {
        grant: {
          accountId: FAKE_CRM_ACCOUNT,
          accountType: 'company',
          name: 'Fake Account',
          tokens: { accessToken: 'a1', refreshToken: 'r1' },
          tokenExpiresAt: env.now() + 20 * 3_600_000,
          scopes: ['notes'],
        },
      };
    },
    appEvent: (_env, body) => {
      const event = body as { type: string; account: string };
      return event.type === 'uninstalled'
        ? { kind: 'uninstall', accountId: event.account }
        : { kind: 'ignore' };
    },
  },
  deliveryUrl: {
    read(body) {
      const parsed = z.safeParse(deliverySchema, body);
      if (!parsed.success) throw new AppError('invalid_request', 'Malformed delivery');
      const d = parsed.data;
      return {
        accountId: d.account,
        crmMessageId: d.id,
        crmContactId: d.contact,
        phone: d.to,
        text: d.text,
        attachments: d.files ?? [],
        channelId: d.channel,
      };
    },
    isOurs: (_env, _installation, channelId) => channelId === FAKE_OUR_CHANNEL,
  },
  workflows: fakeWorkflows,
  inbound: {
    events: {
      use: 'app_event',
      async verify(_env, call, once) {
        if (call.headers.get('x-fake-crm-signature') !== fakeEventSignature(call.rawBody)) {
          throw new AppError('unauthorized', 'Fake CRM: bad signature');
        }
        const body = JSON.parse(call.rawBody) as { id: string };
        if (!(await once.claim(`${FAKE_CRM}:event:${body.id}`))) {
          throw new AppError('unauthorized', 'Fake CRM: replay');
        }
        return { body, release: () => once.release(`${FAKE_CRM}:event:${body.id}`) };
      },
    },
    // The Delivery URL (POST /crm/<crm>/outbound), verified as the route's middleware.
    outbound: {
      use: 'delivery',
      async verify(_env, call) {
        authenticated(call);
        return { body: JSON.parse(call.rawBody) as unknown, release: async () => {} };
      },
    },
  },
  session: {
    body: z.object({ crm: z.literal(FAKE_CRM), ticket: z.string().check(z.minLength(1)) }),
    async identify(_env, body) {
      const [account = '', user = '', role = '', sig = ''] = (
        body as unknown as { ticket: string }
      ).ticket.split('.');
      if (sig !== ticketSignature(account, user, role)) {
        throw new AppError('unauthorized', 'Fake CRM: bad ticket');
      }
      return { accountId: account, userId: user, role: role === 'admin' ? 'admin' : 'agent' };
    },
    admit: async (_env, { identity }) => ({ role: identity.role ?? 'agent', locale: 'et_EE' }),
  },
};

/** Registers the fake CRM through the registry alone; returns the undo (for afterAll). */
export function registerFakeCrm(): () => void {
  (CRM_MODULES as Record<string, CrmModule>)[FAKE_CRM] = fakeCrmModule;
  return () => {
    delete (CRM_MODULES as Record<string, CrmModule>)[FAKE_CRM];
  };
}

/** The outbound contract (crm-contract-suite.ts) over the fake CRM. */
export const fakeCrmContractFixture: CrmContractFixture = {
  reset: () => (fakeCrm.reset(), []),
  installation: () => baseInstallation({ crm: FAKE_CRM, accountId: 'acct-1' }),
  tokenSource: () => ({ get: async () => 't', refresh: async () => 't' }),
  vars: {},
  recordsOf: (record) => (fakeCrm.notes.has(record.messageId) ? 1 : 0),
};

const CONTRACT_ACCOUNT = 'fake-account-7';
const CONTRACT_CUSTOMER = '+37255550007';
const workflowCallOf = (body: unknown, key: string | null = FAKE_WORKFLOW_KEY) => ({
  rawBody: JSON.stringify(body),
  headers: new Headers(key ? { 'x-fake-crm-key': key } : {}),
});

/** The inbound contract (crm-inbound-contract-suite.ts) over the fake CRM. */
export const fakeCrmInboundFixture: CrmInboundFixture = {
  reset() {
    fakeCrm.fired.length = 0;
    return [];
  },
  vars: () => ({}),
  accountId: () => CONTRACT_ACCOUNT,
  deliveryUrl: {
    call: () => ({
      body: {
        account: CONTRACT_ACCOUNT,
        id: 'crm-c-1',
        contact: 'p-1',
        to: CONTRACT_CUSTOMER,
        text: 'Hi',
        channel: FAKE_OUR_CHANNEL,
      },
      command: {
        accountId: CONTRACT_ACCOUNT,
        crmMessageId: 'crm-c-1',
        crmContactId: 'p-1',
        phone: CONTRACT_CUSTOMER,
        text: 'Hi',
        attachments: [],
        channelId: FAKE_OUR_CHANNEL,
      },
    }),
    ourChannel: FAKE_OUR_CHANNEL,
  },
  workflows: {
    actionCall: () => ({
      call: workflowCallOf({
        account: CONTRACT_ACCOUNT,
        run: 'exec-c',
        to: CONTRACT_CUSTOMER,
        text: 'Ready.',
      }),
      executionKey: 'exec-c',
      to: CONTRACT_CUSTOMER,
    }),
    forged: (call) => [
      { ...call, headers: new Headers() },
      { ...call, headers: new Headers({ 'x-fake-crm-key': 'not-the-key' }) },
    ],
    subscriptionCall: (key) =>
      workflowCallOf({ account: CONTRACT_ACCOUNT, key, id: 'use-c', target: 'https://crm.example/fire/c' }),
    token: () => 'contract-token',
    firings: () => fakeCrm.fired.filter((f) => f.token === 'contract-token').length,
  },
};
