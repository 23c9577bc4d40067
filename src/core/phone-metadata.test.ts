import { describe, expect, it } from 'vitest';
import { installedMinMetadata, withoutFormats } from '../../scripts/build-phone-metadata';
import metadata from './phone-metadata.json';

describe('phone metadata', () => {
  it('is the installed libphonenumber-js min metadata without formats (run scripts/build-phone-metadata.ts)', () => {
    expect(metadata).toEqual(withoutFormats(installedMinMetadata()));
  });
});
