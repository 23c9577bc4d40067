// The Node harness's stand-in for Workers Static Assets (env.ASSETS): serves the committed files under public/ by
// path, 404 for anything else, so the Worker reads the same pages, catalogues and data as deployed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AssetFetcher } from '../../src/platform/static-assets';

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
