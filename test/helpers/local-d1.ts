// Local D1 for Node-side tests and seeding: a real D1 database in workerd (miniflare), reached only through
// asynchronous HTTP calls. Why not getPlatformProxy's `env.DB`: its synchronous surface (`prepare`, `bind`) goes
// through miniflare's SynchronousFetcher, a worker thread that answers over a MessagePort and wakes the caller
// with Atomics.store(1) + Atomics.notify. When that thread is preempted between its store and its notify (CPU
// pressure), the caller has already seen the 1, finished the call and armed `Atomics.wait` for the next one, and
// the late notify of the previous call wakes it before the next answer exists: `receiveMessageOnPort` returns
// nothing and `assert(message?.id === id)` throws "AssertionError: false == true", after which that proxy stays
// out of step (miniflare 4.20260426 `src/plugins/core/proxy/fetch-sync.ts`; fixed upstream in
// cloudflare/workers-sdk#15552, in releases that need Node 22). That is issue 17's "suite fails under load". Here
// `prepare`/`bind` only build a value in Node, and each execution (first/all/run/raw), batch or exec is one
// `dispatchFetch` to a small Worker that runs it on the binding: no synchronous channel, no worker thread, no
// timing. Results and D1 errors (message kept: callers match "UNIQUE constraint failed") come back as JSON.
import { Miniflare } from 'miniflare';

interface WireStatement {
  sql: string;
  params: unknown[];
}

type Execution =
  | { op: 'first'; statement: WireStatement; column?: string }
  | { op: 'all' | 'run'; statement: WireStatement }
  | { op: 'raw'; statement: WireStatement; columnNames: boolean }
  | { op: 'batch'; statements: WireStatement[] }
  | { op: 'exec'; sql: string };

// `undefined` does not survive JSON but D1 must still refuse it as a bind value, as it does in production.
const UNDEFINED = { $undefined: true } as const;

const EXECUTOR = /* javascript */ `
const revive = (v) => (v && typeof v === 'object' && v.$undefined === true ? undefined : v);
const prepare = (db, s) => db.prepare(s.sql).bind(...s.params.map(revive));
export default {
  async fetch(request, env) {
    const x = await request.json();
    try {
      let result;
      if (x.op === 'exec') result = await env.DB.exec(x.sql);
      else if (x.op === 'batch') result = await env.DB.batch(x.statements.map((s) => prepare(env.DB, s)));
      else {
        const statement = prepare(env.DB, x.statement);
        if (x.op === 'first') result = x.column === undefined ? await statement.first() : await statement.first(x.column);
        else if (x.op === 'raw') result = await statement.raw({ columnNames: x.columnNames });
        else result = await statement[x.op]();
      }
      return Response.json({ result: result === undefined ? null : result });
    } catch (error) {
      return Response.json({ error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } });
    }
  },
};
`;

export interface LocalD1 {
  db: D1Database;
  dispose(): Promise<void>;
}

/** A fresh in-memory D1 (`persistTo` absent) or the one `wrangler dev --persist-to <persistTo>` uses. */
export async function startLocalD1(
  options: { databaseId?: string; persistTo?: string } = {},
): Promise<LocalD1> {
  const mf = new Miniflare({
    modules: true,
    script: EXECUTOR,
    compatibilityDate: '2025-09-01',
    d1Databases: { DB: options.databaseId ?? '00000000-0000-0000-0000-000000000001' },
    d1Persist: options.persistTo ?? false,
    // Offline: no Request.cf sample download.
    cf: false,
    host: '127.0.0.1',
    port: 0,
  });
  await mf.ready;

  async function execute<T>(execution: Execution): Promise<T> {
    const res = await mf.dispatchFetch('http://d1.local/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(execution),
    });
    const answer = (await res.json()) as { result?: T; error?: { name: string; message: string } };
    if (answer.error) {
      const error = new Error(answer.error.message);
      error.name = answer.error.name;
      throw error;
    }
    return answer.result as T;
  }

  class Statement {
    constructor(readonly wire: WireStatement) {}
    bind(...values: unknown[]): Statement {
      return new Statement({ sql: this.wire.sql, params: values.map(wireValue) });
    }
    first<T>(column?: string): Promise<T | null> {
      return execute({ op: 'first', statement: this.wire, ...(column === undefined ? {} : { column }) });
    }
    all<T>(): Promise<D1Result<T>> {
      return execute({ op: 'all', statement: this.wire });
    }
    run<T>(): Promise<D1Result<T>> {
      return execute({ op: 'run', statement: this.wire });
    }
    raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
      return execute({ op: 'raw', statement: this.wire, columnNames: options?.columnNames ?? false });
    }
  }

  const db = {
    prepare: (sql: string) => new Statement({ sql, params: [] }),
    batch: <T>(statements: D1PreparedStatement[]) =>
      execute<D1Result<T>[]>({
        op: 'batch',
        statements: statements.map((s) => (s as unknown as Statement).wire),
      }),
    exec: (sql: string) => execute<D1ExecResult>({ op: 'exec', sql }),
    dump: () => Promise.reject(new Error('dump() is not supported by the local test D1')),
    withSession: () => {
      throw new Error('withSession() is not supported by the local test D1');
    },
  };
  return { db: db as unknown as D1Database, dispose: () => mf.dispose() };
}

function wireValue(value: unknown): unknown {
  if (value === undefined) return UNDEFINED;
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  // Nothing in this app binds blobs or bigints; refuse loudly rather than store something else.
  throw new Error(`local test D1: unsupported bind value of type ${typeof value}`);
}
