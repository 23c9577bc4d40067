// The asynchronous test D1 (local-d1.ts) behaves like the binding where the app relies on it: results and meta,
// D1's own errors, a batch that fails leaves nothing, undefined refused as a bind value; and it keeps working while
// the event loop is starved, which is what broke getPlatformProxy's synchronous channel (issue 17 finding 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalD1, type LocalD1 } from './local-d1';

let d1: LocalD1;
beforeAll(async () => {
  d1 = await startLocalD1();
  await d1.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)');
});
afterAll(() => d1.dispose());

describe('local test D1', () => {
  it('runs statements with results and meta like the binding', async () => {
    const { db } = d1;
    const insert = await db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').bind('a', 1).run();
    expect(insert.meta.changes).toBe(1);
    expect(await db.prepare('SELECT n FROM t WHERE id = ?').bind('a').first('n')).toBe(1);
    expect(await db.prepare('SELECT * FROM t WHERE id = ?').bind('zz').first()).toBeNull();
    expect((await db.prepare('SELECT id, n FROM t').all()).results).toEqual([{ id: 'a', n: 1 }]);
    expect(await db.prepare('SELECT id, n FROM t').raw()).toEqual([['a', 1]]);
  });

  it("surfaces D1's errors with their message, and a failing batch writes nothing", async () => {
    const { db } = d1;
    await expect(db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').bind('a', 2).run()).rejects.toThrow(
      /UNIQUE constraint failed/,
    );
    await expect(
      db.batch([
        db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').bind('b', 1),
        db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').bind('a', 3),
      ]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.prepare('SELECT COUNT(*) AS c FROM t').first('c')).toBe(1);
    await expect(db.prepare('SELECT ?').bind(undefined).first()).rejects.toThrow();
  });

  it('answers while the event loop is repeatedly blocked (no synchronous channel to fall out of step)', async () => {
    const { db } = d1;
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const writes = Array.from({ length: 200 }, (_, i) => {
      if (i % 20 === 0) busy(5);
      return db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').bind(`k${i}`, i).run();
    });
    await Promise.all(writes);
    expect(await db.prepare("SELECT COUNT(*) AS c FROM t WHERE id LIKE 'k%'").first('c')).toBe(200);
  });
});
