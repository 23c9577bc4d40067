// The CRM-side security cases of the Node-only highlevel-security / pipedrive-security files, over a target (node
// in-process, or the Worker in workerd: issue 17, "the runtime that ships is the runtime tested"). Only what both
// targets can observe: HTTP answers, the simulators' state (OAuth code exchanges, sends) and the app's API. The D1
// footprints of those files (rows counted, tokens sealed) stay in Node, where the test database is at hand.
import { describe, expect, it } from 'vitest';
import { createHighLevelSigner } from '../../mocks/highlevel';
import type { AppTarget } from '../app-target';
import { adminSession, type TargetRef } from '../use-target';

type Json = Record<string, unknown>;
const MINUTE = 60_000;

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

/** Our OAuth start → the CRM's consent (simulated) → the callback URL it sends the browser back to. */
async function consentRedirect(target: AppTarget, crm: 'highlevel' | 'pipedrive'): Promise<URL> {
  const start = await target.request(`/oauth/${crm}/start`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('redirect_uri')).toMatch(new RegExp(`/oauth/${crm}/callback$`));
  expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
  expect(authorize.searchParams.has('code_challenge')).toBe(false);
  const consent = await fetch(authorize, { redirect: 'manual' });
  return new URL(consent.headers.get('location')!);
}

const post = (target: AppTarget, path: string, event: { headers: Record<string, string>; body: string }) =>
  target.request(path, { method: 'POST', headers: event.headers, body: event.body });

export function crmSecuritySuite(ref: TargetRef): void {
  describe(`CRM install, events and deliveries are bound to what was signed (${ref.kind})`, () => {
    it('HighLevel OAuth: a forged state is refused before any code exchange; a forged code or a denied consent is a 400', async () => {
      const target = ref.current;
      const hl = target.sims.highlevel;
      const exchanges = hl.state.tokenRequests.length;
      const callback = await consentRedirect(target, 'highlevel');
      const forged = new URL(callback);
      forged.searchParams.set('state', 'not-a-state-we-issued');
      expect((await target.request(forged.pathname + forged.search)).status).toBe(401);
      expect(hl.state.tokenRequests).toHaveLength(exchanges);

      const state = callback.searchParams.get('state')!;
      const badCode = await target.request(`/oauth/highlevel/callback?code=forged-code-0000&state=${state}`);
      expect(badCode.status).toBe(400);
      const error = await errorOf(badCode);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/install link .* start the install again/);

      const before = hl.state.tokenRequests.length;
      expect((await target.request('/oauth/highlevel/callback?error=access_denied')).status).toBe(400);
      expect(hl.state.tokenRequests).toHaveLength(before);
    });

    it('Pipedrive OAuth: an unknown or missing state is 401 before any exchange; a forged code a 400', async () => {
      const target = ref.current;
      const pd = target.sims.pipedrive;
      const exchanges = pd.state.counters.codeExchanges;
      const callback = await consentRedirect(target, 'pipedrive');
      const code = callback.searchParams.get('code')!;
      expect((await target.request(`/oauth/pipedrive/callback?code=${code}`)).status).toBe(401);
      expect(
        (await target.request(`/oauth/pipedrive/callback?code=${code}&state=forged-state-000000000000`))
          .status,
      ).toBe(401);
      expect(pd.state.counters.codeExchanges).toBe(exchanges);

      const forged = new URL(callback);
      forged.searchParams.set('code', 'forged-code-000000');
      const res = await target.request(forged.pathname + forged.search);
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/install link .* start the installation again/);
    });

    it("HighLevel events: a genuinely signed INSTALL/UNINSTALL naming another app's appId changes nothing", async () => {
      const target = ref.current;
      const hl = target.sims.highlevel;
      const admin = await adminSession(target);
      for (const event of [
        hl.buildUninstallEvent({ appId: 'anotherAppsId0000001' }),
        hl.buildUninstallEvent({ appId: 'anotherAppsId0000001', companyId: hl.state.config.companyId }),
        hl.buildInstallEvent({ appId: 'anotherAppsId0000001' }),
      ]) {
        const res = await post(target, '/crm/highlevel/events', event);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ ok: true, outcome: 'ignored' });
      }
      // The installation is still there, its numbers still connected.
      const res = await target.request('/api/connections', { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      const { connections } = (await res.json()) as { connections: { id: string; status: string }[] };
      const meta = connections.find((c) => c.id === target.seed.highlevel.connections.meta.id);
      expect(meta?.status).toBe('active');
    });

    it('HighLevel Delivery URL: foreign-key, tampered, unsigned, stale and replayed calls 401; other providers and duplicates acknowledged, not sent', async () => {
      const target = ref.current;
      const hl = target.sims.highlevel;
      const sentBefore = target.sims.meta.state.sent.length;
      const genuine = hl.buildOutboundDelivery({ phone: '+3725550191', message: 'Hello from HighLevel' });
      const stranger = createHighLevelSigner().signEvent(genuine.payload);
      const tampered = { ...genuine, body: genuine.body.replace('Hello', 'Hullo') };
      const unsigned = { ...genuine, headers: { 'content-type': 'application/json' } };
      const stale = hl.signEvent({
        ...genuine.payload,
        timestamp: new Date(target.now() - 10 * MINUTE).toISOString(),
      });
      for (const delivery of [stranger, tampered, unsigned, stale])
        expect((await post(target, '/crm/highlevel/outbound', delivery)).status).toBe(401);

      // Written for another app's conversation provider: acknowledged and dropped.
      const foreign = hl.signEvent({
        ...genuine.payload,
        conversationProviderId: 'someoneElsesProvider',
      } as Json);
      const dropped = await post(target, '/crm/highlevel/outbound', foreign);
      expect(dropped.status).toBe(200);
      expect(await dropped.json()).toEqual({ ok: true, status: 'ignored', reason: 'other_provider' });

      // A signed body that is not a delivery: 400.
      expect((await post(target, '/crm/highlevel/outbound', hl.signEvent({ locationId: 'x' }))).status).toBe(
        400,
      );
      expect(target.sims.meta.state.sent.length).toBe(sentBefore);

      // A webhookId is single-use; the same HighLevel messageId again is a duplicate, stored and sent once.
      const withId = hl.signEvent({
        ...genuine.payload,
        phone: '+3725550192',
        messageId: `msgWithWebhookId${target.kind}`,
        webhookId: `wh-${target.kind}-1`,
      } as Json);
      expect(await (await post(target, '/crm/highlevel/outbound', withId)).json()).toEqual({
        ok: true,
        status: 'queued',
      });
      expect((await post(target, '/crm/highlevel/outbound', withId)).status).toBe(401);
      const again = hl.signEvent({ ...withId.payload, webhookId: `wh-${target.kind}-2` } as Json);
      expect(await (await post(target, '/crm/highlevel/outbound', again)).json()).toEqual({
        ok: true,
        status: 'duplicate',
      });
    });
  });
}
