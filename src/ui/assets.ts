// URLs of the pages' scripts and stylesheet. Workers Static Assets serves the files from public/ (wrangler.toml
// [assets]); the Worker only links them. Hashed names (scripts/build-ui.ts) so a deploy never mixes versions.
import manifest from './asset-manifest.json';

export type AssetName = keyof typeof manifest;

export const assetUrl = (name: AssetName): string => manifest[name];
