// The Node harness's stand-in for Workers Static Assets (env.ASSETS): serves the committed files under public/ by
// path, 404 for anything else, so server-side rendering reads the same catalogues as deployed (src/ui/i18n/load.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AssetFetcher } from '../../src/ui/i18n/load';

export function publicDirAssets(publicDir: string): AssetFetcher {
  const root = path.resolve(publicDir);
  return {
    async fetch(request: Request) {
      const file = path.resolve(root, '.' + decodeURIComponent(new URL(request.url).pathname));
      if (!file.startsWith(root + path.sep)) return new Response('not found', { status: 404 });
      try {
        return new Response(await readFile(file));
      } catch {
        return new Response('not found', { status: 404 });
      }
    },
  };
}
