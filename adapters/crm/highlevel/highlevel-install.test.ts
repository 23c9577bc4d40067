import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config';
import { installPayload, uninstallPayload } from '../../../test/mocks/highlevel/highlevel-events';
import { HIGHLEVEL_SCOPES, highLevelInstall } from './highlevel-install';

// manifest/highlevel/app.json is what an operator types into the Marketplace: it must name the URLs the app serves
// and the scopes the install asks for, or installs fail in ways no test of ours would see.
const manifest = JSON.parse(
  readFileSync(new URL('../../../manifest/highlevel/app.json', import.meta.url), 'utf8'),
) as {
  oauth: { redirectUrl: string; installUrl: string; scopes: string[]; pkce: boolean };
  webhooks: { defaultWebhookUrl: string; events: string[] };
  conversationProvider: { type: string; deliveryUrl: string; providerIdEnv: string; logo: string };
};

describe('HighLevel manifest', () => {
  it('asks for exactly the scopes the install requests', () => {
    expect([...manifest.oauth.scopes].sort()).toEqual([...HIGHLEVEL_SCOPES].sort());
    expect(manifest.oauth.pkce).toBe(false);
  });

  it('points HighLevel at the routes the app mounts', () => {
    expect(manifest.oauth.redirectUrl).toBe('${APP_BASE_URL}/oauth/highlevel/callback');
    expect(manifest.oauth.installUrl).toBe('${APP_BASE_URL}/oauth/highlevel/start');
    expect(manifest.webhooks.defaultWebhookUrl).toBe('${APP_BASE_URL}/crm/highlevel/events');
    expect(manifest.webhooks.events).toEqual(['INSTALL', 'UNINSTALL']);
    expect(manifest.conversationProvider).toMatchObject({
      type: 'SMS',
      deliveryUrl: '${APP_BASE_URL}/crm/highlevel/outbound',
      providerIdEnv: 'HIGHLEVEL_CONVERSATION_PROVIDER_ID',
    });
  });

  it('names a logo that the static assets serve (public/), as a PNG', () => {
    const logo = manifest.conversationProvider.logo;
    expect(logo).toMatch(/^\$\{APP_BASE_URL\}\/ui\/static\/[\w-]+\.png$/);
    const file = readFileSync(
      new URL(`../../../public${logo.replace('${APP_BASE_URL}', '')}`, import.meta.url),
    );
    expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});

describe('HighLevel app events as install / uninstall commands', () => {
  const NOW = Date.UTC(2026, 11, 5, 3, 0, 0);
  const env = (vars: Record<string, string> = { HIGHLEVEL_APP_ID: 'our-app' }) => ({
    config: parseConfig(vars),
    now: () => NOW,
  });
  const appEvent = highLevelInstall.appEvent!;

  it('a location install names its account and its agency; an agency install names no account', () => {
    const location = installPayload({ appId: 'our-app', companyId: 'co-1', locationId: 'loc-1' }, NOW);
    expect(appEvent(env(), location)).toEqual({
      kind: 'install',
      accountId: 'loc-1',
      parentAccountId: 'co-1',
    });
    const agency = installPayload({ appId: 'our-app', companyId: 'co-1' }, NOW);
    expect(appEvent(env(), agency)).toEqual({
      kind: 'install',
      accountId: undefined,
      parentAccountId: 'co-1',
    });
  });

  it('a location uninstall names the location; an agency uninstall names the agency as the parent', () => {
    expect(appEvent(env(), uninstallPayload({ appId: 'our-app', locationId: 'loc-1' }, NOW))).toEqual({
      kind: 'uninstall',
      accountId: 'loc-1',
    });
    expect(appEvent(env(), uninstallPayload({ appId: 'our-app', companyId: 'co-1' }, NOW))).toEqual({
      kind: 'uninstall',
      parentAccountId: 'co-1',
    });
  });

  it("another app's event, any event without HIGHLEVEL_APP_ID, and other event types are ignored", () => {
    const foreign = uninstallPayload({ appId: 'their-app', locationId: 'loc-1' }, NOW);
    expect(appEvent(env(), foreign)).toEqual({ kind: 'ignore' });
    const ours = uninstallPayload({ appId: 'our-app', locationId: 'loc-1' }, NOW);
    expect(appEvent(env({}), ours)).toEqual({ kind: 'ignore' });
    expect(appEvent(env(), { type: 'ContactCreate', locationId: 'loc-1' })).toEqual({ kind: 'ignore' });
  });
});
