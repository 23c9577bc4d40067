// Inbound media download from the Cloud API: `GET /{version}/{media-id}` gives a download URL valid ~5 minutes, then
// `GET <url>` with the same Bearer token gives the bytes (spec operations retrieveMediaUrl and downloadMedia).
// Called fresh for every request: media ids live 30 days, their URLs do not.
import { isAxiosError } from '../../shared/vendor-http';
import type { AxiosInstance } from 'axios';
import { ProviderError } from '../../../src/core/errors';
import type { ProviderMedia, ProviderMediaRef } from '../types';
import { mapMetaError } from './map-meta-error';
import { metaMediaUrlSchema } from './meta-api';

export interface MetaMediaCall {
  client: AxiosInstance;
  version: string;
  phoneNumberId: string;
  /** Time allowed until the download's headers arrive; the transfer itself is not cut (documents reach 100 MB). */
  timeoutMs: number;
}

/** A stream body of a failed download is read back, so the Graph error inside it is mapped like any other. */
async function withReadableBody(error: unknown): Promise<unknown> {
  if (!isAxiosError(error) || !(error.response?.data instanceof ReadableStream)) return error;
  const text = await new Response(error.response.data as ReadableStream).text().catch(() => '');
  try {
    error.response.data = JSON.parse(text) as unknown;
  } catch {
    error.response.data = text;
  }
  return error;
}

function positiveInt(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 && value !== '' && value !== null ? n : undefined;
}

export async function fetchMetaMedia(call: MetaMediaCall, ref: ProviderMediaRef): Promise<ProviderMedia> {
  const { client, version, phoneNumberId, timeoutMs } = call;
  try {
    // phone_number_id makes Meta refuse media that belongs to another number of the same token.
    const meta = await client.get(`/${version}/${encodeURIComponent(ref.mediaId)}`, {
      params: { phone_number_id: phoneNumberId },
    });
    const parsed = metaMediaUrlSchema.safeParse(meta.data);
    if (!parsed.success)
      throw new ProviderError('rejected', 'Meta returned an unexpected media description (no download url)');
    const info = parsed.data;

    const headersDue = new AbortController();
    const timer = setTimeout(() => headersDue.abort(), timeoutMs);
    let download;
    try {
      download = await client.get<ReadableStream<Uint8Array>>(info.url, {
        responseType: 'stream',
        timeout: 0,
        signal: headersDue.signal,
      });
    } finally {
      clearTimeout(timer);
    }
    const headerType = String(download.headers['content-type'] ?? '').trim();
    const contentType =
      headerType && headerType !== 'application/octet-stream'
        ? headerType
        : (info.mime_type ?? (headerType || 'application/octet-stream'));
    return {
      body: download.data,
      contentType,
      contentLength: positiveInt(download.headers['content-length']) ?? positiveInt(info.file_size),
    };
  } catch (error) {
    throw mapMetaError(await withReadableBody(error), 'fetchMedia');
  }
}
