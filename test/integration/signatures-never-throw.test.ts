// Issue 17 finding 4: a signature check answers "no" to anything malformed — wrong length, bad base64, another
// algorithm, a bad key — and never throws (a throw is a 5xx from the route). Property-based over arbitrary header
// values; the same inputs reach the routes in workerd through test/integration/inbound-security.workerd.test.ts,
// where the runtime's WebCrypto (which throws where Node's returns false) is the one exercised.
import { SignJWT } from 'jose';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyHighLevelSignature } from '../../adapters/crm/highlevel/verify-highlevel-signature';
import { verifyPanelJwt, verifyUninstallBasicAuth } from '../../adapters/crm/pipedrive/verify-pipedrive';
import { verifyMetaSignature } from '../../adapters/providers/meta/meta-signature';
import { verifyTwilioSignature } from '../../adapters/providers/twilio/twilio-signature';
import { AppError } from '../../src/core/errors';
import { verifyMediaToken } from '../../src/security/media-link';
import { verifySessionToken } from '../../src/security/session';
import { createHighLevelSigner } from '../mocks/highlevel';

const FC = { seed: 17, numRuns: 200 };
const signer = createHighLevelSigner();
const NOW = Date.UTC(2026, 10, 20, 12);

/** Signature-looking values: base64 of every length (the Ed25519 crash was 6 bytes), hex, JWT-ish, junk. */
const signatureLike = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('base64')),
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.uint8Array({ maxLength: 40 }).map((b) => `sha256=${Buffer.from(b).toString('hex')}`),
  fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('Zm9yZ2Vk', '', '=', '====', '!!!', 'a', 'sha256=', 'Basic', 'Basic ', 'Bearer x'),
);

/** Resolves with the AppError code, or 'ok'; any other throw fails the property. */
async function outcome(check: () => Promise<unknown>): Promise<string> {
  try {
    const value = await check();
    return value === false ? 'false' : 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('signature checks never throw on malformed input', () => {
  // The unusable-key case logs one line per call by design; keep the test output readable.
  beforeAll(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));

  it('HighLevel X-GHL-Signature / X-WH-Signature → unauthorized, also under a key that is not a key', async () => {
    const body = '{"type":"INSTALL"}';
    await fc.assert(
      fc.asyncProperty(
        signatureLike,
        fc.constantFrom(signer.publicKeySpkiBase64, 'bm90LWEta2V5', '!!!', signer.publicKeyPem.slice(0, 60)),
        fc.boolean(),
        async (signature, key, legacy) => {
          const headers = legacy ? { 'x-wh-signature': signature } : { 'x-ghl-signature': signature };
          const result = await outcome(() =>
            verifyHighLevelSignature({
              rawBody: body,
              headers,
              ed25519PublicKey: key,
              rsaPublicKey: key,
              allowLegacyRsa: true,
            }),
          );
          expect(result).toBe('unauthorized');
        },
      ),
      FC,
    );
    // The exact header of the finding: 6 bytes where Ed25519 wants 64.
    expect(
      await outcome(() =>
        verifyHighLevelSignature({
          rawBody: body,
          headers: { 'x-ghl-signature': 'Zm9yZ2Vk' },
          ed25519PublicKey: signer.publicKeySpkiBase64,
        }),
      ),
    ).toBe('unauthorized');
  });

  it('Meta X-Hub-Signature-256 and Twilio X-Twilio-Signature → false', async () => {
    await fc.assert(
      fc.asyncProperty(signatureLike, fc.string({ maxLength: 100 }), async (signature, body) => {
        expect(await verifyMetaSignature(body, signature, 'meta-app-secret-test')).toBe(false);
        const request = {
          url: 'https://wabridge.example/webhooks/twilio/con_1?bodySHA256=' + encodeURIComponent(signature),
          method: 'POST',
          headers: new Headers({ 'x-twilio-signature': signature, 'content-type': 'application/json' }),
          rawBody: body,
        };
        expect(await verifyTwilioSignature(request, 'twilio-token')).toBe(false);
        expect(await verifyTwilioSignature({ ...request, url: 'not a url' }, 'twilio-token')).toBe(false);
      }),
      FC,
    );
  });

  it('session tokens, media links and Pipedrive panel JWTs → unauthorized; Pipedrive Basic auth → false', async () => {
    // A token signed with another algorithm (HS512) and one with alg "none" are refused like garbage.
    const secret = new TextEncoder().encode('test-session-secret-0123456789-abcdefghij');
    const hs512 = await new SignJWT({ installationId: 'i', crm: 'highlevel', role: 'admin' })
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime(NOW / 1000 + 60)
      .sign(secret);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    await fc.assert(
      fc.asyncProperty(fc.oneof(signatureLike, fc.constantFrom(hs512, none)), async (token) => {
        const s = 'test-session-secret-0123456789-abcdefghij';
        expect(await outcome(() => verifySessionToken(s, token, NOW))).toBe('unauthorized');
        expect(await outcome(() => verifyMediaToken(s, token, NOW))).toBe('unauthorized');
        expect(await outcome(() => verifyPanelJwt(token, 'pd-jwt-secret-test', NOW))).toBe('unauthorized');
        expect(verifyUninstallBasicAuth(token, 'pd-client-id', 'pd-client-secret-test')).toBe(false);
        expect(verifyUninstallBasicAuth(`Basic ${token}`, 'pd-client-id', 'pd-client-secret-test')).toBe(
          false,
        );
      }),
      FC,
    );
  });
});
