// Writes public/data/phone-metadata.json: libphonenumber-js's `min` metadata without the number formats, which
// only formatting reads (src/core/phone.ts parses and validates, never formats): ≈ 9 KiB gzipped less. A static
// asset, not in the Worker bundle (issue 13): the Worker reads it through ASSETS (src/platform/phone-metadata.ts),
// Node (tests, local-mode seeds, benches) with installPhoneMetadataFromFile() below.
// Run after updating libphonenumber-js: node --import tsx scripts/build-phone-metadata.ts (a test fails while stale).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPhoneMetadata } from '../src/core/phone';

export const PHONE_METADATA_FILE = new URL('../public/data/phone-metadata.json', import.meta.url);

/** Hands the committed metadata file to src/core/phone.ts (what the Worker does from its static assets). */
export function installPhoneMetadataFromFile(): void {
  setPhoneMetadata(JSON.parse(readFileSync(PHONE_METADATA_FILE, 'utf8')));
}

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
  writeFileSync(PHONE_METADATA_FILE, `${JSON.stringify(withoutFormats(installedMinMetadata()))}\n`);
  console.log(`wrote ${PHONE_METADATA_FILE.pathname}`);
}
