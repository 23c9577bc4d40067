// Shared template fixtures for the template-* tests (seed 001/003/004 bodies, Meta's own examples).
import type { Template, TemplateComponents } from '../template';

export function makeTemplate(over: Partial<Template> & { components: TemplateComponents }): Template {
  return {
    provider: 'meta',
    providerTemplateId: over.name ?? 'id',
    name: 'tpl',
    language: 'it',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    kind: 'text',
    variables: [],
    source: 'synced',
    ...over,
  };
}
