// Writes src/core/phone-metadata.json: libphonenumber-js's `min` metadata without the number formats, which only
// formatting reads (src/core/phone.ts parses and validates, never formats): ≈ 9 KiB gzipped off the Worker bundle.
// Run after updating libphonenumber-js: node --import tsx scripts/build-phone-metadata.ts (a test fails while stale).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Index of the formats in a country's entry of the compressed metadata (libphonenumber-js metadata version 4). */
const FORMATS = 4;

type Entry = unknown[];
interface Metadata {
  version: number;
  countries: Record<string, Entry>;
  nonGeographic?: Record<string, Entry>;
}

export function withoutFormats(metadata: Metadata): Metadata {
  const strip = (entries: Record<string, Entry> = {}) =>
    Object.fromEntries(
      Object.entries(entries).map(([key, entry]) => [key, entry.map((v, i) => (i === FORMATS ? 0 : v))]),
    );
  if (metadata.version !== 4)
    throw new Error(`libphonenumber-js metadata version ${metadata.version}: check FORMATS`);
  return { ...metadata, countries: strip(metadata.countries), nonGeographic: strip(metadata.nonGeographic) };
}

export function installedMinMetadata(): Metadata {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('libphonenumber-js/metadata.min.json'), 'utf8')) as Metadata;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const target = new URL('../src/core/phone-metadata.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(withoutFormats(installedMinMetadata()))}\n`);
  console.log(`wrote ${target.pathname}`);
}
