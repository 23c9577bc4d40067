// Issue 17 finding 2 (Pipedrive): uninstall disables, reinstall of the same company finds its installation, numbers,
// threads, windows and campaigns again; reconnecting the same number updates that row (same id, history kept, never
// a 500 or a second row); a disabled number answers 409 connection_disabled at once, on every provider.
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import { UNINSTALL_PAUSE_REASON } from '../../src/store/installations';
import { adminSessionToken } from '../helpers/world';
import { proveCmNumber } from '../helpers/provider-side';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/index';
import {
  adminSession,
  connectProvider,
  customerWrites,
  installPipedrive,
  row,
  SENDER,
  sentCount,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CALLBACK = '/oauth/pipedrive/callback';
const CUSTOMER = '+3725550123';
type Json = Record<string, unknown>;

function uninstall(w: World) {
  return w.app.request(
    w.sims.pipedrive.buildUninstallRequest({ callbackUrl: `http://localhost${CALLBACK}` }),
  );
}

function credentialsOf(w: World, provider: ProviderName): Json {
  return {
    meta: {
      accessToken: w.sims.meta.config.accessToken,
      wabaId: w.sims.meta.config.wabaId,
      phoneNumberId: w.sims.meta.config.phoneNumberId,
    },
    twilio: { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, from: SENDER.twilio },
    cm: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDER.cm },
  }[provider];
}

function reconnect(w: World, admin: string, provider: ProviderName, label = `${provider} again`) {
  return w.call('POST', '/api/connections', {
    token: admin,
    body: { label, senderPhone: SENDER[provider], provider, credentials: credentialsOf(w, provider) },
  });
}

function sendText(w: World, token: string, connectionId: string, text: string) {
  return w.call('POST', '/api/messages', {
    token,
    body: { connectionId, to: CUSTOMER, content: { type: 'text', text } },
  });
}

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const count = async (w: World, sql: string, ...binds: unknown[]) =>
  (await row<{ n: number }>(w, `SELECT COUNT(*) AS n FROM ${sql}`, ...binds))!.n;

describe.each<ProviderName>(['meta', 'twilio', 'cm'])('Pipedrive reinstall on %s', (provider) => {
  it('keeps the number, its thread and window; 409 connection_disabled until it is reconnected in place', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, provider);
    expect((await customerWrites(w, number, CUSTOMER, 'Is my order ready?')).status).toBe(200);
    await w.drain();
    const installation = await row<{ id: string }>(w, 'SELECT id FROM installations');

    expect((await uninstall(w)).status).toBe(200);
    w.t.clock.advance(5 * 60_000);
    expect((await installPipedrive(w)).status).toBe(302);
    expect(await row(w, 'SELECT id, status FROM installations')).toEqual({
      id: installation!.id,
      status: 'active',
    });
    const admin2 = await adminSession(w);

    // The number is listed again, disabled, with the same id; its credentials were not kept.
    const listed = (
      (await (await w.call('GET', '/api/connections', { token: admin2 })).json()) as {
        connections: Json[];
      }
    ).connections;
    expect(listed).toEqual([expect.objectContaining({ id: number.connectionId, status: 'disabled' })]);

    // Sending on it: 409 connection_disabled at once, nothing stored, nothing queued, nothing sent.
    const before = { messages: await count(w, 'messages'), sent: sentCount(w, provider) };
    const refused = await sendText(w, admin2, number.connectionId, 'Yes, come by today');
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('connection_disabled');
    expect(await count(w, 'messages')).toBe(before.messages);
    expect(w.t.queue.pending.filter((p) => p.job.type === 'send_message')).toEqual([]);

    // Reconnecting the same number: an update of the same row (201 with the same id), never a second row.
    const again = await reconnect(w, admin2, provider);
    expect(again.status).toBe(201);
    const connection = ((await again.json()) as { connection: Json }).connection;
    expect(connection).toMatchObject({
      id: number.connectionId,
      status: 'active',
      label: `${provider} again`,
    });
    expect(await count(w, 'connections')).toBe(1);
    // And once more (new credentials, same number): still the same row.
    expect(
      ((await (await reconnect(w, admin2, provider, 'rotated')).json()) as { connection: Json }).connection,
    ).toMatchObject({ id: number.connectionId, label: 'rotated' });
    expect(await count(w, 'connections')).toBe(1);

    // The thread and the window survived: free text to the customer who wrote minutes ago goes out.
    const thread = (await (
      await w.call(
        'GET',
        `/api/contacts/${encodeURIComponent(CUSTOMER)}/messages?connectionId=${number.connectionId}`,
        {
          token: admin2,
        },
      )
    ).json()) as { messages: Json[] };
    expect(thread.messages).toEqual([expect.objectContaining({ direction: 'inbound' })]);
    const sent = await sendText(w, admin2, number.connectionId, 'Yes, come by today');
    expect(sent.status).toBe(202);
    await w.drain();
    expect(sentCount(w, provider)).toBe(before.sent + 1);
    expect(await row(w, "SELECT send_state FROM messages WHERE direction = 'outbound'")).toEqual({
      send_state: 'sent',
    });
  });
});

