// fetchMedia against the Meta simulator: media id → download URL → bytes, every exchange checked against the spec.
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/core/errors';
import { META_SAMPLE_MEDIA } from '../../../test/mocks/meta';
import { META_TEST_BASE, metaTestCredentials, useMetaSimulator } from '../../../test/mocks/meta/harness';

let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
const { sim, server, adapter, assertSpecValid } = useMetaSimulator({ now: () => clock });
afterEach(assertSpecValid);

async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const bytesOf = async (stream: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(stream).arrayBuffer());

describe('fetchMedia', () => {
  it('resolves the media id to a download URL and streams the exact bytes with their content type', async () => {
    const media = await adapter().fetchMedia!({ mediaId: META_SAMPLE_MEDIA.image.id });
    expect(media.contentType).toBe('image/jpeg');
    expect(media.contentLength).toBe(META_SAMPLE_MEDIA.image.bytes.byteLength);
    expect(await bytesOf(media.body)).toEqual(META_SAMPLE_MEDIA.image.bytes);
    expect(sim.state.calls).toMatchObject({ mediaInfo: 1, mediaDownload: 1 });
  });

  it('serves bytes the customer sent, and asks Meta for a fresh URL on every call', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7 invoice 42');
    const id = sim.state.addMedia(pdf, 'application/pdf');
    for (let i = 0; i < 2; i++) {
      const media = await adapter().fetchMedia!({ mediaId: id });
      expect(media.contentType).toBe('application/pdf');
      expect(await bytesOf(media.body)).toEqual(pdf);
    }
    expect(sim.state.calls).toMatchObject({ mediaInfo: 2, mediaDownload: 2 });
    expect(sim.state.downloads.size).toBe(2);
  });

  it('reports unknown media (deleted after 30 days) as rejected with Meta code and text, without a download', async () => {
    const error = await caught(adapter().fetchMedia!({ mediaId: '999000111' }));
    expect(error).toMatchObject({ kind: 'rejected', vendorCode: '100', httpStatus: 400 });
    expect(error.vendorMessage).toMatch(/does not exist/);
    expect(sim.state.calls.mediaDownload).toBe(0);
  });

  it('maps a wrong access token to auth', async () => {
    const wrong = adapter({
      credentials: metaTestCredentials({ accessToken: 'EAAwrongToken' }),
    });
    const error = await caught(wrong.fetchMedia!({ mediaId: META_SAMPLE_MEDIA.image.id }));
    expect(error).toMatchObject({ kind: 'auth', vendorCode: '190', httpStatus: 401 });
    expect(error.message).not.toContain('EAAwrongToken');
  });

  it('refuses media that belongs to another phone number of the same token', async () => {
    const other = adapter({ credentials: metaTestCredentials({ phoneNumberId: '199999999999999' }) });
    const error = await caught(other.fetchMedia!({ mediaId: META_SAMPLE_MEDIA.image.id }));
    expect(error).toMatchObject({ kind: 'rejected', vendorCode: '100' });
    expect(sim.state.calls.mediaDownload).toBe(0);
  });

  it('maps a failed download (expired URL: 404; CDN outage: 503) after a good media lookup', async () => {
    server.use(
      // Five minutes and more pass between the lookup and the download: the URL has expired.
      http.get(`${META_TEST_BASE}/:version/whatsapp_media_:token`, () => {
        clock += 6 * 60 * 1000;
        return undefined;
      }),
    );
    const expired = await caught(adapter().fetchMedia!({ mediaId: META_SAMPLE_MEDIA.video.id }));
    expect(expired).toMatchObject({ kind: 'rejected', httpStatus: 404 });
    expect(sim.state.calls.mediaDownload).toBe(1);

    server.resetHandlers();
    server.use(
      http.get(
        `${META_TEST_BASE}/:version/whatsapp_media_:token`,
        () =>
          new HttpResponse(JSON.stringify({ error: { message: 'Service unavailable', code: 2 } }), {
            status: 503,
            headers: { 'content-type': 'application/json', 'x-mock-fault': '1' },
          }),
      ),
    );
    const outage = await caught(adapter().fetchMedia!({ mediaId: META_SAMPLE_MEDIA.audio.id }));
    expect(outage).toMatchObject({ kind: 'transient', vendorCode: '2', httpStatus: 503 });
  });

  it('gives up with transient when the download headers do not arrive in time', async () => {
    server.use(
      http.get(`${META_TEST_BASE}/:version/whatsapp_media_:token`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return new HttpResponse('late', { headers: { 'x-mock-fault': '1' } });
      }),
    );
    const slow = adapter({ http: { baseUrl: META_TEST_BASE, timeoutMs: 50 } });
    const error = await caught(slow.fetchMedia!({ mediaId: META_SAMPLE_MEDIA.document.id }));
    expect(error.kind).toBe('transient');
  });
});

describe('deleteMedia', () => {
  it('deletes the media of our number at Meta (phone_number_id bound); it cannot be fetched afterwards', async () => {
    const id = sim.state.addMedia(new TextEncoder().encode('%PDF-1.7\n%%EOF\n'), 'application/pdf');
    await expect(adapter().deleteMedia!({ mediaId: id })).resolves.toBeUndefined();
    expect(sim.state.calls.mediaDelete).toBe(1);
    expect(sim.state.media.has(id)).toBe(false);
    expect(await caught(adapter().fetchMedia!({ mediaId: id }))).toMatchObject({ kind: 'rejected' });
    // A second delete: Meta no longer knows the id (rejected, never retried).
    expect(await caught(adapter().deleteMedia!({ mediaId: id }))).toMatchObject({
      kind: 'rejected',
      vendorCode: '100',
    });
  });

  it("refuses another number's media and maps an outage to transient", async () => {
    const other = adapter({ credentials: metaTestCredentials({ phoneNumberId: '199999999999999' }) });
    const id = META_SAMPLE_MEDIA.image.id;
    expect(await caught(other.deleteMedia!({ mediaId: id }))).toMatchObject({ kind: 'rejected' });
    expect(sim.state.media.has(id)).toBe(true);
    server.use(
      http.delete(`${META_TEST_BASE}/:version/:nodeId`, () =>
        HttpResponse.json({ error: { message: 'Service unavailable', code: 2 } }, { status: 503 }),
      ),
    );
    expect(await caught(adapter().deleteMedia!({ mediaId: id }))).toMatchObject({ kind: 'transient' });
  });
});
