import { describe, expect, it } from 'vitest';
import installAgency from './__fixtures__/install-agency.json';
import installLocation from './__fixtures__/install-location.json';
import outboundSms from './__fixtures__/provider-outbound-sms.json';
import tokenResponse from './__fixtures__/token-response.json';
import uninstallAgency from './__fixtures__/uninstall-agency.json';
import uninstallLocation from './__fixtures__/uninstall-location.json';
import {
  parseHighLevelAppEvent,
  parseHighLevelLocationTokenResponse,
  parseHighLevelOutboundDelivery,
  parseHighLevelTokenResponse,
} from './highlevel-api';

const NOW = Date.UTC(2026, 0, 1);

describe('parseHighLevelAppEvent (docs/AppInstall.md, AppUninstall.md examples)', () => {
  it('reads a location-level INSTALL', () => {
    expect(
      parseHighLevelAppEvent({ ...installLocation, webhookId: 'w1', timestamp: '2026-01-01T00:00:00Z' }),
    ).toEqual({
      kind: 'install',
      appId: 've9EPM428h8vShlRW1KT',
      level: 'location',
      companyId: 'otg8dTQqGLh3Q6iQI55w',
      locationId: 'otg8dTQqGLh3Q6iQI55w',
      userId: 'otg8dTQqGLh3Q6iQI55w',
      planId: '66a0419a0dffa47fb5f8b22f',
      versionId: undefined,
      companyName: 'Example Company',
      onTrial: true,
      webhookId: 'w1',
      timestamp: '2026-01-01T00:00:00Z',
    });
  });

  it('reads an agency-level INSTALL (no locationId)', () => {
    const e = parseHighLevelAppEvent(installAgency);
    expect(e).toMatchObject({
      kind: 'install',
      level: 'agency',
      companyId: 'otg8dTQqGLh3Q6iQI55w',
      locationId: undefined,
    });
  });

  it('reads both UNINSTALL shapes', () => {
    expect(parseHighLevelAppEvent(uninstallLocation)).toMatchObject({
      kind: 'uninstall',
      level: 'location',
      locationId: 'otg8dTQqGLh3Q6iQI55w',
    });
    expect(parseHighLevelAppEvent(uninstallAgency)).toMatchObject({
      kind: 'uninstall',
      level: 'agency',
      companyId: 'otg8dTQqGLh3Q6iQI55w',
    });
  });

  it('passes other event types through as "other"', () => {
    expect(parseHighLevelAppEvent({ type: 'ContactCreate', locationId: 'x' })).toEqual({
      kind: 'other',
      type: 'ContactCreate',
      webhookId: undefined,
      timestamp: undefined,
    });
  });

  it('rejects an INSTALL without appId and a body without type', () => {
    expect(() => parseHighLevelAppEvent({ type: 'INSTALL' })).toThrow(/appId/);
    expect(() => parseHighLevelAppEvent({ appId: 'x' })).toThrow(/type/);
  });
});

describe('parseHighLevelOutboundDelivery (docs/ProviderOutboundMessage.md)', () => {
  it('normalizes the SMS example', () => {
    expect(parseHighLevelOutboundDelivery(outboundSms)).toEqual({
      messageId: 'GKJxs4P5L8dWc5CFUITM',
      locationId: 'GKAWb4yu7A4LSc0skQ6g',
      contactId: 'GKBhT6BfwY9mjzXAU3sq',
      providerType: 'SMS',
      phone: '+15864603685',
      text: 'The text message to be sent to the contact',
      attachments: ['https://www.google.com/images/branding/googlelogo/1x/googlelogo_color_272x92dp.png'],
      userId: 'GK56r6wdJDrkUPd0xsmx',
      conversationId: undefined,
      replyToAltId: undefined,
      webhookId: undefined,
      timestamp: undefined,
    });
  });

  it('accepts an attachment-only "Custom" payload', () => {
    const { message: _m, ...rest } = outboundSms;
    const d = parseHighLevelOutboundDelivery({ ...rest, type: 'Custom' });
    expect(d.providerType).toBe('Custom');
    expect(d.text).toBe('');
  });

  it('rejects a payload without messageId', () => {
    const { messageId: _id, ...rest } = outboundSms;
    expect(() => parseHighLevelOutboundDelivery(rest)).toThrow(/messageId/);
  });
});

describe('token responses (oauth.json examples)', () => {
  it('normalizes the token example with expiresAt in epoch ms and split scopes', () => {
    expect(parseHighLevelTokenResponse(tokenResponse, NOW)).toEqual({
      accessToken: 'ab12dc0ae1234a7898f9ff06d4f69gh',
      refreshToken: 'xy34dc0ae1234a4858f9ff06d4f66ba',
      expiresAt: NOW + 86_399_000,
      scopes: ['conversations/message.readonly', 'conversations/message.write'],
      userType: 'Location',
      locationId: 'l1C08ntBrFjLS0elLIYU',
      companyId: 'l1C08ntBrFjLS0elLIYU',
      userId: 'l1C08ntBrFjLS0elLIYU',
      approvedLocations: ['l1C08ntBrFjLS0elLIYU'],
      planId: 'l1C08ntBrFjLS0elLIYU',
    });
  });

  it('fills companyId/locationId from stored ids when a refresh answer omits them, else fails', () => {
    const { companyId: _c, locationId: _l, ...bare } = tokenResponse;
    expect(parseHighLevelTokenResponse(bare, NOW, { companyId: 'C1', locationId: 'L1' })).toMatchObject({
      companyId: 'C1',
      locationId: 'L1',
    });
    expect(() => parseHighLevelTokenResponse(bare, NOW)).toThrow(/companyId/);
  });

  it('rejects a token response without refresh_token or with an unknown userType', () => {
    const { refresh_token: _r, ...noRefresh } = tokenResponse;
    expect(() => parseHighLevelTokenResponse(noRefresh, NOW)).toThrow(/refresh_token/);
    expect(() => parseHighLevelTokenResponse({ ...tokenResponse, userType: 'Agency' }, NOW)).toThrow(
      /userType/,
    );
  });

  it('location token: keeps the requested ids and refuses a token for another location', () => {
    const body = {
      access_token: 'lt',
      token_type: 'Bearer',
      expires_in: 100,
      scope: 'a b',
      locationId: 'L1',
      userId: 'U',
    };
    expect(parseHighLevelLocationTokenResponse(body, NOW, { companyId: 'C1', locationId: 'L1' })).toEqual({
      accessToken: 'lt',
      refreshToken: undefined,
      expiresAt: NOW + 100_000,
      scopes: ['a', 'b'],
      userType: 'Location',
      locationId: 'L1',
      companyId: 'C1',
      userId: 'U',
    });
    expect(() =>
      parseHighLevelLocationTokenResponse(body, NOW, { companyId: 'C1', locationId: 'L2' }),
    ).toThrow(/L1/);
  });
});
