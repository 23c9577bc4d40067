// Normalized TemplateDraft → body of `POST /{ver}/{WABA_ID}/message_templates` (providers.md "Create template").
import type { TemplateButton, TemplateDraft } from '../../../src/core/template';
import { COPY_CODE_KEY, placeholderKeys } from '../../../src/core/template-variables';

type Json = Record<string, unknown>;

function example(draft: TemplateDraft, id: string, fallback?: string): string {
  return draft.examples[id] ?? fallback ?? '';
}

function textExample(
  draft: TemplateDraft,
  location: 'header' | 'body',
  text: string,
  fallbacks: string[] = [],
): Json | undefined {
  const keys = placeholderKeys(text);
  if (keys.length === 0) return undefined;
  if (draft.parameterFormat === 'NAMED') {
    const params = keys.map((key, i) => ({
      param_name: key,
      example: example(draft, `${location}.${key}`, fallbacks[i]),
    }));
    return location === 'header' ? { header_text_named_params: params } : { body_text_named_params: params };
  }
  const values = keys.map((key, i) => example(draft, `${location}.${key}`, fallbacks[i]));
  // Meta wants header examples as a flat list and body examples as a list of rows (providers.md example).
  return location === 'header' ? { header_text: values } : { body_text: [values] };
}

function buttonBody(draft: TemplateDraft, button: TemplateButton, index: number): Json {
  switch (button.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: button.text };
    case 'URL': {
      const keys = placeholderKeys(button.url);
      const examples = keys.map((key, i) => example(draft, `button.${index}.${key}`, button.examples?.[i]));
      return {
        type: 'URL',
        text: button.text,
        url: button.url,
        ...(examples.length ? { example: examples } : {}),
      };
    }
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: button.text, phone_number: button.phoneNumber.replace(/^\+/, '') };
    case 'COPY_CODE':
      // The label of a copy-code button is fixed by Meta; only the example code is sent.
      return {
        type: 'COPY_CODE',
        example: example(draft, `button.${index}.${COPY_CODE_KEY}`, button.example),
      };
    case 'OTP':
      return { type: 'OTP', otp_type: button.otpType ?? 'COPY_CODE', text: button.text };
    case 'FLOW':
      return {
        type: 'FLOW',
        text: button.text,
        ...(button.flowId ? { flow_id: button.flowId, flow_action: 'navigate' } : {}),
      };
    case 'OTHER':
      return { type: button.kind, text: button.text };
  }
}

export function convertToMetaTemplateCreate(draft: TemplateDraft): Json {
  const components: Json[] = [];
  const header = draft.components.header;
  if (header) {
    if (header.format === 'TEXT') {
      const ex = textExample(draft, 'header', header.text ?? '', header.examples);
      components.push({
        type: 'HEADER',
        format: 'TEXT',
        text: header.text ?? '',
        ...(ex ? { example: ex } : {}),
      });
    } else if (header.format === 'LOCATION') {
      components.push({ type: 'HEADER', format: 'LOCATION' });
    } else {
      // Media headers need an upload handle from the Resumable Upload API as example (providers.md).
      const handle = draft.examples['header.media'] ?? header.mediaExample;
      components.push({
        type: 'HEADER',
        format: header.format,
        ...(handle ? { example: { header_handle: [handle] } } : {}),
      });
    }
  }
  const bodyExample = textExample(draft, 'body', draft.components.body);
  components.push({
    type: 'BODY',
    text: draft.components.body,
    ...(bodyExample ? { example: bodyExample } : {}),
  });
  if (draft.components.footer) components.push({ type: 'FOOTER', text: draft.components.footer });
  if (draft.components.buttons.length > 0) {
    components.push({
      type: 'BUTTONS',
      buttons: draft.components.buttons.map((b, i) => buttonBody(draft, b, i)),
    });
  }
  return {
    name: draft.name,
    language: draft.language,
    category: draft.category,
    ...(draft.parameterFormat === 'NAMED' ? { parameter_format: 'NAMED' } : {}),
    ...(draft.allowCategoryChange !== undefined ? { allow_category_change: draft.allowCategoryChange } : {}),
    components,
  };
}
