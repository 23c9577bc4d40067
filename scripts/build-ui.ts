// Bundles the pages' client scripts (src/ui/client/*.ts, which reuse src/core for preview and validation) into
// src/ui/client-bundle.json, served as static strings by the Worker (src/routes/ui.ts). Run after editing
// src/ui/client: `node --import tsx scripts/build-ui.ts`. A test fails when the JSON is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_ENTRIES = ['sidebar', 'admin'] as const;
export const BUNDLE_FILE = path.join(ROOT, 'src/ui/client-bundle.json');

export async function buildClientBundles(): Promise<Record<(typeof CLIENT_ENTRIES)[number], string>> {
  const out = {} as Record<(typeof CLIENT_ENTRIES)[number], string>;
  for (const name of CLIENT_ENTRIES) {
    const result = await build({
      entryPoints: [path.join(ROOT, `src/ui/client/${name}.ts`)],
      bundle: true,
      write: false,
      format: 'iife',
      minify: true,
      target: 'es2020',
      charset: 'utf8',
      legalComments: 'none',
      logLevel: 'silent',
    });
    out[name] = result.outputFiles[0]!.text;
  }
  return out;
}

export function serializeBundles(bundles: Record<string, string>): string {
  return `${JSON.stringify(bundles, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundles = await buildClientBundles();
  writeFileSync(BUNDLE_FILE, serializeBundles(bundles));
  for (const [name, code] of Object.entries(bundles))
    console.log(`${name}.js ${(code.length / 1024).toFixed(1)} KB`);
}
