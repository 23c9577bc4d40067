// The Hono class every router and the app are built with: hono's own `Hono` on the router it would pick anyway.
// hono's default SmartRouter tries RegExpRouter first and keeps TrieRouter when a route is beyond it — ours are
// (hono.test.ts) — so the app always ran on TrieRouter; naming it here leaves RegExpRouter and SmartRouter out
// of the Worker bundle (issue 13, ≈ 1.6 KB gzipped). Import `Hono` from here, never from 'hono' (pages.test.ts
// fails when those routers are bundled again). Types still come from 'hono'.
import { HonoBase, type HonoOptions } from 'hono/hono-base';
import { TrieRouter } from 'hono/router/trie-router';
import type { BlankEnv, BlankSchema, Env, Schema } from 'hono/types';

export class Hono<
  E extends Env = BlankEnv,
  S extends Schema = BlankSchema,
  BasePath extends string = '/',
> extends HonoBase<E, S, BasePath> {
  constructor(options: HonoOptions<E> = {}) {
    super(options);
    this.router = options.router ?? new TrieRouter();
  }
}
