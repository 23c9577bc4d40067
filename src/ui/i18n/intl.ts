// Dates, times, durations and language names through Intl, in the page language (issue 14). Pure: `now` and the
// language are always passed in, so unit tests and both pages get the same words.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface DurationFormatLike {
  format(duration: Record<string, number>): string;
}
type DurationFormatCtor = new (locale: string, options: { style: 'short' | 'long' }) => DurationFormatLike;

/** Intl.DurationFormat where the runtime has it (Chromium ≥ 129, Safari 16.4), else units joined by a list. */
function durationParts(
  language: string,
  parts: [unit: 'hour' | 'minute' | 'second', value: number][],
): string {
  const shown = parts.filter(([, value]) => value > 0);
  if (shown.length === 0) shown.push(parts.at(-1)!);
  const Ctor = (Intl as unknown as { DurationFormat?: DurationFormatCtor }).DurationFormat;
  if (Ctor) {
    return new Ctor(language, { style: 'short' }).format(
      Object.fromEntries(shown.map(([unit, value]) => [`${unit}s`, value])),
    );
  }
  const units = shown.map(([unit, value]) =>
    new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(value),
  );
  return new Intl.ListFormat(language, { style: 'narrow', type: 'unit' }).format(units);
}

/**
 * A remaining time: "5 hr, 12 min" over an hour, "12 min" under, and seconds in the last minute ("42 sec"),
 * where the countdown matters most.
 */
export function formatDuration(ms: number, language: string): string {
  const clamped = Math.max(0, ms);
  if (clamped < MINUTE) return durationParts(language, [['second', Math.ceil(clamped / SECOND)]]);
  const hours = Math.floor(clamped / HOUR);
  const minutes = Math.floor((clamped % HOUR) / MINUTE);
  return durationParts(language, [
    ['hour', hours],
    ['minute', minutes],
  ]);
}

/** How long ago: "now", "12 minutes ago", "30 hours ago", "3 days ago" (Intl.RelativeTimeFormat). */
export function formatAgo(ms: number, language: string): string {
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (ms < MINUTE) return rtf.format(0, 'second');
  if (ms < HOUR) return rtf.format(-Math.floor(ms / MINUTE), 'minute');
  if (ms < 2 * DAY) return rtf.format(-Math.floor(ms / HOUR), 'hour');
  return rtf.format(-Math.floor(ms / DAY), 'day');
}

/** A message time: the clock time today, else the day and month too. */
export function formatTime(at: number, now: number, language: string): string {
  const d = new Date(at);
  const sameDay = now - at < DAY && new Date(now).getDate() === d.getDate();
  return new Intl.DateTimeFormat(language, {
    hour: '2-digit',
    minute: '2-digit',
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
  }).format(d);
}

/** A full date and time ("4 Dec 2026, 23:15"), for tables and logs. */
export function formatDateTime(at: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A template language code as words: `en_US` → "English (US)", `it` → "Italian" (in the page language). */
export function languageName(code: string, language: string): string {
  try {
    const names = new Intl.DisplayNames(language, {
      type: 'language',
      languageDisplay: 'standard',
      style: 'short',
    });
    return names.of(code.replace(/_/g, '-')) ?? code;
  } catch {
    return code;
  }
}

/** "a, b and c" in the page language. */
export function formatList(items: string[], language: string): string {
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
}
