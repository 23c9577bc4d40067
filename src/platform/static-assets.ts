// Workers Static Assets (env.ASSETS, wrangler.toml [assets]) as the Worker reads them: what is data rather than
// code stays out of the bundle (issue 13) — the prerendered pages (src/ui/prerendered.ts), the pages' catalogues
// and the phone numbering metadata (./phone-metadata.ts). Tests serve public/ from disk (test/helpers).

/** The part of a Workers `Fetcher` used here. */
export interface AssetFetcher {
  fetch(request: Request): Promise<Response>;
}

/** One file under public/ by its path; the host is never contacted: an assets binding answers by path alone. */
export const fetchAsset = (assets: AssetFetcher, path: string): Promise<Response> =>
  assets.fetch(new Request(`https://assets.local${path}`));

/**
 * `load()` once per isolate for each key: callers share the pending promise. A rejection is not remembered (the
 * next caller tries again), so an asset that could not be read once is not missing for the isolate's life.
 */
export function loadOnce<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = load();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}
