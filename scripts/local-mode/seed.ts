// Seeds the demo into the same local D1 that `wrangler dev` uses (miniflare over the persisted state, reached
// asynchronously: test/helpers/local-d1.ts says why not getPlatformProxy),
// through our own stores and services, sealed under the same ENCRYPTION_KEY. Idempotent: a re-run refreshes
// tokens (the simulators are new each run) and windows, and adds nothing twice.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { installPhoneMetadataFromFile } from '../build-phone-metadata';
import { parseConfig } from '../../src/config';
import { AppContext } from '../../src/context';
import { updateSummary } from '../../src/core/window';
import { MemoryJobQueue } from '../../src/platform/queue';
import { MemorySendLimiter } from '../../src/platform/send-limiter';
import { confirmOwnershipCode, sendOwnershipCode } from '../../src/services/install/connection-proof';
import { createConnection } from '../../src/services/install/connections';
import type { NewConnectionInput } from '../../src/services/install/connections';
import type { Connection } from '../../src/store/connections';
import type { Installation } from '../../src/store/installations';
import { windowSummaryOf } from '../../src/store/contacts';
import type { ProviderName } from '../../src/core/template';
import { startLocalD1 } from '../../test/helpers/local-d1';
import type { VendorSimulators } from '../../test/mocks/index';
import {
  DEMO_CUSTOMERS,
  DEMO_HIGHLEVEL_NAME,
  DEMO_PIPEDRIVE_NAME,
  demoCmTemplate,
  demoConnectionInputs,
  demoPipedriveConnectionInput,
} from './demo';
import type { DemoCrmIds } from './demo';
import { REPO_ROOT } from './wrangler';

export interface DemoConnection {
  id: string;
  provider: ProviderName;
  senderPhone: string;
  /** CM.com: the secret in the webhook URL. */
  webhookToken: string | null;
}

export interface DemoSeed {
  highlevel: { installation: Installation; connections: Record<ProviderName, DemoConnection> };
  pipedrive: { installation: Installation; connection: DemoConnection };
  crmIds: DemoCrmIds;
}

export interface SeedOptions {
  persistTo: string;
  vars: Record<string, string>;
  sims: VendorSimulators;
  crmIds: DemoCrmIds;
  pipedriveCompanyId: number;
  now?: number;
}

const HOUR = 3_600_000;

/** wrangler.toml's D1 database id: local D1 is stored by database id, so this opens the database `wrangler dev` uses. */
function d1DatabaseId(): string {
  const main = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8');
  const id = /\[\[d1_databases\]\][^[]*?database_id\s*=\s*"([^"]+)"/.exec(main)?.[1];
  if (!id) throw new Error('wrangler.toml has no [[d1_databases]] database_id');
  return id;
}

export async function seedDemo(options: SeedOptions): Promise<DemoSeed> {
  // Connections' numbers are parsed here in Node: the metadata the Worker reads from its assets (issue 13).
  installPhoneMetadataFromFile();
  // wrangler keeps local D1 under <persist-to>/v3/d1.
  const proxy = await startLocalD1({
    databaseId: d1DatabaseId(),
    persistTo: path.join(options.persistTo, 'v3', 'd1'),
  });
  try {
    const now = options.now ?? Date.now();
    const ctx = new AppContext({
      config: parseConfig(options.vars),
      db: proxy.db,
      queue: new MemoryJobQueue(),
      limiter: new MemorySendLimiter(),
      now: () => now,
    });
    return await seedDemoInto(ctx, options, now);
  } finally {
    await proxy.dispose();
  }
}

/** The demo seeded through `ctx`'s own D1 (the in-process test target seeds its test D1 with it: test/targets). */
export async function seedDemoInto(
  ctx: AppContext,
  options: Omit<SeedOptions, 'persistTo' | 'vars' | 'now'>,
  now: number,
): Promise<DemoSeed> {
  const { sims, crmIds } = options;
  const { installations } = await ctx.secretStores();
  const hl = sims.highlevel.state.config;
  // Fresh tokens every run: the simulators (and the tokens they know) live only as long as this process.
  const hlTokens = sims.highlevel.seedTokens('Location');
  const highlevel = await installations.upsert(
    {
      crm: 'highlevel',
      accountId: hl.locationId,
      accountType: 'location',
      companyId: hl.companyId,
      name: DEMO_HIGHLEVEL_NAME,
      tokens: { accessToken: hlTokens.accessToken, refreshToken: hlTokens.refreshToken },
      tokenExpiresAt: hlTokens.expiresAt,
      scopes: ['conversations.write', 'conversations/message.write', 'contacts.write', 'contacts.readonly'],
    },
    now,
  );
  await installations.updateSettings(
    highlevel.id,
    { ...highlevel.settings, conversationProviderId: hl.conversationProviderId },
    now,
  );

  const pdTokens = sims.pipedrive.issueTokens();
  const pipedrive = await installations.upsert(
    {
      crm: 'pipedrive',
      accountId: String(options.pipedriveCompanyId),
      accountType: 'company',
      name: DEMO_PIPEDRIVE_NAME,
      apiDomain: pdTokens.apiDomain,
      tokens: { accessToken: pdTokens.accessToken, refreshToken: pdTokens.refreshToken },
      tokenExpiresAt: pdTokens.expiresAt,
      scopes: ['base', 'contacts:full', 'deals:read'],
    },
    now,
  );

  const connections = {} as Record<ProviderName, DemoConnection>;
  for (const input of demoConnectionInputs(sims)) {
    const connection = await ensureConnection(ctx, highlevel.id, input, hl.conversationProviderId, now, sims);
    connections[connection.provider] = connection;
    await seedConversations(ctx, connection, now, (key) => ({
      contactId: crmIds[key]?.highlevelContactId ?? null,
      conversationId: crmIds[key]?.highlevelConversationId ?? null,
    }));
  }
  await ctx.templates.insertManual(connections.cm.id, demoCmTemplate(), now);

  const pdConnection = await ensureConnection(
    ctx,
    pipedrive.id,
    demoPipedriveConnectionInput(),
    null,
    now,
    sims,
  );
  await seedConversations(ctx, pdConnection, now, (key) => ({
    contactId: crmIds[key] ? String(crmIds[key].pipedrivePersonId) : null,
    conversationId: null,
  }));

  return {
    highlevel: { installation: highlevel, connections },
    pipedrive: { installation: pipedrive, connection: pdConnection },
    crmIds,
  };
}

