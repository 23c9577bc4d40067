// What a Pipedrive answer (or its absence) tells the client: how long to wait, what the vendor said, and whether
// a request that got no answer may still have been carried out.
import { errorBodySchema } from './pipedrive-api';

/** x-ratelimit-reset: "amount of seconds before the limit resets" (RD/core-api-concepts-rate-limiting); tolerate epoch seconds. */
export function parseRateLimitReset(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  return n > 1e9 ? Math.max(0, n * 1000 - now) : Math.max(0, n * 1000);
}

export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function describeVendorError(body: unknown): string {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success && parsed.data.error) {
    return parsed.data.error_info ? `${parsed.data.error} (${parsed.data.error_info})` : parsed.data.error;
  }
  return typeof body === 'string' ? body.slice(0, 200) : 'no error message';
}
