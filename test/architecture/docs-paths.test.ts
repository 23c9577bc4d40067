// The architecture docs name files and folders in backticks; every such path must exist (issue 13: the docs are
// redrawn from the code and must stay true when files move). A path is read the way the docs write it: from the
// repo root, from the doc's folder, or short (`services/relay/send-job.ts`, `meta/meta-recipient.ts`, a bare
// `crm-pacing.ts`). Placeholders (`<name>`), paths outside the repo (`../shared/…`) and vendor file names in
// other formats (`Messages.json`, `openapi-v2.yaml`) are not checked.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './import-graph';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.wrangler', 'coverage']);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (SKIP_DIRS.has(name)) continue;
    const path = dir ? `${dir}/${name}` : name;
    if (statSync(join(ROOT, path)).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const repoFiles = walk('');
const fileNames = new Set(repoFiles.map((f) => basename(f)));

/** The docs that describe the code's layout. */
const DOCS = repoFiles.filter(
  (f) =>
    f === 'README.md' ||
    f === 'docs/ARCHITECTURE.md' ||
    /^adapters\/(.+\/)?README\.md$/.test(f) ||
    /^src\/services\/(.+\/)?README\.md$/.test(f),
);

/** Where a short path in the docs is read from, besides the root and the doc's own folder. */
const BASES = ['src/', 'adapters/', 'adapters/providers/', 'adapters/crm/', 'test/'];

const PATH_LIKE = /^[\w./*-]+\.(ts|tsx|md|sql|toml|mjs)$|^[\w.-]+\/[\w./-]*\/$/;

function exists(path: string, doc: string): boolean {
  if (path.includes('*')) {
    const pattern = new RegExp(`(^|/)${path.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
    return repoFiles.some((f) => pattern.test(f));
  }
  if (!path.includes('/')) return fileNames.has(path);
  const candidates = [path, relative(ROOT, join(ROOT, dirname(doc), path)), ...BASES.map((b) => b + path)];
  return candidates.some((c) => existsSync(join(ROOT, c)));
}

function missingPaths(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const missing: string[] = [];
  for (const [, path] of text.matchAll(/`([^`\s]+)`/g)) {
    if (!path || !PATH_LIKE.test(path) || path.startsWith('../') || path.startsWith('/')) continue;
    if (!exists(path, doc)) missing.push(path);
  }
  return missing;
}

describe('docs name paths that exist', () => {
  it('finds the docs it checks', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/ARCHITECTURE.md',
        'adapters/README.md',
        'src/services/README.md',
      ]),
    );
  });

  it('reads short paths the way the docs write them (guards the resolver)', () => {
    expect(exists('services/relay/send-one.ts', 'docs/ARCHITECTURE.md')).toBe(true);
    expect(exists('meta/meta-recipient.ts', 'docs/ARCHITECTURE.md')).toBe(true);
    expect(exists('crm-hooks.ts', 'README.md')).toBe(true);
    expect(exists('send-one.ts', 'src/services/relay/README.md')).toBe(true);
    expect(exists('services/relay/no-such-file.ts', 'docs/ARCHITECTURE.md')).toBe(false);
    expect(exists('src/core/template*.ts', 'docs/ARCHITECTURE.md')).toBe(true);
  });

  it.each(DOCS)('%s', (doc) => {
    expect(missingPaths(doc)).toEqual([]);
  });
});