/** The installation's connection for this number, created through the same service as the admin page. */
async function ensureConnection(
  ctx: AppContext,
  installationId: string,
  input: NewConnectionInput,
  crmProviderId: string | null,
  now: number,
  sims: VendorSimulators,
): Promise<DemoConnection> {
  const { connections } = await ctx.secretStores();
  const existing = await connections.listForInstallation(installationId);
  let connection = existing.find(
    (c) => c.provider === input.connection.provider && c.senderPhone === input.senderPhone,
  );
  if (connection && !(await readable(ctx, connection))) {
    // Sealed under an ENCRYPTION_KEY that is gone (.dev.vars was deleted): start this number over.
    await connections.delete(installationId, connection.id);
    connection = undefined;
  }
  connection ??= await createConnection(ctx, installationId, input);
  if (!connection.verified) connection = await proveDemoNumber(ctx, connection, sims);
  if (crmProviderId && connection.crmProviderId !== crmProviderId) {
    await connections.setCrmProviderId(connection.id, crmProviderId, now);
  }
  return {
    id: connection.id,
    provider: connection.provider,
    senderPhone: connection.senderPhone,
    webhookToken: connection.provider === 'cm' ? await connections.webhookToken(connection) : null,
  };
}

/**
 * A new CM.com number is pending until its one-time code comes back (services/install/connection-proof.ts): the demo plays
 * the admin, reading the code the simulator accepted from the number.
 */
async function proveDemoNumber(
  ctx: AppContext,
  connection: Connection,
  sims: VendorSimulators,
): Promise<Connection> {
  await sendOwnershipCode(ctx, connection, DEMO_ADMIN_PHONE);
  const part = sims.cm.state.sent.at(-1)?.part as { text?: string } | undefined;
  const code = /(\d{6})$/.exec(part?.text ?? '')?.[1];
  if (!code) throw new Error(`the CM.com simulator did not carry the code for ${connection.senderPhone}`);
  return confirmOwnershipCode(ctx, connection, code);
}

const DEMO_ADMIN_PHONE = '+31612000999';

async function readable(ctx: AppContext, connection: Connection): Promise<boolean> {
  const { connections } = await ctx.secretStores();
  try {
    return (await connections.credentials(connection)) !== null;
  } catch {
    return false;
  }
}

/** One inbound message per demo customer (fixed ids: never twice) and an answered thread for the open one. */
async function seedConversations(
  ctx: AppContext,
  connection: DemoConnection,
  now: number,
  crmRecord: (customerKey: string) => { contactId: string | null; conversationId: string | null },
) {
  for (const customer of DEMO_CUSTOMERS) {
    // CM.com cannot address a customer without phone: the username customer is seeded on Meta and Twilio only.
    if (!customer.phone && connection.provider === 'cm') continue;
    const { contact } = await ctx.contacts.resolve(
      connection.id,
      customer.phone ? { phone: customer.phone } : { userId: customer.userId!, username: customer.username },
      { name: customer.name, username: customer.username ?? null },
      now,
    );
    // The CRM's contact id changes with every simulator run: point our contact at this run's record.
    const record = crmRecord(customer.key);
    await ctx.contacts.setCrmIds(contact.id, record.contactId, record.conversationId, now);
    const at = now - customer.wroteAgoMs;
    const summary = updateSummary(windowSummaryOf(contact), {
      direction: 'inbound',
      at,
      kind: 'free_form',
      freeEntryPoint: false,
    });
    await ctx.db.batch([
      ctx.messages.insertStatement(
        ctx.messages.newId(),
        {
          connectionId: connection.id,
          contactId: contact.id,
          direction: 'inbound',
          origin: 'customer',
          providerMessageId: `demo-${connection.provider}-${customer.key}-in`,
          content: { type: 'text', text: customer.text },
          status: 'delivered',
          statusTimes: { delivered: at },
          crmSync: 'done',
          occurredAt: at,
        },
        now,
      ),
      ctx.contacts.windowStatement(contact.id, summary, now),
    ]);
    if (customer.key !== 'open') continue;
    const replyAt = at + 10 * 60_000;
    await ctx.messages.insert(
      {
        connectionId: connection.id,
        contactId: contact.id,
        direction: 'outbound',
        origin: 'app',
        providerMessageId: `demo-${connection.provider}-${customer.key}-out`,
        content: { type: 'text', text: 'Certo! Giovedì alle 10:00 va bene?' },
        status: 'read',
        statusTimes: {
          pending: replyAt,
          sent: replyAt + 1_000,
          delivered: replyAt + 2_000,
          read: replyAt + HOUR / 6,
        },
        sendState: 'sent',
        crmSync: 'done',
        occurredAt: replyAt,
      },
      now,
    );
  }
}
