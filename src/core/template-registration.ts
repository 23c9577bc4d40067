// Checks a template the admin registers by hand (a provider without a template list API, e.g. CM.com): the
// builder's lint on the same fields, a WhatsApp language code from the supported list, and a namespace of the
// shape WhatsApp hands out (8-4-4-4-12 groups joined by `_`, vendors/providers.md). Examples are not asked for:
// the template is already approved, so lint's example findings are left out.
import type { TemplateCategory, TemplateComponents } from './template';
import { isTemplateLanguage } from './template-languages';
import { lintTemplate } from './template-lint';
import { detectParameterFormat } from './template-variables';

export interface RegistrationInput {
  namespace: string;
  elementName: string;
  language: string;
  category: TemplateCategory;
  body: string;
  footer?: string;
}

/** A problem with one field of the registration form (`path` is the field's name in the request). */
export interface RegistrationProblem {
  path: 'namespace' | 'elementName' | 'language' | 'body' | 'footer' | 'category';
  code: string;
  message: string;
}

const NAMESPACE = /^[0-9a-z]{8}_[0-9a-z]{4}_[0-9a-z]{4}_[0-9a-z]{4}_[0-9a-z]{12}$/;

const FIELD_OF: Record<string, RegistrationProblem['path']> = {
  name: 'elementName',
  language: 'language',
  category: 'category',
  'components.body': 'body',
  'components.footer': 'footer',
};

export function checkRegistration(input: RegistrationInput): RegistrationProblem[] {
  const problems: RegistrationProblem[] = [];
  const namespace = input.namespace.trim();
  if (!NAMESPACE.test(namespace))
    problems.push({
      path: 'namespace',
      code: 'namespace_format',
      message:
        'Copy the namespace from the template details in the provider portal: 5 groups of letters and digits ' +
        'joined by underscores, e.g. 0a72eb69_2478_4109_a8b6_577bf0ec778a.',
    });
  const language = input.language.trim();
  if (!isTemplateLanguage(language))
    problems.push({
      path: 'language',
      code: 'language_unsupported',
      message: 'Choose one of the languages WhatsApp supports for templates.',
    });
  const components: TemplateComponents = {
    body: input.body,
    ...(input.footer ? { footer: input.footer } : {}),
    buttons: [],
  };
  const format = detectParameterFormat(components);
  const findings = lintTemplate({
    name: input.elementName.trim(),
    language,
    category: input.category,
    parameterFormat: format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components,
    examples: {},
  });
  for (const f of findings) {
    if (f.severity !== 'error' || f.path.startsWith('examples') || f.code.startsWith('example')) continue;
    const path = FIELD_OF[f.path] ?? FIELD_OF[f.path.split('.').slice(0, 2).join('.')] ?? 'body';
    if (path === 'language') continue; // the list above says it better than the format rule
    problems.push({ path, code: f.code, message: f.message });
  }
  return problems;
}
