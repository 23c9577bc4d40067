// Property-based fuzz over every route and method of the app (issue 17 finding 5), against a target: odd path
// segments and query values, arbitrary and mutated bodies, with and without a session, and vendor calls whose
// signature is *valid* over an odd body (Meta HMAC, Twilio HMAC-SHA1, HighLevel Ed25519, CM.com's URL token), so the
// parsing behind each signature check is reached. Every answer must be < 500 (a vendor refusing a valid-looking
// request, 502 provider_error/crm_error, is the vendor's answer, not ours), carry the error envelope when it is a
// JSON error, and hold no stack trace and no secret.
// Fixed seed and a bounded number of runs in `npm test`; FUZZ_RUNS=5000 (and FUZZ_SEED=…) for a longer hunt.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CM_SIM_PRODUCT_TOKEN } from '../../mocks/cm';
import { DEFAULT_AUTH_TOKEN } from '../../mocks/twilio';
import type { AppTarget } from '../app-target';
import type { TargetRef } from '../use-target';
import { requestArbitrary } from './fuzz-requests';

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261217);

const SECRET_VARS = [
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEY_PREVIOUS',
  'SESSION_SECRET',
  'META_APP_SECRET',
  'META_VERIFY_TOKEN',
  'HIGHLEVEL_CLIENT_SECRET',
  'HIGHLEVEL_SHARED_SECRET',
  'PIPEDRIVE_CLIENT_SECRET',
  'PIPEDRIVE_JWT_SECRET',
  'OPERATOR_TOKEN',
];

export interface FuzzTally {
  requests: number;
  fiveHundreds: number;
  /** 502 provider_error / crm_error: a simulated vendor refused what a fuzzed but well-formed request asked. */
  vendorRefusals: number;
  byRoute: Map<string, number>;
}

function secretsOf(target: AppTarget): string[] {
  return [
    ...SECRET_VARS.map((k) => target.vars[k]).filter((v): v is string => !!v && v.length >= 8),
    DEFAULT_AUTH_TOKEN,
    CM_SIM_PRODUCT_TOKEN,
  ];
}

/** What is wrong with one answer ('' when nothing). */
export async function judge(res: Response, secrets: string[], method: string): Promise<string> {
  // A HEAD answer has the GET answer's headers and no body.
  const text = method === 'HEAD' || res.status === 204 || res.status === 304 ? '' : await res.text();
  const vendorAnswer = res.status === 502 && /"(provider|crm)_error"/.test(text);
  if (res.status >= 500 && !vendorAnswer) return `${res.status} ${text.slice(0, 200)}`;
  if (/\n\s+at [^\n]+:\d+:\d+|at async |node_modules|\.ts:\d+/.test(text))
    return `stack trace in ${res.status}`;
  const leaked = secrets.find((s) => text.includes(s));
  if (leaked) return `secret ${leaked.slice(0, 4)}… in ${res.status}`;
  if (text && res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const envelope = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (!envelope.error?.code || !envelope.error.message) return `${res.status} without an error envelope`;
    } catch {
      return `${res.status} JSON that does not parse`;
    }
  }
  return '';
}

export function fuzzSuite(ref: TargetRef, options: { runs?: number } = {}): void {
  const runs = options.runs ?? FUZZ_RUNS;
  const tally: FuzzTally = { requests: 0, fiveHundreds: 0, vendorRefusals: 0, byRoute: new Map() };
  describe(`fuzz: every route, odd input, valid signatures over odd bodies (${ref.kind})`, () => {
    afterAll(() => {
      // The figure docs/BENCHMARKS.md quotes.
      console.log(
        `fuzz (${ref.kind}): ${tally.requests} requests over ${tally.byRoute.size} routes, ` +
          `${tally.fiveHundreds} answered 5xx, ${tally.vendorRefusals} vendor refusals (502) (seed ${FUZZ_SEED}, ${runs} runs)`,
      );
    });

    it(`answers no 5xx, no stack and no secret to ${runs} fuzzed requests`, async () => {
      const target = ref.current;
      const secrets = secretsOf(target);
      const arbitrary = await requestArbitrary(target);
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(arbitrary, async (build) => {
          const r = await build();
          const res = await target.request(r.path, {
            method: r.method,
            headers: r.headers,
            ...(r.body === undefined ? {} : { body: r.body }),
          });
          tally.requests++;
          tally.byRoute.set(r.label, (tally.byRoute.get(r.label) ?? 0) + 1);
          const problem = await judge(res, secrets, r.method);
          if (res.status >= 500 && problem) tally.fiveHundreds++;
          else if (res.status === 502) tally.vendorRefusals++;
          // Collected rather than thrown: one run reports every distinct failure instead of shrinking the first.
          if (problem) failures.push(`${r.method} ${r.path.slice(0, 160)} [${r.label}] → ${problem}`);
        }),
        { seed: FUZZ_SEED, numRuns: runs },
      );
      expect(failures).toEqual([]);
    }, 600_000);
  });
}
