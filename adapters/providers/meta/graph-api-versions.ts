// Graph API versions and their lifetimes, from Meta's changelog (developers.facebook.com/docs/graph-api/changelog,
// "Available Graph API versions", read 2026-12-04) and the v27.0 announcement
// (developers.facebook.com/blog/post/2026/11/04/introducing-graph-api-v27-and-marketing-api-v27/). Every version lives
// at least two years; Meta dates its expiry when the next-but-one ships. `expires: null` = not dated yet.

export interface GraphApiVersion {
  version: string;
  released: string;
  expires: string | null;
}

export const GRAPH_API_VERSIONS: readonly GraphApiVersion[] = [
  { version: 'v27.0', released: '2026-11-04', expires: null },
  { version: 'v26.0', released: '2026-07-29', expires: null },
  { version: 'v25.0', released: '2026-02-18', expires: '2028-07-29' },
  { version: 'v24.0', released: '2025-10-08', expires: '2028-02-18' },
  { version: 'v23.0', released: '2025-05-29', expires: '2027-10-08' },
  { version: 'v22.0', released: '2025-01-21', expires: '2027-05-20' },
  { version: 'v21.0', released: '2024-10-02', expires: '2027-01-21' },
  { version: 'v20.0', released: '2024-05-21', expires: '2026-09-24' },
  { version: 'v19.0', released: '2024-01-23', expires: '2026-05-21' },
];

/** The newest version (the default of META_GRAPH_API_VERSION). */
export const CURRENT_GRAPH_API_VERSION = 'v27.0';

/** `v27.0`-style version string (the spec's `Version` path parameter pattern). */
export const GRAPH_VERSION_PATTERN = /^v\d+\.\d+$/;

export type GraphVersionState = 'usable' | 'expired' | 'unknown';

/** Whether Graph still serves `version` at `at` (epoch ms): listed, and not past its expiry date. */
export function graphVersionState(version: string, at: number): GraphVersionState {
  const known = GRAPH_API_VERSIONS.find((v) => v.version === version);
  if (!known) return 'unknown';
  return known.expires !== null && at >= Date.parse(`${known.expires}T00:00:00Z`) ? 'expired' : 'usable';
}
