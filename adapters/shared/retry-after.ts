// `Retry-After` is delay-seconds or an HTTP date (RFC 9110 §10.2.3). The clock is the caller's (injected in tests).

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Never negative. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A header from axios' headers object or a fetch `Headers`, as a string. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') {
    const value = (headers as Headers).get(name);
    return value === null || value === undefined ? undefined : String(value);
  }
  const value = (headers as Record<string, unknown>)[name.toLowerCase()];
  return value === undefined || value === null ? undefined : String(value);
}
