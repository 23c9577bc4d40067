// The pages' static assets, served by the Worker itself: the client bundles (built by scripts/build-ui.ts into
// client-bundle.json) and the stylesheet. A content hash versions their URLs so a deploy never mixes old and new.
import bundle from './client-bundle.json';
import { STYLES } from './styles';

export const ASSETS: Record<string, { body: string; type: string }> = {
  'sidebar.js': { body: bundle.sidebar, type: 'text/javascript; charset=utf-8' },
  'admin.js': { body: bundle.admin, type: 'text/javascript; charset=utf-8' },
  'ui.css': { body: STYLES, type: 'text/css; charset=utf-8' },
};

/** FNV-1a over every asset: cheap, stable, and only used to bust caches. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export const ASSET_VERSION = fnv1a(
  Object.values(ASSETS)
    .map((a) => a.body)
    .join('\n'),
);
