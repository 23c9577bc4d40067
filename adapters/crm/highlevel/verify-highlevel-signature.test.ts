import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { createHighLevelSigner } from '../../../test/mocks/highlevel';
import {
  HIGHLEVEL_ED25519_PUBLIC_KEY_PEM,
  HIGHLEVEL_RSA_PUBLIC_KEY_PEM,
  checkHighLevelTimestamp,
  verifyHighLevelSignature,
  verifyHighLevelWebhook,
} from './verify-highlevel-signature';

const signer = createHighLevelSigner();
const NOW = Date.parse('2026-01-28T14:35:00Z');

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('verifyHighLevelSignature (Ed25519 X-GHL-Signature)', () => {
  const body = JSON.stringify({
    type: 'INSTALL',
    appId: 'a',
    timestamp: '2026-01-28T14:34:00Z',
    webhookId: 'w',
  });
  const sig = signer.sign(body);

  it('accepts the simulator key as PEM, base64 SPKI and raw 32-byte key', async () => {
    const raw = Buffer.from(signer.publicKeySpkiBase64, 'base64').subarray(12).toString('base64');
    for (const key of [signer.publicKeyPem, signer.publicKeySpkiBase64, raw]) {
      await expect(
        verifyHighLevelSignature({
          rawBody: body,
          headers: { 'X-GHL-Signature': sig },
          ed25519PublicKey: key,
        }),
      ).resolves.toBe('ed25519');
    }
    const bytes = new TextEncoder().encode(body);
    await expect(
      verifyHighLevelSignature({
        rawBody: bytes,
        headers: new Headers({ 'x-ghl-signature': sig }),
        ed25519PublicKey: signer.publicKeyPem,
      }),
    ).resolves.toBe('ed25519');
  });

  it('rejects a tampered body, a garbage signature and a missing header with 401', async () => {
    const tampered = body.replace('INSTALL', 'UNINSTALL');
    const key = signer.publicKeyPem;
    expect(
      (
        await rejection(
          verifyHighLevelSignature({
            rawBody: tampered,
            headers: { 'x-ghl-signature': sig },
            ed25519PublicKey: key,
          }),
        )
      ).code,
    ).toBe('unauthorized');
    expect(
      (
        await rejection(
          verifyHighLevelSignature({
            rawBody: body,
            headers: { 'x-ghl-signature': '!!!' },
            ed25519PublicKey: key,
          }),
        )
      ).status,
    ).toBe(401);
    expect(
      (await rejection(verifyHighLevelSignature({ rawBody: body, headers: {}, ed25519PublicKey: key })))
        .message,
    ).toMatch(/Missing/);
  });

  it("defaults to HighLevel's published key, which does not accept the simulator's signature", async () => {
    expect(HIGHLEVEL_ED25519_PUBLIC_KEY_PEM).toContain('MCowBQYDK2VwAyEA');
    const err = await rejection(
      verifyHighLevelSignature({ rawBody: body, headers: { 'x-ghl-signature': sig } }),
    );
    expect(err.message).toMatch(/Invalid X-GHL-Signature/);
  });
});

describe('legacy X-WH-Signature (RSA-SHA256)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const body = '{"type":"UNINSTALL","appId":"a"}';
  const sig = sign('sha256', Buffer.from(body), privateKey).toString('base64');

  it('is accepted only when allowed', async () => {
    await expect(
      verifyHighLevelSignature({
        rawBody: body,
        headers: { 'x-wh-signature': sig },
        rsaPublicKey: pem,
        allowLegacyRsa: true,
      }),
    ).resolves.toBe('rsa-sha256');
    expect(
      (
        await rejection(
          verifyHighLevelSignature({ rawBody: body, headers: { 'x-wh-signature': sig }, rsaPublicKey: pem }),
        )
      ).message,
    ).toMatch(/Missing X-GHL/);
  });

  it("rejects a forged one, also against HighLevel's published RSA key", async () => {
    const forged = sign('sha256', Buffer.from(body + ' '), privateKey).toString('base64');
    await rejection(
      verifyHighLevelSignature({
        rawBody: body,
        headers: { 'x-wh-signature': forged },
        rsaPublicKey: pem,
        allowLegacyRsa: true,
      }),
    );
    expect(HIGHLEVEL_RSA_PUBLIC_KEY_PEM).toContain('MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo');
    await rejection(
      verifyHighLevelSignature({ rawBody: body, headers: { 'x-wh-signature': sig }, allowLegacyRsa: true }),
    );
  });
});

describe('replay protection', () => {
  it('accepts a fresh ISO timestamp and epoch seconds/ms; returns epoch ms', () => {
    expect(checkHighLevelTimestamp({ timestamp: '2026-01-28T14:33:00Z', now: NOW })).toBe(NOW - 120_000);
    expect(checkHighLevelTimestamp({ timestamp: (NOW - 1000) / 1000, now: NOW })).toBe(NOW - 1000);
    expect(checkHighLevelTimestamp({ timestamp: String(NOW), now: NOW })).toBe(NOW);
  });

  it('rejects older than 5 minutes, in the future beyond the skew, unreadable, and missing when required', () => {
    expect(() => checkHighLevelTimestamp({ timestamp: NOW - 5 * 60_000 - 1, now: NOW })).toThrow(/too old/);
    expect(() => checkHighLevelTimestamp({ timestamp: NOW + 31_000, now: NOW })).toThrow(/future/);
    expect(() => checkHighLevelTimestamp({ timestamp: NOW + 1000, now: NOW, maxFutureSkewMs: 0 })).toThrow(
      /future/,
    );
    expect(() => checkHighLevelTimestamp({ timestamp: 'yesterday', now: NOW })).toThrow(/unreadable/);
    expect(() => checkHighLevelTimestamp({ timestamp: undefined, now: NOW, required: true })).toThrow(
      /missing/,
    );
    expect(checkHighLevelTimestamp({ timestamp: undefined, now: NOW })).toBeUndefined();
  });

  it('verifyHighLevelWebhook returns body, webhookId and timestamp; a replayed old event is refused', async () => {
    const fresh = signer.signEvent({
      type: 'INSTALL',
      appId: 'a',
      timestamp: '2026-01-28T14:34:30Z',
      webhookId: 'wh-1',
    });
    const ok = await verifyHighLevelWebhook({
      rawBody: fresh.body,
      headers: fresh.headers,
      ed25519PublicKey: signer.publicKeyPem,
      now: NOW,
    });
    expect(ok).toEqual({
      scheme: 'ed25519',
      body: fresh.payload,
      webhookId: 'wh-1',
      timestampMs: NOW - 30_000,
    });

    const old = signer.signEvent({
      type: 'INSTALL',
      appId: 'a',
      timestamp: '2026-01-28T14:00:00Z',
      webhookId: 'wh-2',
    });
    const err = await rejection(
      verifyHighLevelWebhook({
        rawBody: old.body,
        headers: old.headers,
        ed25519PublicKey: signer.publicKeyPem,
        now: NOW,
      }),
    );
    expect(err.code).toBe('unauthorized');

    const notJson = signer.signEvent('not json');
    const err2 = await verifyHighLevelWebhook({
      rawBody: notJson.body,
      headers: notJson.headers,
      ed25519PublicKey: signer.publicKeyPem,
      now: NOW,
    }).catch((e: AppError) => e);
    expect(err2).toMatchObject({ code: 'invalid_request' });
  });
});
