// Template languages as names in the page's language (Intl.DisplayNames), never raw codes like `en_US`.
import { WHATSAPP_TEMPLATE_LANGUAGES, languageTag } from '../../core/template-languages';

let names: Intl.DisplayNames | null = null;

export function languageName(code: string): string {
  try {
    names ??= new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' });
    return names.of(languageTag(code)) ?? code;
  } catch {
    return code;
  }
}

/** Fills every `<select data-languages>` with the WhatsApp template languages, sorted by name. */
export function fillLanguageSelects(): void {
  const options = WHATSAPP_TEMPLATE_LANGUAGES.map((code) => ({ code, name: languageName(code) })).sort(
    (a, b) => a.name.localeCompare(b.name, document.documentElement.lang || 'en'),
  );
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-languages]')) {
    const placeholder = select.options[0];
    select.replaceChildren(
      ...(placeholder ? [placeholder] : []),
      ...options.map((o) => {
        const option = document.createElement('option');
        option.value = o.code;
        option.textContent = o.name;
        return option;
      }),
    );
  }
}
