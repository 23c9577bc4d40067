// URLs of the pages' scripts and stylesheet. Workers Static Assets serves the files from public/ (wrangler.toml
// [assets]); the pages only link them. Hashed names (scripts/build-ui.ts) so a deploy never mixes versions.
import committed from './asset-manifest.json';

export type AssetName = keyof typeof committed;

let manifest: Readonly<Record<AssetName, string>> = committed;

/** The build renders the pages (./prerendered.ts) with the manifest it has just written (scripts/build-ui.ts). */
export function useAssetManifest(fresh: Readonly<Record<AssetName, string>>): void {
  manifest = fresh;
}

export const assetUrl = (name: AssetName): string => manifest[name];
