// CM.com templates: registered by the admin (no public list API, vendors/providers.md §C) and sent as
// `richContent.conversation[].template.whatsapp` (text-sdk-php Templates/Whatsapp/*).
import type {
  Template,
  TemplateButton,
  TemplateCategory,
  TemplateHeader,
  TemplateKind,
  TemplateValues,
} from '../../../src/core/template';
import type { OutboundMessage } from '../../../src/core/message';
import { detectParameterFormat, extractVariables } from '../../../src/core/template-variables';
import { AppError, ProviderError } from '../../../src/core/errors';
import type { ManualTemplateInput } from '../provider-module';
import type { CmMediaContent, CmTemplateComponent, CmWhatsAppTemplate } from './cm-api';
import { cmMediaContent } from './convert-to-cm-media';

/** Stable id for a manually registered CM.com template: one row per namespace + name + language. */
export function cmTemplateId(namespace: string, elementName: string, language: string): string {
  return `${namespace}:${elementName}:${language}`;
}

/** Pure: the admin's registration → normalized Template (source `manual`, taken as APPROVED). */
export function buildManualCmTemplate(input: ManualTemplateInput): Template {
  const namespace = input.namespace.trim();
  const name = input.elementName.trim();
  const language = input.language.trim();
  if (!namespace || !name || !language || !input.body.trim()) {
    throw new AppError(
      'invalid_request',
      'A CM.com template needs a namespace, element name, language and body',
    );
  }
  const components = {
    ...(input.header ? { header: input.header } : {}),
    body: input.body,
    ...(input.footer ? { footer: input.footer } : {}),
    buttons: input.buttons ?? [],
  };
  const format = detectParameterFormat(components);
  if (format === 'mixed') {
    throw new AppError(
      'invalid_request',
      'A template uses either {{1}}-style or {{name}}-style variables, not both',
    );
  }
  return {
    provider: 'cm',
    providerTemplateId: cmTemplateId(namespace, name, language),
    name,
    language,
    category: input.category,
    // The admin registers templates WhatsApp already approved: CM.com cannot tell us otherwise.
    status: 'APPROVED',
    parameterFormat: format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    kind: templateKind(input.category, components.header, components.buttons),
    components,
    variables: extractVariables(components, input.examples ?? {}),
    source: 'manual',
    namespace,
  };
}

function templateKind(
  category: TemplateCategory,
  header?: TemplateHeader,
  buttons: TemplateButton[] = [],
): TemplateKind {
  if (category === 'AUTHENTICATION') return 'authentication';
  if (buttons.some((b) => b.type === 'QUICK_REPLY')) return 'quick_reply';
  if (buttons.some((b) => b.type === 'URL' || b.type === 'PHONE_NUMBER')) return 'call_to_action';
  if (header && header.format === 'LOCATION') return 'location';
  if (header && header.format !== 'TEXT') return 'media';
  return 'text';
}

type TemplateRef = NonNullable<OutboundMessage['template']>;

/** Outbound template content → CM `template.whatsapp` with header / body / button parameters. */
export function toCmWhatsAppTemplate(
  ref: TemplateRef,
  values: TemplateValues,
  headerMediaUrl: string | undefined,
): CmWhatsAppTemplate {
  if (!ref.namespace) {
    throw new ProviderError('template_mismatch', `CM.com template ${ref.name} has no namespace`);
  }
  const value = (id: string): string => {
    const v = values[id];
    if (v === undefined)
      throw new ProviderError('template_mismatch', `Missing value for template variable ${id}`);
    return v;
  };
  const components: CmTemplateComponent[] = [];

  const media = headerMedia(ref.headerFormat, headerMediaUrl);
  const headerVars = ref.variables.filter((v) => v.location === 'header');
  if (media) components.push({ type: 'header', parameters: [media] });
  else if (headerVars.length > 0) {
    components.push({
      type: 'header',
      parameters: headerVars.map((v) => ({ type: 'text', text: value(v.id) })),
    });
  }

  const bodyVars = ref.variables.filter((v) => v.location === 'body');
  if (bodyVars.length > 0) {
    components.push({ type: 'body', parameters: bodyVars.map((v) => ({ type: 'text', text: value(v.id) })) });
  }

  const buttonIndexes = [
    ...new Set(ref.variables.filter((v) => v.location === 'button').map((v) => v.buttonIndex ?? 0)),
  ];
  for (const index of buttonIndexes.sort((a, b) => a - b)) {
    const vars = ref.variables.filter((v) => v.location === 'button' && (v.buttonIndex ?? 0) === index);
    const type = ref.buttonTypes?.[index];
    if (type === 'QUICK_REPLY') {
      components.push({
        type: 'button',
        sub_type: 'quick_reply',
        index,
        parameters: vars.map((v) => ({ type: 'payload', payload: value(v.id) })),
      });
    } else if (type === 'COPY_CODE') {
      components.push({
        type: 'button',
        sub_type: 'copy_code',
        index,
        parameters: vars.map((v) => ({ type: 'coupon_code', coupon_code: value(v.id) })),
      });
    } else {
      // URL buttons carry the dynamic URL suffix as a text parameter (text-sdk-php ComponentButtonUrl).
      components.push({
        type: 'button',
        sub_type: 'url',
        index,
        parameters: vars.map((v) => ({ type: 'text', text: value(v.id) })),
      });
    }
  }

  return {
    namespace: ref.namespace,
    element_name: ref.name,
    // `deterministic`: send exactly this language, never a fallback translation (SDK Language.Policy).
    language: { policy: 'deterministic', code: ref.language },
    components,
  };
}

function headerMedia(
  format: TemplateRef['headerFormat'],
  url: string | undefined,
): { type: 'image' | 'video' | 'document'; media: CmMediaContent } | undefined {
  if (!url || (format !== 'IMAGE' && format !== 'VIDEO' && format !== 'DOCUMENT')) return undefined;
  const mediaType = format === 'IMAGE' ? 'image' : format === 'VIDEO' ? 'video' : 'document';
  return { type: mediaType, media: cmMediaContent(mediaType, url) };
}
