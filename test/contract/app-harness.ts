// The whole app over real local D1 with every vendor answered by its simulator, for integration tests of the
// provider side (webhooks, template sync, send errors). One platform per test file; `reset()` between tests.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Hono } from 'hono';
import { createApp, type AppEnv } from '../../src/app';
import { AppContext } from '../../src/context';
import type { Job } from '../../src/platform/queue';
import { drainJobs } from '../helpers/drain-jobs';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { countingD1, type D1Counter } from '../helpers/counting-d1';
import { createTestPlatform, TEST_SECRETS, type TestPlatform } from '../helpers/platform';
import { postCmWebhook, postMetaWebhook, postTwilioWebhook } from '../helpers/provider-side';
import { adminSessionToken, callApp, countRows } from '../helpers/world';
import { createMetaSimulator, META_SIM_DEFAULTS, metaSimConnection } from '../mocks/meta';
import { createTwilioSimulator, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/twilio';
import type { TwilioParams } from '../mocks/twilio';
import { createCmSimulator, CM_SIM_PRODUCT_TOKEN } from '../mocks/cm';
import { createHighLevelSimulator } from '../mocks/highlevel';
import { attachSpecValidation, formatViolations } from '../spec/msw-validation';

export const APP_BASE = 'https://wabridge.test';
export const BASES = {
  meta: 'https://graph.meta.test',
  twilioApi: 'https://api.twilio.test',
  twilioContent: 'https://content.twilio.test',
  cm: 'https://gw.cm.test',
  highlevel: 'https://services.highlevel.test',
} as const;

/** Our WhatsApp numbers per provider. */
export const SENDERS = { meta: '+15550783881', twilio: '+14155238886', cm: '+31201234567' } as const;
export const CM_WEBHOOK_TOKEN = 'cm-webhook-token-0123456789abcdef';
export type ProviderKey = keyof typeof SENDERS;

export interface AppHarness {
  readonly t: TestPlatform;
  readonly app: Hono<AppEnv>;
  readonly ctx: AppContext;
  readonly counter: D1Counter;
  readonly installation: Installation;
  readonly connections: Record<ProviderKey, Connection>;
  readonly sims: {
    meta: ReturnType<typeof createMetaSimulator>;
    twilio: ReturnType<typeof createTwilioSimulator>;
    cm: ReturnType<typeof createCmSimulator>;
    highlevel: ReturnType<typeof createHighLevelSimulator>;
  };
  api(method: string, path: string, body?: unknown): Promise<Response>;
  postMeta(payload: unknown, options?: { signature?: string | null }): Promise<Response>;
  postTwilio(
    params: TwilioParams,
    options?: { signWith?: string | null; connectionId?: string },
  ): Promise<Response>;
  postCm(body: unknown, options?: { token?: string; connectionId?: string }): Promise<Response>;
  /** Runs due queued jobs of the given types (all types when omitted) until none is due; others stay queued. */
  runJobs(types?: Job['type'][]): Promise<Job[]>;
  /** Every row of a table, ordered by id: compare dumps to prove a call changed nothing. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  count(table: string): Promise<number>;
  /** Vendor traffic so far validates against the vendor specs (Meta / Twilio / HighLevel). */
  assertSpecValid(): Promise<void>;
  reset(): Promise<void>;
}

export interface AppHarnessOptions {
  /** The simulators refuse free-form sends outside the window (Meta 131047, Twilio 63016). */
  enforceWindow?: boolean;
  /** More Meta numbers of the simulator's WABA (and business portfolio) that may be connected and send. */
  metaExtraPhoneNumberIds?: string[];
}

export function useAppHarness(options: AppHarnessOptions = {}): AppHarness {
  const sims = {
    meta: createMetaSimulator({
      baseUrl: BASES.meta,
      enforceWindow: options.enforceWindow,
      extraPhoneNumberIds: options.metaExtraPhoneNumberIds,
    }),
    twilio: createTwilioSimulator({
      baseUrl: BASES.twilioApi,
      contentBaseUrl: BASES.twilioContent,
      enforceWindow: options.enforceWindow,
    }),
    cm: createCmSimulator({ baseUrl: BASES.cm }),
    highlevel: createHighLevelSimulator({
      baseUrl: BASES.highlevel,
      clientId: TEST_SECRETS.HIGHLEVEL_CLIENT_ID,
      clientSecret: TEST_SECRETS.HIGHLEVEL_CLIENT_SECRET,
    }),
  };
  const server = setupServer(
    ...sims.meta.handlers,
    ...sims.twilio.handlers,
    ...sims.cm.handlers,
    ...sims.highlevel.handlers,
  );
  const validation = attachSpecValidation(server, {
    vendorBases: [
      { baseUrl: BASES.meta, spec: 'meta' },
      { baseUrl: BASES.twilioApi, spec: 'twilio' },
      { baseUrl: BASES.twilioContent, spec: 'twilio' },
      { baseUrl: BASES.cm, spec: null },
    ],
    // Meta and Twilio document no error bodies for these operations (see the simulators' harnesses).
    allowUndocumentedStatus: (status) => status >= 400,
  });
  const h = { sims } as { -readonly [K in keyof AppHarness]: AppHarness[K] };

  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    const t = await createTestPlatform({
      env: {
        APP_BASE_URL: APP_BASE,
        META_GRAPH_BASE_URL: BASES.meta,
        TWILIO_API_BASE_URL: BASES.twilioApi,
        TWILIO_CONTENT_BASE_URL: BASES.twilioContent,
        CM_GATEWAY_BASE_URL: BASES.cm,
        HIGHLEVEL_API_BASE_URL: BASES.highlevel,
        PROVIDER_TIMEOUT_MS: '500',
      },
    });
    // The D1 dump at dispose must not hold any vendor credential in plaintext either.
    for (const secret of [
      META_SIM_DEFAULTS.accessToken,
      DEFAULT_AUTH_TOKEN,
      CM_SIM_PRODUCT_TOKEN,
      CM_WEBHOOK_TOKEN,
    ])
      t.trackSecret(secret);
    const { db, counter } = countingD1(t.db);
    t.platform = { ...t.platform, db };
    h.t = t;
    h.counter = counter;
    h.ctx = new AppContext(t.platform);
    h.app = createApp({ platform: t.platform });
    const { installations, connections } = await h.ctx.secretStores();
    const tokens = sims.highlevel.seedTokens();
    h.installation = await installations.upsert(
      {
        crm: 'highlevel',
        accountId: sims.highlevel.state.config.locationId,
        accountType: 'location',
        companyId: sims.highlevel.state.config.companyId,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
        tokenExpiresAt: t.clock.now() + 20 * 3_600_000,
        scopes: ['conversations.write'],
      },
      t.clock.now(),
    );
    const base = {
      installationId: h.installation.id,
      crmProviderId: sims.highlevel.state.config.conversationProviderId,
    };
    h.connections = {
      meta: await connections.create(
        metaSimConnection(base.installationId, { ...base, senderPhone: SENDERS.meta }),
        t.clock.now(),
      ),
      twilio: await connections.create(
        {
          ...base,
          provider: 'twilio',
          label: 'Twilio',
          senderPhone: SENDERS.twilio,
          routingKey: SENDERS.twilio,
          providerAccountId: DEFAULT_ACCOUNT_SID,
          credentials: {
            accountSid: DEFAULT_ACCOUNT_SID,
            authToken: DEFAULT_AUTH_TOKEN,
            from: SENDERS.twilio,
          },
        },
        t.clock.now(),
      ),
      cm: await connections.create(
        {
          ...base,
          provider: 'cm',
          label: 'CM.com',
          senderPhone: SENDERS.cm,
          routingKey: SENDERS.cm,
          credentials: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDERS.cm },
          webhookToken: CM_WEBHOOK_TOKEN,
        },
        t.clock.now(),
      ),
    };
  });

  afterAll(async () => {
    validation.detach();
    server.close();
    await h.t?.dispose();
  });

  beforeEach(async () => {
    await h.reset();
  });

  h.reset = async () => {
    sims.meta.state.reset();
    sims.twilio.state.reset();
    sims.cm.state.sent.length = 0;
    sims.cm.state.templates.clear();
    for (const sim of Object.values(sims)) sim.faults.clear();
    const db = h.t.db;
    await db.batch(
      ['messages', 'contacts', 'templates', 'processed_events', 'dead_letters'].map((t) =>
        db.prepare(`DELETE FROM ${t}`),
      ),
    );
    h.t.queue.pending.length = 0;
    validation.reset();
    h.counter.reset();
  };

  h.api = async (method, path, body) =>
    callApp(h.app, method, path, {
      token: await adminSessionToken(h.t.clock.now(), h.installation.id, 'highlevel'),
      body,
    });

  h.postMeta = (payload, options = {}) =>
    postMetaWebhook(h.app, payload, { url: `${APP_BASE}/webhooks/meta`, signature: options.signature });

  h.postTwilio = (params, options = {}) =>
    postTwilioWebhook(
      h.app,
      `${APP_BASE}/webhooks/twilio/${options.connectionId ?? h.connections.twilio.id}`,
      params,
      { signWith: options.signWith },
    );

  h.postCm = (body, options = {}) =>
    postCmWebhook(
      h.app,
      `${APP_BASE}/webhooks/cm/${options.connectionId ?? h.connections.cm.id}/${options.token ?? CM_WEBHOOK_TOKEN}`,
      body,
    );

  h.runJobs = (types) => drainJobs(h.t, h.ctx, types);

  h.rows = async (table) => {
    const { results } = await h.t.db
      .prepare(`SELECT * FROM ${table} ORDER BY id`)
      .all<Record<string, unknown>>();
    return results;
  };

  h.count = (table) => countRows(h.t.db, table);

  h.assertSpecValid = async () => {
    await validation.settled();
    const real = validation.violations();
    validation.reset();
    if (real.length) throw new Error(`vendor spec violations:\n${formatViolations(real)}`);
  };

  return h as AppHarness;
}
