import { describe, expect, it } from 'vitest';
import { SECRET_NAMES } from '../../config';
import { REQUIRED_SECRETS, SECRET_PURPOSES } from './deployment-health';

describe('secret purposes (core + the vendor modules of the registries)', () => {
  it('gives every secret the Worker reads a group, and nothing else', () => {
    expect(Object.keys(SECRET_PURPOSES).sort()).toEqual([...SECRET_NAMES].sort());
  });

  it('keeps the groups and required flags the operator report always had', () => {
    expect(SECRET_PURPOSES.META_APP_SECRET).toEqual({ group: 'meta', required: true });
    expect(SECRET_PURPOSES.HIGHLEVEL_ACTION_SECRET).toEqual({ group: 'highlevel', required: false });
    expect(SECRET_PURPOSES.PIPEDRIVE_JWT_SECRET).toEqual({ group: 'pipedrive', required: false });
    expect(REQUIRED_SECRETS).toEqual(
      expect.arrayContaining([
        'ENCRYPTION_KEY',
        'META_VERIFY_TOKEN',
        'HIGHLEVEL_SHARED_SECRET',
        'PIPEDRIVE_CLIENT_ID',
      ]),
    );
    expect(REQUIRED_SECRETS).not.toContain('PIPEDRIVE_JWT_SECRET');
  });
});
