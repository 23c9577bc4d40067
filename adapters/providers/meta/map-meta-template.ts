// Graph `message_templates` item → normalized Template (DESIGN.md §3.3).
import type {
  HeaderFormat,
  ParameterFormat,
  Template,
  TemplateButton,
  TemplateCategory,
  TemplateComponents,
  TemplateKind,
  TemplateStatus,
} from '../../../src/core/template';
import { TEMPLATE_STATUSES } from '../../../src/core/template';
import { extractVariables, placeholderKeys } from '../../../src/core/template-variables';
import type { MetaTemplate, MetaTemplateButton, MetaTemplateComponent } from './meta-api';

// Meta's own status words are our model's, except the two we add for other providers (vendors/providers.md).
const STATUSES: readonly TemplateStatus[] = TEMPLATE_STATUSES.filter(
  (s) => s !== 'UNSUBMITTED' && s !== 'UNKNOWN',
);

export function mapMetaTemplateStatus(status: string | undefined): TemplateStatus {
  const upper = (status ?? '').toUpperCase() as TemplateStatus;
  return STATUSES.includes(upper) ? upper : 'UNKNOWN';
}

// Pre-2023 templates may still carry legacy categories (ACCOUNT_UPDATE, TRANSACTIONAL, OTP, …): Meta folded them
// into UTILITY / AUTHENTICATION / MARKETING (developers.facebook.com/docs/whatsapp/updates-to-pricing/new-template-guidelines).
export function mapMetaCategory(category: string | undefined): TemplateCategory {
  const upper = (category ?? '').toUpperCase();
  if (upper === 'MARKETING' || upper === 'UTILITY' || upper === 'AUTHENTICATION') return upper;
  if (upper === 'OTP') return 'AUTHENTICATION';
  if (
    upper.endsWith('_UPDATE') ||
    upper === 'TRANSACTIONAL' ||
    upper === 'ISSUE_RESOLUTION' ||
    upper === 'AUTO_REPLY'
  ) {
    return 'UTILITY';
  }
  return 'MARKETING';
}

const HEADER_FORMATS: readonly HeaderFormat[] = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];

function asArray(example: MetaTemplateButton['example']): string[] | undefined {
  if (example === undefined) return undefined;
  return Array.isArray(example) ? example : [example];
}

function mapButton(button: MetaTemplateButton): TemplateButton {
  const text = button.text ?? '';
  switch (button.type.toUpperCase()) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text, ...(button.payload ? { payload: button.payload } : {}) };
    case 'URL':
      return {
        type: 'URL',
        text,
        url: button.url ?? '',
        ...(button.example ? { examples: asArray(button.example) } : {}),
      };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text, phoneNumber: button.phone_number ?? '' };
    case 'COPY_CODE':
      // Meta fixes the label of a copy-code button ("Copy offer code"); the example is the code.
      return {
        type: 'COPY_CODE',
        text: text || 'Copy offer code',
        ...(button.example ? { example: asArray(button.example)![0] } : {}),
      };
    case 'OTP':
      return { type: 'OTP', text, ...(button.otp_type ? { otpType: button.otp_type } : {}) };
    case 'FLOW':
      return {
        type: 'FLOW',
        text,
        ...(button.flow_id !== undefined ? { flowId: String(button.flow_id) } : {}),
      };
    default:
      // MPM, CATALOG, VOICE_CALL, SPM and whatever Meta adds next: no slot in the model, keep the label.
      return { type: 'OTHER', text, kind: button.type.toUpperCase() };
  }
}

function findComponent(components: MetaTemplateComponent[], type: string): MetaTemplateComponent | undefined {
  return components.find((c) => c.type.toUpperCase() === type);
}

/** Examples keyed by variable id (`body.1`, `header.first_name`), from positional or named example blocks. */
function textExamples(
  location: 'header' | 'body',
  text: string | undefined,
  positional: string[] | undefined,
  named: { param_name: string; example: string }[] | undefined,
): Record<string, string> {
  const byName = new Map((named ?? []).map((p) => [p.param_name, p.example]));
  const out: Record<string, string> = {};
  placeholderKeys(text).forEach((key, i) => {
    const example =
      byName.get(key) ?? (/^\d+$/.test(key) ? positional?.[Number(key) - 1] : undefined) ?? positional?.[i];
    if (example !== undefined) out[`${location}.${key}`] = example;
  });
  return out;
}

function kindOf(category: TemplateCategory, components: TemplateComponents): TemplateKind {
  if (category === 'AUTHENTICATION') return 'authentication';
  const types = new Set(components.buttons.map((b) => b.type));
  const media =
    components.header && components.header.format !== 'TEXT' && components.header.format !== 'LOCATION';
  if (components.header?.format === 'LOCATION') return 'location';
  if (types.has('OTHER')) return 'other';
  if (media && types.size > 0) return 'card';
  if (types.has('URL') || types.has('PHONE_NUMBER') || types.has('COPY_CODE') || types.has('FLOW'))
    return 'call_to_action';
  if (types.has('QUICK_REPLY')) return 'quick_reply';
  return media ? 'media' : 'text';
}

export function mapMetaTemplate(raw: MetaTemplate): Template {
  const category = mapMetaCategory(raw.category);
  const parameterFormat: ParameterFormat =
    raw.parameter_format?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  const headerRaw = findComponent(raw.components, 'HEADER');
  const bodyRaw = findComponent(raw.components, 'BODY');
  const footerRaw = findComponent(raw.components, 'FOOTER');
  const buttonsRaw = findComponent(raw.components, 'BUTTONS');

  const components: TemplateComponents = {
    body: bodyRaw?.text ?? '',
    buttons: (buttonsRaw?.buttons ?? []).map(mapButton),
  };
  const examples: Record<string, string> = {
    ...textExamples(
      'body',
      bodyRaw?.text,
      bodyRaw?.example?.body_text?.[0],
      bodyRaw?.example?.body_text_named_params,
    ),
  };
  if (headerRaw) {
    const format = (headerRaw.format ?? 'TEXT').toUpperCase() as HeaderFormat;
    if (HEADER_FORMATS.includes(format)) {
      const headerExamples =
        format === 'TEXT'
          ? textExamples(
              'header',
              headerRaw.text,
              headerRaw.example?.header_text,
              headerRaw.example?.header_text_named_params,
            )
          : {};
      Object.assign(examples, headerExamples);
      const headerValues = Object.values(headerExamples);
      components.header = {
        format,
        ...(headerRaw.text !== undefined ? { text: headerRaw.text } : {}),
        ...(headerValues.length ? { examples: headerValues } : {}),
        ...(headerRaw.example?.header_handle?.[0]
          ? { mediaExample: headerRaw.example.header_handle[0] }
          : {}),
      };
    }
  }
  if (footerRaw?.text !== undefined) components.footer = footerRaw.text;
  // Same variable ids as the rest of the app (core/template-variables). Authentication OTP buttons take the body
  // code again at send time, so they add no variable of their own (convert-to-meta-message.ts).
  const variables = extractVariables(components, examples);

  const rejection = raw.rejected_reason && raw.rejected_reason !== 'NONE' ? raw.rejected_reason : undefined;
  return {
    provider: 'meta',
    providerTemplateId: raw.id,
    name: raw.name,
    language: raw.language,
    category,
    status: mapMetaTemplateStatus(raw.status),
    ...(rejection ? { rejectionReason: rejection } : {}),
    parameterFormat,
    kind: kindOf(category, components),
    components,
    variables,
    source: 'synced',
  };
}
