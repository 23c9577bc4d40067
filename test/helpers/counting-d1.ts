// A D1 binding that counts round trips: every prepared statement execution (run / first / all / raw) and every
// batch() is one trip to the database. Used to prove that writes grow with pages, not rows (DESIGN.md §8).

export interface D1Counter {
  /** Round trips so far: statement executions + batches. */
  readonly trips: number;
  /** Statements executed inside batches (for information: they share one trip per batch). */
  readonly batchedStatements: number;
  readonly batches: number;
  /** Each trip's SQL (a batch's statements joined by ' ; '), first 80 characters each: says which trip was added. */
  readonly log: readonly string[];
  reset(): void;
}

const short = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 80);

class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly trip: (sql: string) => void,
    readonly sql: string,
  ) {}
  private onTrip(): void {
    this.trip(this.sql);
  }
  bind(...values: unknown[]): CountingStatement {
    return new CountingStatement(this.inner.bind(...values), this.trip, this.sql);
  }
  first<T>(column?: string): Promise<T | null> {
    this.onTrip();
    return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column);
  }
  run<T>(): Promise<D1Result<T>> {
    this.onTrip();
    return this.inner.run<T>();
  }
  all<T>(): Promise<D1Result<T>> {
    this.onTrip();
    return this.inner.all<T>();
  }
  raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    this.onTrip();
    return this.inner.raw<T>(options as { columnNames: true }) as Promise<T[]>;
  }
}

/** Wraps `db`; the returned binding behaves like the original and `counter` counts its round trips. */
export function countingD1(db: D1Database): { db: D1Database; counter: D1Counter } {
  const state = { trips: 0, batchedStatements: 0, batches: 0, log: [] as string[] };
  const trip = (sql: string) => {
    state.trips++;
    state.log.push(short(sql));
  };
  const unwrap = (s: D1PreparedStatement) =>
    (s instanceof CountingStatement ? s.inner : s) as D1PreparedStatement;
  const wrapped = {
    prepare: (sql: string) => new CountingStatement(db.prepare(sql), trip, sql),
    batch: <T>(statements: D1PreparedStatement[]) => {
      state.trips++;
      state.log.push(
        statements.map((s) => (s instanceof CountingStatement ? short(s.sql) : '?')).join(' ; '),
      );
      state.batches++;
      state.batchedStatements += statements.length;
      return db.batch<T>(statements.map(unwrap));
    },
    exec: (sql: string) => {
      state.trips++;
      state.log.push(short(sql));
      return db.exec(sql);
    },
    dump: () => db.dump(),
    withSession: (...args: Parameters<D1Database['withSession']>) => db.withSession(...args),
  };
  const counter: D1Counter = {
    get trips() {
      return state.trips;
    },
    get batchedStatements() {
      return state.batchedStatements;
    },
    get batches() {
      return state.batches;
    },
    get log() {
      return state.log;
    },
    reset() {
      state.log = [];
      state.trips = 0;
      state.batchedStatements = 0;
      state.batches = 0;
    },
  };
  return { db: wrapped as unknown as D1Database, counter };
}