describe('Pipedrive reinstall: what was in flight', () => {
  it('a reply queued before the uninstall fails with the reason (never stuck sending); campaigns pause and resume', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'twilio');
    await customerWrites(w, number, CUSTOMER, 'Hello');
    await w.drain();
    const queued = await sendText(w, admin, number.connectionId, 'On my way');
    expect(queued.status).toBe(202);
    const created = await w.call('POST', '/api/campaigns', {
      token: admin,
      body: {
        connectionId: number.connectionId,
        templateId: number.templateId,
        startAt: w.t.clock.now() + 3_600_000,
        recipients: [{ phone: '+3725550999', variables: { '1': 'Kai', '2': 'A-7' } }],
      },
    });
    expect(created.status).toBe(201);
    const campaignId = String(((await created.json()) as { campaign: Json }).campaign.id);

    expect((await uninstall(w)).status).toBe(200);
    await w.drain();
    const message = await row<{ send_state: string; status: string; error: string }>(
      w,
      "SELECT send_state, status, error FROM messages WHERE direction = 'outbound'",
    );
    expect(message).toMatchObject({ send_state: 'failed', status: 'failed' });
    expect(JSON.parse(message!.error)).toMatchObject({ kind: 'connection_disabled' });
    expect(await row(w, 'SELECT status, status_reason FROM campaigns')).toEqual({
      status: 'paused',
      status_reason: UNINSTALL_PAUSE_REASON,
    });

    await installPipedrive(w);
    const admin2 = await adminSession(w);
    const resumeEarly = await w.call('POST', `/api/campaigns/${campaignId}/resume`, { token: admin2 });
    expect(resumeEarly.status).toBe(409);
    expect(await errorCode(resumeEarly)).toBe('connection_disabled');
    const newCampaign = await w.call('POST', '/api/campaigns', {
      token: admin2,
      body: {
        connectionId: number.connectionId,
        templateId: number.templateId,
        recipients: [{ phone: '+3725550998', variables: { '1': 'Kai', '2': 'A-8' } }],
      },
    });
    expect(newCampaign.status).toBe(409);
    expect(await errorCode(newCampaign)).toBe('connection_disabled');

    expect((await reconnect(w, admin2, 'twilio')).status).toBe(201);
    const resumed = await w.call('POST', `/api/campaigns/${campaignId}/resume`, { token: admin2 });
    expect(resumed.status).toBe(200);
    // Paused before its start time (startAt is an hour away), so resuming puts it back on schedule.
    expect(await row(w, 'SELECT status FROM campaigns')).toEqual({ status: 'scheduled' });
  });

  it('a number another installation gave up is taken over (its history stays there); one in use is 409', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'cm');
    await customerWrites(w, number, CUSTOMER, 'Hello');
    await w.drain();
    // A second tenant (another Pipedrive company) wants the same sender.
    const other = 'ins_other_company';
    await w.t.db
      .prepare(
        `INSERT INTO installations (id, crm, account_id, account_type, status, created_at, updated_at)
         VALUES (?, 'pipedrive', '999', 'company', 'active', 0, 0)`,
      )
      .bind(other)
      .run();
    const otherAdmin = await adminSessionToken(w.t.clock.now(), other, 'pipedrive');
    const taken = await reconnect(w, otherAdmin, 'cm');
    expect(taken.status).toBe(409);
    expect(await errorCode(taken)).toBe('conflict');

    expect((await uninstall(w)).status).toBe(200);
    const moved = await reconnect(w, otherAdmin, 'cm');
    expect(moved.status).toBe(201);
    const fresh = ((await moved.json()) as { connection: Json }).connection;
    expect(fresh.id).not.toBe(number.connectionId);
    // A CM.com number is claimed once the new owner proves it (#17 item 10): the old row is retired then.
    expect(fresh.verified).toBe(false);
    await proveCmNumber(w, otherAdmin, String(fresh.id));
    // The old row keeps its thread under a retired key; the new owner starts with an empty one.
    expect(
      await row(w, 'SELECT status, routing_key FROM connections WHERE id = ?', number.connectionId),
    ).toEqual({
      status: 'disabled',
      routing_key: `${SENDER.cm}#retired:${number.connectionId}`,
    });
    expect(await count(w, 'messages WHERE connection_id = ?', number.connectionId)).toBe(1);
    expect(await count(w, 'messages WHERE connection_id = ?', String(fresh.id))).toBe(0);
  });

  it('a reconnect the provider refuses changes nothing: the number, its thread and its row stay as they were', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'twilio');
    await customerWrites(w, number, CUSTOMER, 'Hello');
    await w.drain();
    expect((await uninstall(w)).status).toBe(200);
    await installPipedrive(w);
    const admin2 = await adminSession(w);
    const before = await row(w, 'SELECT * FROM connections');
    const refused = await w.call('POST', '/api/connections', {
      token: admin2,
      body: {
        label: 'typo',
        senderPhone: SENDER.twilio,
        provider: 'twilio',
        credentials: { accountSid: DEFAULT_ACCOUNT_SID, authToken: 'f'.repeat(32), from: SENDER.twilio },
      },
    });
    expect(refused.status).toBe(400);
    expect(await row(w, 'SELECT * FROM connections')).toEqual(before);
    expect(await count(w, 'messages WHERE connection_id = ?', number.connectionId)).toBe(1);
    expect((await reconnect(w, admin2, 'twilio')).status).toBe(201);
    expect(await count(w, 'connections')).toBe(1);
  });

  it('two admins connecting the same new number at once: one row, no 5xx', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const answers = await Promise.all([
      reconnect(w, admin, 'twilio', 'first'),
      reconnect(w, admin, 'twilio', 'second'),
    ]);
    for (const res of answers) expect([201, 409]).toContain(res.status);
    expect(answers.some((res) => res.status === 201)).toBe(true);
    expect(await count(w, 'connections')).toBe(1);
  });
});
