// Normalized TemplateDraft → Twilio `POST /v1/Content` body (ContentCreateRequest in twilio_content_v1.json).
import { AppError } from '../../../src/core/errors';
import type { TemplateButton, TemplateDraft } from '../../../src/core/template';
import { COPY_CODE_KEY, placeholderKeys, substitute } from '../../../src/core/template-variables';
import type { ContentCreateRequest, TwilioAction } from './twilio-api';

function unsupported(message: string, path: string): AppError {
  return new AppError('invalid_request', message, {
    issues: [{ code: 'twilio_unsupported', severity: 'error', path, message }],
  });
}

/**
 * Twilio has one variable namespace per Content while Meta numbers header, body and each button separately
 * (twilio.com/docs/content-api/using-variables-with-content-api). Positional body variables keep their numbers;
 * header and button placeholders are renumbered after them so `{{1}}` in a header does not alias body `{{1}}`.
 */
function planKeys(draft: TemplateDraft) {
  const positional = draft.parameterFormat === 'POSITIONAL';
  const { header, body, buttons } = draft.components;
  const bodyKeys = placeholderKeys(body);
  let next = Math.max(0, ...bodyKeys.filter((k) => /^\d+$/.test(k)).map(Number)) + 1;
  const variables: Record<string, string> = {};
  const rename = new Map<string, string>(); // variable id → Twilio key
  const assign = (id: string, key: string, example: string | undefined, keepKey: boolean) => {
    const twilioKey = positional && !keepKey ? String(next++) : key;
    rename.set(id, twilioKey);
    if (example !== undefined && variables[twilioKey] === undefined) variables[twilioKey] = example;
  };
  placeholderKeys(header?.format === 'TEXT' ? header.text : undefined).forEach((key, i) =>
    assign(`header.${key}`, key, draft.examples[`header.${key}`] ?? header?.examples?.[i], false),
  );
  for (const key of bodyKeys) assign(`body.${key}`, key, draft.examples[`body.${key}`], true);
  buttons.forEach((b, index) => {
    if (b.type === 'URL') {
      placeholderKeys(b.url).forEach((key, i) =>
        assign(
          `button.${index}.${key}`,
          key,
          draft.examples[`button.${index}.${key}`] ?? b.examples?.[i],
          false,
        ),
      );
    } else if (b.type === 'COPY_CODE') {
      const id = `button.${index}.${COPY_CODE_KEY}`;
      assign(id, `code_${index}`, draft.examples[id] ?? b.example, false);
    }
  });
  const rewrite = (prefix: string, text: string) =>
    substitute(text, (key) => `{{${rename.get(`${prefix}${key}`) ?? key}}}`);
  return { variables, rename, rewrite };
}

function toAction(
  b: TemplateButton,
  index: number,
  plan: ReturnType<typeof planKeys>,
  draft: TemplateDraft,
): TwilioAction {
  switch (b.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', title: b.text, id: b.payload ?? b.text };
    case 'URL':
      return { type: 'URL', title: b.text, url: plan.rewrite(`button.${index}.`, b.url) };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', title: b.text, phone: b.phoneNumber };
    case 'COPY_CODE':
      return {
        type: 'COPY_CODE',
        title: b.text,
        code: `{{${plan.rename.get(`button.${index}.${COPY_CODE_KEY}`)}}}`,
      };
    default:
      throw unsupported(
        `Twilio Content cannot carry a ${b.type === 'OTHER' ? b.kind : b.type} button in template "${draft.name}".`,
        `components.buttons.${index}`,
      );
  }
}

/** Chooses the Content type the way Twilio's template builder does for the same WhatsApp layout. */
export function buildTwilioContent(draft: TemplateDraft): ContentCreateRequest {
  const { header, footer, buttons } = draft.components;
  const base = { friendly_name: draft.name, language: draft.language };

  const otp = buttons.find((b) => b.type === 'OTP');
  if (draft.category === 'AUTHENTICATION' || otp) {
    // WhatsApp writes authentication bodies itself; only the copy-code label and options are ours.
    const minutes = /(\d+)\s*minutes?/i.exec(footer ?? '')?.[1];
    return {
      ...base,
      variables: { '1': draft.examples['body.1'] ?? '123456' },
      types: {
        'whatsapp/authentication': {
          add_security_recommendation: /do not share/i.test(draft.components.body),
          ...(minutes ? { code_expiration_minutes: Number(minutes) } : {}),
          actions: [{ type: 'COPY_CODE', copy_code_text: otp?.text ?? 'Copy code' }],
        },
      },
    };
  }
  if (header?.format === 'LOCATION') {
    throw unsupported(
      'Twilio cannot submit location templates to WhatsApp for approval.',
      'components.header',
    );
  }
  const media = header && header.format !== 'TEXT' ? header.mediaExample : undefined;
  if (header && header.format !== 'TEXT' && !media) {
    throw unsupported(
      'A media header needs a public example URL for Twilio.',
      'components.header.mediaExample',
    );
  }

  const plan = planKeys(draft);
  const body = plan.rewrite('body.', draft.components.body);
  const actions = buttons.map((b, i) => toAction(b, i, plan, draft));
  const allQuick = actions.length > 0 && actions.every((a) => a.type === 'QUICK_REPLY');
  const allCta = actions.length > 0 && actions.every((a) => a.type !== 'QUICK_REPLY');
  const variables = plan.variables;

  if (
    header?.format === 'TEXT' ||
    footer !== undefined ||
    (media && actions.length > 0) ||
    (!allQuick && !allCta && actions.length > 0)
  ) {
    return {
      ...base,
      variables,
      types: {
        'whatsapp/card': {
          body,
          ...(footer !== undefined ? { footer } : {}),
          ...(header?.format === 'TEXT' && header.text
            ? { header_text: plan.rewrite('header.', header.text) }
            : {}),
          ...(media ? { media: [media] } : {}),
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    };
  }
  if (allQuick) return { ...base, variables, types: { 'twilio/quick-reply': { body, actions } } };
  if (allCta) return { ...base, variables, types: { 'twilio/call-to-action': { body, actions } } };
  if (media) return { ...base, variables, types: { 'twilio/media': { body, media: [media] } } };
  return { ...base, variables, types: { 'twilio/text': { body } } };
}
