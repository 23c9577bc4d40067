// Loads vendor OpenAPI documents from ../shared/specs once per process and indexes their paths.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { isObject } from './schema-convert';
import { applyPatches } from './spec-patches';
import type { Json, JsonObject } from './schema-convert';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const specsDir = process.env.WABRIDGE_SPECS_DIR ?? path.resolve(repoRoot, '../shared/specs');

/** Spec name -> files (relative to specsDir). A name may union several documents of one vendor. */
const registry: Record<string, string[]> = {
  meta: ['meta/business-messaging-api_v23.0.yaml'],
  twilio: ['twilio/twilio_api_v2010.json', 'twilio/twilio_content_v1.json'],
  'twilio-api': ['twilio/twilio_api_v2010.json'],
  'twilio-content': ['twilio/twilio_content_v1.json'],
  highlevel: [
    'highlevel/conversations.json',
    'highlevel/contacts.json',
    'highlevel/oauth.json',
    'highlevel/marketplace.json',
    'highlevel/custom-menus.json',
    'highlevel/common-schemas.json',
  ],
  pipedrive: ['pipedrive/openapi-v1.yaml', 'pipedrive/openapi-v2.yaml'],
  'pipedrive-v1': ['pipedrive/openapi-v1.yaml'],
  'pipedrive-v2': ['pipedrive/openapi-v2.yaml'],
};

/**
 * Format overrides per spec name prefix. Pipedrive v1 types `YYYY-MM-DD HH:MM:SS` (space, no zone) values as
 * `date-time`, and its own examples use that form.
 */
const lenientDateTime = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/i;
export function formatOverrides(specName: string): Record<string, RegExp> {
  return specName.startsWith('pipedrive') ? { 'date-time': lenientDateTime } : {};
}

/** Register (or override) a spec name; files are absolute or relative to the shared specs dir. */
export function registerSpec(name: string, files: string[]): void {
  registry[name] = files;
  specCache.delete(name);
}

export function specNames(): string[] {
  return Object.keys(registry);
}

export interface SpecDoc {
  /** File basename; components are registered in Ajv as `oas://<docId>`. */
  docId: string;
  file: string;
  oas30: boolean;
  doc: JsonObject;
  /** Path prefixes of the document's servers (`/v1`, `/api/v2`, or '' for host-only servers). */
  basePaths: string[];
}

export interface Route {
  doc: SpecDoc;
  template: string;
  regex: RegExp;
  /** Per segment: 2 literal, 1 literal with a parameter in it, 0 pure parameter. Higher wins. */
  rank: number[];
  item: JsonObject;
}

export interface LoadedSpec {
  name: string;
  docs: SpecDoc[];
  routes: Route[];
}

const docCache = new Map<string, SpecDoc>();
const specCache = new Map<string, LoadedSpec>();

function loadDoc(file: string): SpecDoc {
  const abs = path.isAbsolute(file) ? file : path.resolve(specsDir, file);
  const cached = docCache.get(abs);
  if (cached) return cached;
  const text = readFileSync(abs, 'utf8');
  const doc = (
    abs.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 })
  ) as JsonObject;
  applyPatches(path.basename(abs), doc);
  const version = typeof doc.openapi === 'string' ? doc.openapi : '3.0.0';
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const basePaths = new Set<string>();
  for (const s of servers) {
    if (!isObject(s) || typeof s.url !== 'string') continue;
    const url = s.url.replace(/\{[^}]+\}/g, 'x');
    const pathname = new URL(url, 'https://relative.invalid').pathname.replace(/\/+$/, '');
    basePaths.add(pathname);
  }
  if (basePaths.size === 0) basePaths.add('');
  const loaded: SpecDoc = {
    docId: path.basename(abs),
    file: abs,
    oas30: version.startsWith('3.0'),
    doc,
    basePaths: [...basePaths],
  };
  docCache.set(abs, loaded);
  return loaded;
}

function compileTemplate(template: string): { regex: RegExp; rank: number[] } {
  const segments = normalizePath(template).split('/').slice(1);
  const rank: number[] = [];
  const parts = segments.map((seg) => {
    const pieces = seg.split(/(\{[^}]+\})/).filter((p) => p !== '');
    const params = pieces.filter((p) => p.startsWith('{')).length;
    rank.push(params === 0 ? 2 : params === pieces.length ? 0 : 1);
    return pieces
      .map((p) => (p.startsWith('{') ? '([^/]+?)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
  });
  return { regex: new RegExp(`^/${parts.join('/')}$`), rank };
}

export function normalizePath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function loadSpec(name: string): LoadedSpec {
  const cached = specCache.get(name);
  if (cached) return cached;
  const files = registry[name];
  if (!files) throw new Error(`unknown spec "${name}" (known: ${specNames().join(', ')})`);
  const docs = files.map(loadDoc);
  const routes: Route[] = [];
  for (const doc of docs) {
    const paths = isObject(doc.doc.paths) ? doc.doc.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      routes.push({ doc, template, item, ...compileTemplate(template) });
    }
  }
  const spec: LoadedSpec = { name, docs, routes };
  specCache.set(name, spec);
  return spec;
}

/** Follows `$ref` chains for non-schema objects (parameters, requestBodies, responses) inside one document. */
export function deref(doc: SpecDoc, value: Json | undefined): Json | undefined {
  let current = value;
  for (let hops = 0; hops < 20 && isObject(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) return undefined;
    let node: Json | undefined = doc.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    current = node;
  }
  return current;
}
