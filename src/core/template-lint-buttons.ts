// Button and category rules of the template lint (DESIGN.md §3.3; vendors/providers.md "Create template":
// ≤ 10 buttons, ≤ 2 URL, ≤ 1 phone, ≤ 1 copy-code, labels ≤ 25, quick replies grouped).
import type { TemplateButton, TemplateDraft } from './template';
import type { Emit } from './template-lint-finding';
import { findPlaceholders } from './template-variables';

export const BUTTON_LIMITS = {
  buttons: 10,
  urlButtons: 2,
  phoneButtons: 1,
  copyCodeButtons: 1,
  buttonText: 25,
} as const;

// Promotional wording that makes Meta recategorize or reject a UTILITY template (INCORRECT_CATEGORY).
const PROMOTIONAL = [
  'sale',
  'discount',
  'offer',
  'promo',
  'promotion',
  'coupon',
  'deal',
  'buy now',
  'shop now',
  'limited time',
  '% off',
  'free shipping',
  'black friday',
  'sconto',
  'offerta',
  'promozione',
  'saldi',
  'gratis',
  'allahindlus',
  'soodustus',
  'pakkumine',
  'kampaania',
  'rebaja',
  'oferta',
  'descuento',
  'rabatt',
  'angebot',
  'réduction',
  'soldes',
];

export function lintButtons(buttons: TemplateButton[], emit: Emit): void {
  const path = 'components.buttons';
  if (buttons.length > BUTTON_LIMITS.buttons)
    emit('too_many_buttons', 'error', path, `${buttons.length} buttons; at most ${BUTTON_LIMITS.buttons}.`, {
      count: buttons.length,
      limit: BUTTON_LIMITS.buttons,
    });
  const count = (type: TemplateButton['type']) => buttons.filter((b) => b.type === type).length;
  const caps: [TemplateButton['type'], number, string][] = [
    ['URL', BUTTON_LIMITS.urlButtons, 'too_many_url_buttons'],
    ['PHONE_NUMBER', BUTTON_LIMITS.phoneButtons, 'too_many_phone_buttons'],
    ['COPY_CODE', BUTTON_LIMITS.copyCodeButtons, 'too_many_copy_code_buttons'],
  ];
  for (const [type, max, code] of caps) {
    const n = count(type);
    if (n > max)
      emit(code, 'error', path, `${n} ${type.toLowerCase().replace('_', ' ')} buttons; at most ${max}.`, {
        count: n,
        limit: max,
      });
  }
  // Meta: quick replies must be grouped together, not interleaved with call-to-action buttons.
  const quick = buttons.flatMap((b, i) => (b.type === 'QUICK_REPLY' ? [i] : []));
  if (quick.length > 0 && (quick.at(-1) ?? 0) - (quick[0] ?? 0) + 1 !== quick.length)
    emit('quick_replies_not_grouped', 'error', path, 'Quick reply buttons must be next to each other.');
  buttons.forEach((b, i) => {
    const p = `${path}.${i}`;
    if (b.text.trim() === '')
      emit('button_text_missing', 'error', `${p}.text`, `Button ${i + 1} needs a label.`, { button: i + 1 });
    if (b.text.length > BUTTON_LIMITS.buttonText)
      emit(
        'button_text_too_long',
        'error',
        `${p}.text`,
        `Button ${i + 1} label is ${b.text.length} characters; at most ${BUTTON_LIMITS.buttonText}.`,
        { button: i + 1, length: b.text.length, limit: BUTTON_LIMITS.buttonText },
      );
    if (/\{\{[^{}]*\}\}/.test(b.text))
      emit(
        'button_text_has_variables',
        'error',
        `${p}.text`,
        `Button ${i + 1} label may not contain variables.`,
        { button: i + 1 },
      );
    if (b.type === 'URL') {
      const vars = findPlaceholders(b.url);
      if (!/^https?:\/\/[^\s/]+\.[^\s]+/.test(b.url))
        emit('button_url_invalid', 'error', `${p}.url`, `Button ${i + 1} needs a full http(s) URL.`, {
          button: i + 1,
        });
      if (vars.length > 1)
        emit(
          'button_url_too_many_variables',
          'error',
          `${p}.url`,
          'A URL button takes at most one variable.',
        );
      const last = vars.at(-1);
      if (last && last.end !== b.url.length)
        emit(
          'button_url_variable_not_at_end',
          'error',
          `${p}.url`,
          'The URL variable must be at the end of the URL.',
        );
    }
    if (b.type === 'PHONE_NUMBER' && !/^\+?[1-9][0-9]{6,14}$/.test(b.phoneNumber.replace(/[\s-]/g, '')))
      emit(
        'button_phone_invalid',
        'error',
        `${p}.phoneNumber`,
        `Button ${i + 1} needs an international phone number.`,
        { button: i + 1 },
      );
  });
}
export function lintCategory(draft: TemplateDraft, emit: Emit): void {
  const text = [draft.components.header?.text, draft.components.body, draft.components.footer]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  if (draft.category === 'UTILITY') {
    const hits = PROMOTIONAL.filter((w) =>
      new RegExp(`(^|[^\\p{L}])${escapeRegExp(w)}($|[^\\p{L}])`, 'u').test(text),
    );
    if (hits.length > 0 || draft.components.buttons.some((b) => b.type === 'COPY_CODE'))
      emit(
        'category_promotional_content',
        'warning',
        'category',
        `Promotional content (${hits.join(', ') || 'coupon code'}) in a UTILITY template: Meta may recategorize it as MARKETING.`,
        hits.length > 0 ? { words: hits } : { variant: 'coupon' },
      );
  }
  if (
    draft.category === 'AUTHENTICATION' &&
    draft.components.buttons.some((b) => b.type === 'URL' || b.type === 'PHONE_NUMBER')
  )
    emit(
      'category_authentication_buttons',
      'warning',
      'category',
      'Authentication templates carry only a one-time-password button.',
    );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
