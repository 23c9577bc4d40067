import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  installedMinMetadata,
  PHONE_METADATA_FILE,
  withoutFormats,
} from '../../scripts/build-phone-metadata';

const metadata: unknown = JSON.parse(readFileSync(PHONE_METADATA_FILE, 'utf8'));

describe('phone metadata', () => {
  it('is the installed libphonenumber-js min metadata without formats (run scripts/build-phone-metadata.ts)', () => {
    expect(metadata).toEqual(withoutFormats(installedMinMetadata()));
  });
});
