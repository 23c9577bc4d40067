// createAxios (axios assembled from its parts, issue 13) against axios.create from the package entry: the same
// requests reach fetch, the same answers and errors come back.
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { describe, expect, it } from 'vitest';
import { createAxios, isAxiosError } from './axios-core';
import { isTimeoutCode } from './vendor-http';

interface Seen {
  method: string;
  url: string;
  headers: [string, string][];
  body: string | null;
}

function recordingFetch(seen: Seen[], answer: () => Response): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      method: request.method,
      url: request.url,
      headers: [...request.headers].sort(),
      body: request.body ? await request.text() : null,
    });
    return answer();
  };
}

async function outcome(call: () => Promise<{ status: number; data: unknown; headers: unknown }>) {
  try {
    const res = await call();
    return { ok: true, status: res.status, data: res.data, headers: JSON.stringify(res.headers) };
  } catch (error) {
    if (!isAxiosError(error)) throw error;
    return {
      ok: false,
      isAxiosError: axios.isAxiosError(error),
      code: error.code,
      message: error.message,
      status: error.response?.status,
      data: error.response?.data,
    };
  }
}

const scenarios: [
  string,
  (http: AxiosInstance) => Promise<{ status: number; data: unknown; headers: unknown }>,
][] = [
  ['GET with params', (http) => http.get('/v1/things', { params: { a: 1, b: 'x y', list: [1, 2] } })],
  ['POST JSON', (http) => http.post('things', { name: 'é', n: 2 }, { headers: { 'X-Trace': 't1' } })],
  ['PUT form', (http) => http.put('/f', new URLSearchParams({ a: '1' }))],
  [
    'request()',
    (http) => http.request({ url: '/r', method: 'delete', auth: { username: 'u', password: 'p' } }),
  ],
  [
    'callable',
    (http) => (http as unknown as (c: object) => Promise<never>)({ url: '/c', method: 'patch', data: 'raw' }),
  ],
];

const answers: [string, () => Response][] = [
  ['200 JSON', () => Response.json({ ok: true, n: 1 }, { headers: { 'x-rate': '5' } })],
  ['200 text', () => new Response('plain', { headers: { 'content-type': 'text/plain' } })],
  ['404 JSON', () => Response.json({ error: { message: 'nope' } }, { status: 404 })],
  ['500 empty', () => new Response(null, { status: 500 })],
];

describe.each<[string, CreateAxiosDefaults]>([
  ['defaults', { baseURL: 'https://api.example/base', timeout: 5000, adapter: 'fetch' }],
  [
    'raw text, every status',
    {
      baseURL: 'https://api.example',
      adapter: 'fetch',
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      headers: { Authorization: 'Bearer k' },
    },
  ],
])('createAxios(%s)', (_name, config) => {
  it.each(scenarios)('%s: same request, answer and error as axios.create', async (_s, call) => {
    for (const [answerName, answer] of answers) {
      const seenOurs: Seen[] = [];
      const seenAxios: Seen[] = [];
      const ours = createAxios({ ...config, env: { fetch: recordingFetch(seenOurs, answer) } });
      const theirs = axios.create({ ...config, env: { fetch: recordingFetch(seenAxios, answer) } });
      const [a, b] = [await outcome(() => call(ours)), await outcome(() => call(theirs))];
      expect(a, answerName).toEqual(b);
      expect(seenOurs, answerName).toEqual(seenAxios);
      expect(seenOurs).toHaveLength(1);
    }
  });
});

it('times out, runs interceptors and keeps defaults like axios.create', async () => {
  // Never answers; rejects when axios aborts (its timeout), wherever the signal travels (Request or init).
  const never: typeof fetch = (input, init) =>
    new Promise((_resolve, reject) => {
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      signal?.addEventListener('abort', () => reject(new Error('aborted')));
    });
  const codes: (string | undefined)[] = [];
  for (const make of [createAxios, axios.create]) {
    const http = make({ adapter: 'fetch', timeout: 20, env: { fetch: never } });
    const error = await http.get('https://api.example/slow').catch((e: unknown) => e);
    codes.push(isAxiosError(error) ? error.code : String(error));
    const seen: Seen[] = [];
    const tagged = make({ adapter: 'fetch', env: { fetch: recordingFetch(seen, () => Response.json({})) } });
    tagged.interceptors.request.use((c) => (c.headers.set('X-Tag', 'yes'), c));
    await tagged.get('https://api.example/t');
    expect(seen[0]!.headers).toContainEqual(['x-tag', 'yes']);
    expect(tagged.defaults.headers.common.Accept).toBe('application/json, text/plain, */*');
  }
  expect(codes).toEqual(['ETIMEDOUT', 'ETIMEDOUT']);
  expect(codes.every(isTimeoutCode)).toBe(true);
});
