// Our wire schemas must accept the vendor's own examples (the fixtures are the spec's examples, read in place).
import { describe, expect, it } from 'vitest';
import { specExample } from '../../../test/spec/examples';
import {
  currentUserResponseSchema,
  dealResponseSchema,
  noteResponseSchema,
  personResponseSchema,
  personSearchResponseSchema,
  tokenResponseSchema,
  uninstallBodySchema,
} from './pipedrive-api';

const API = 'https://api.pipedrive.com';

describe('Pipedrive wire schemas vs spec examples', () => {
  it.each([
    ['token (v1 /oauth/token)', 'pipedrive-v1', 'POST', `${API}/v1/oauth/token`, tokenResponseSchema],
    ['getPerson (v2)', 'pipedrive-v2', 'GET', `${API}/api/v2/persons/1`, personResponseSchema],
    ['addPerson (v2)', 'pipedrive-v2', 'POST', `${API}/api/v2/persons`, personResponseSchema],
    ['searchPersons (v2)', 'pipedrive-v2', 'GET', `${API}/api/v2/persons/search`, personSearchResponseSchema],
    ['getDeal (v2)', 'pipedrive-v2', 'GET', `${API}/api/v2/deals/1`, dealResponseSchema],
    ['addNote (v1)', 'pipedrive-v1', 'POST', `${API}/v1/notes`, noteResponseSchema],
    ['updateNote (v1)', 'pipedrive-v1', 'PUT', `${API}/v1/notes/1`, noteResponseSchema],
    ['getCurrentUser (v1)', 'pipedrive-v1', 'GET', `${API}/v1/users/me`, currentUserResponseSchema],
  ] as const)('%s example parses', (_name, spec, method, url, schema) => {
    const example = specExample(spec, { method, url });
    const parsed = schema.safeParse(example);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
  });

  it('reads the fields we rely on from the examples', () => {
    const token = tokenResponseSchema.parse(
      specExample('pipedrive-v1', { method: 'POST', url: `${API}/v1/oauth/token` }),
    );
    expect(token.api_domain).toBe('https://user-company.pipedrive.com');
    const search = personSearchResponseSchema.parse(
      specExample('pipedrive-v2', { method: 'GET', url: `${API}/api/v2/persons/search` }),
    );
    expect(search.data.items[0]?.item.phones).toEqual(['+372 555555555']);
    const deal = dealResponseSchema.parse(
      specExample('pipedrive-v2', { method: 'GET', url: `${API}/api/v2/deals/1` }),
    );
    expect(deal.data.person_id).toBe(1);
    const me = currentUserResponseSchema.parse(
      specExample('pipedrive-v1', { method: 'GET', url: `${API}/v1/users/me` }),
    );
    expect(me.data.company_id).toBe(54235233);
  });

  it('accepts the uninstall body with numeric or string ids', () => {
    expect(
      uninstallBodySchema.parse({
        client_id: 'c',
        company_id: 5,
        user_id: '7',
        timestamp: '2026-01-01T00:00:00Z',
      }),
    ).toEqual({
      client_id: 'c',
      company_id: '5',
      user_id: '7',
      timestamp: '2026-01-01T00:00:00Z',
    });
  });
});
