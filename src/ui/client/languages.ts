// Template languages as names in the page's language (Intl.DisplayNames through ./i18n), never raw codes.
import { WHATSAPP_TEMPLATE_LANGUAGES } from '../../core/template-languages';
import { lang, languageName } from './i18n';

export { languageName };

/** Fills every `<select data-languages>` with the WhatsApp template languages, sorted by name. */
export function fillLanguageSelects(): void {
  const options = WHATSAPP_TEMPLATE_LANGUAGES.map((code) => ({ code, name: languageName(code) })).sort(
    (a, b) => a.name.localeCompare(b.name, lang()),
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
