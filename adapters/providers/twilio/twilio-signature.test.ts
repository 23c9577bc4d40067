import { describe, expect, it } from 'vitest';
import {
  signTwilioRequest,
  twilioJsonWebhookRequest,
  twilioWebhookRequest,
} from '../../../test/mocks/twilio';
import type { WebhookRequest } from '../types';
import { twilioSignedPayload, urlVariants, verifyTwilioSignature } from './twilio-signature';

// vendors/providers.md §B, from twilio/twilio-python tests/unit/test_request_validator.py.
const VECTOR = {
  token: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  },
  signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
};

function request(url: string, params: Record<string, string>, signature: string | null): WebhookRequest {
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
  if (signature !== null) headers.set('x-twilio-signature', signature);
  return { url, method: 'POST', headers, rawBody: new URLSearchParams(params).toString() };
}

describe('verifyTwilioSignature', () => {
  it('accepts the providers.md test vector', async () => {
    expect(
      await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, VECTOR.signature), VECTOR.token),
    ).toBe(true);
  });

  it('the simulator signer reproduces the test vector independently', async () => {
    expect(await signTwilioRequest(VECTOR.token, VECTOR.url, VECTOR.params)).toBe(VECTOR.signature);
  });

  it('sorts parameters by key regardless of body order', async () => {
    const reversed = Object.fromEntries(Object.entries(VECTOR.params).reverse());
    expect(await verifyTwilioSignature(request(VECTOR.url, reversed, VECTOR.signature), VECTOR.token)).toBe(
      true,
    );
    expect(
      twilioSignedPayload('u', [
        ['b', '2'],
        ['a', '1'],
      ]),
    ).toBe('ua1b2');
  });

  it('rejects a tampered parameter, a wrong token, a different URL, a missing or malformed header', async () => {
    const tampered = { ...VECTOR.params, Digits: '9999' };
    expect(await verifyTwilioSignature(request(VECTOR.url, tampered, VECTOR.signature), VECTOR.token)).toBe(
      false,
    );
    expect(await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, VECTOR.signature), '54321')).toBe(
      false,
    );
    const otherUrl = 'https://mycompany.com/myapp.php?foo=1&bar=3';
    expect(
      await verifyTwilioSignature(request(otherUrl, VECTOR.params, VECTOR.signature), VECTOR.token),
    ).toBe(false);
    expect(await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, null), VECTOR.token)).toBe(false);
    expect(
      await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, '%%%not-base64'), VECTOR.token),
    ).toBe(false);
    expect(await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, 'AAAA'), VECTOR.token)).toBe(false);
    expect(await verifyTwilioSignature(request(VECTOR.url, VECTOR.params, VECTOR.signature), undefined)).toBe(
      false,
    );
  });

  it('accepts the URL signed with :443 when delivered without it, and the reverse (as Twilio SDKs do)', async () => {
    const params = { MessageSid: 'SM1', Body: 'hi' };
    const withPort = await twilioWebhookRequest({
      url: 'https://app.example.com/webhooks/twilio/c1',
      signedUrl: 'https://app.example.com:443/webhooks/twilio/c1',
      params,
      authToken: VECTOR.token,
    });
    expect(await verifyTwilioSignature(withPort, VECTOR.token)).toBe(true);
    const withoutPort = await twilioWebhookRequest({
      url: 'https://app.example.com:443/webhooks/twilio/c1',
      signedUrl: 'https://app.example.com/webhooks/twilio/c1',
      params,
      authToken: VECTOR.token,
    });
    expect(await verifyTwilioSignature(withoutPort, VECTOR.token)).toBe(true);
    const wrongPort = await twilioWebhookRequest({
      url: 'https://app.example.com/webhooks/twilio/c1',
      signedUrl: 'https://app.example.com:8443/webhooks/twilio/c1',
      params,
      authToken: VECTOR.token,
    });
    expect(await verifyTwilioSignature(wrongPort, VECTOR.token)).toBe(false);
  });

  it('lists :80 variants for http and keeps other ports alone', () => {
    expect(urlVariants('http://h.test/a?b=1')).toEqual(['http://h.test/a?b=1', 'http://h.test:80/a?b=1']);
    expect(urlVariants('https://h.test:443/a')).toEqual(['https://h.test:443/a', 'https://h.test/a']);
    expect(urlVariants('https://h.test:8443/a')).toEqual(['https://h.test:8443/a']);
  });

  it('verifies JSON bodies through the bodySHA256 query parameter and rejects a changed body', async () => {
    const signed = await twilioJsonWebhookRequest({
      url: 'https://app.example.com/webhooks/twilio/c1',
      body: { MessageSid: 'SM1', MessageStatus: 'delivered' },
      authToken: VECTOR.token,
    });
    expect(signed.url).toMatch(/bodySHA256=[0-9a-f]{64}$/);
    expect(await verifyTwilioSignature(signed, VECTOR.token)).toBe(true);
    const changed = { ...signed, rawBody: signed.rawBody.replace('delivered', 'read') };
    expect(await verifyTwilioSignature(changed, VECTOR.token)).toBe(false);
  });

  it('refuses a JSON body whose URL carries no bodySHA256 (the signature would cover only the URL)', async () => {
    const url = 'https://app.example.com/webhooks/twilio/c1';
    const urlOnly = await signTwilioRequest(VECTOR.token, url, {});
    const forged = (type: string): WebhookRequest => ({
      url,
      method: 'POST',
      headers: new Headers({ 'content-type': type, 'x-twilio-signature': urlOnly }),
      rawBody: JSON.stringify({ MessageSid: 'SM1', From: 'whatsapp:+15550001', Body: 'forged' }),
    });
    expect(await verifyTwilioSignature(forged('application/json'), VECTOR.token)).toBe(false);
    expect(await verifyTwilioSignature(forged('application/json; charset=utf-8'), VECTOR.token)).toBe(false);
    // A header naming both types is parsed as JSON by the mapper, so it needs bodySHA256 too.
    expect(
      await verifyTwilioSignature(
        forged('application/x-www-form-urlencoded, application/json'),
        VECTOR.token,
      ),
    ).toBe(false);
    expect(await verifyTwilioSignature(forged('text/plain'), VECTOR.token)).toBe(false);
  });
});
