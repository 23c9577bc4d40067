// Odd values for the route fuzz (fuzz.ts): what people and scanners put where an id, a phone or a number belongs,
// and mutations of genuine vendor payloads (one to three fields anywhere replaced, dropped or made odd).
import fc from 'fast-check';

export type Json = unknown;
/** Strings people and scanners put where an id, a phone or a number belongs. */
export const ODD_TEXT = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '%',
  '%ZZ',
  '%252B39',
  '+39 333 123 4567',
  '+393331234567',
  '00393331234567',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\u0000',
  '\ud83d\ude00',
  '\u202e',
  'a'.repeat(3000),
  '9'.repeat(40),
  '2026-13-45T99:99:99Z',
  'con_',
  'msg_0000000000000000000000000',
];

/** Raw path segments sent as they are (not re-encoded): broken escapes, encoded slashes, dot segments. */
export const RAW_SEGMENTS = [
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%F0%9F%98',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%00',
  '%252B39',
  '+39%20333',
];

export const oddString = fc.oneof(
  fc.constantFrom(...ODD_TEXT),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
export const oddJson: fc.Arbitrary<Json> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A leaf path of `value` (arrays and objects walked), for mutating one field of a genuine payload. */
function leafPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value as Record<string, Json>);
    const inner = entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
    return prefix.length ? [prefix, ...inner] : inner;
  }
  return [prefix];
}

function withValue(value: Json, path: (string | number)[], replacement: Json): Json {
  if (!path.length) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<
    string | number,
    Json
  >;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = withValue(copy[head], rest, replacement);
  return copy;
}

/** A genuine payload with one to three fields (anywhere in it) replaced, dropped or given odd values. */
export function mutated(template: Json): fc.Arbitrary<Json> {
  const paths = leafPaths(template);
  return fc
    .array(fc.tuple(fc.constantFrom(...paths), fc.option(oddJson, { nil: undefined })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((edits) => edits.reduce((doc, [path, replacement]) => withValue(doc, path, replacement), template));
}

export function fillPath(path: string, segment: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const params = path.match(/:[A-Za-z]+\??|\*/g) ?? [];
  if (!params.length) return fc.constant(path);
  return fc.array(segment, { minLength: params.length, maxLength: params.length }).map((values) => {
    let i = 0;
    return path.replace(/:[A-Za-z]+\??|\*/g, () => values[i++] ?? 'x');
  });
}
