// The customer's probable language, for putting templates in it first (issue 14): from the country calling code
// of their number (E.164), the one thing every customer record has. A guess, so it only orders the picker.
const BY_CALLING_CODE: Record<string, string> = {
  '1': 'en',
  '7': 'ru',
  '30': 'el',
  '31': 'nl',
  '32': 'nl',
  '33': 'fr',
  '34': 'es',
  '36': 'hu',
  '39': 'it',
  '40': 'ro',
  '41': 'de',
  '43': 'de',
  '44': 'en',
  '45': 'da',
  '46': 'sv',
  '47': 'nb',
  '48': 'pl',
  '49': 'de',
  '51': 'es',
  '52': 'es',
  '54': 'es',
  '55': 'pt',
  '56': 'es',
  '57': 'es',
  '58': 'es',
  '61': 'en',
  '64': 'en',
  '90': 'tr',
  '351': 'pt',
  '352': 'fr',
  '353': 'en',
  '358': 'fi',
  '370': 'lt',
  '371': 'lv',
  '372': 'et',
  '378': 'it',
  '420': 'cs',
  '421': 'sk',
  '423': 'de',
};

/** The base language (`it`, `et`, `pt`) for an E.164 number, or null (unknown code, or not a phone). */
export function customerLanguage(phone: string | null | undefined): string | null {
  const digits = /^\+(\d{4,15})$/.exec(phone?.replace(/[\s().-]/g, '') ?? '')?.[1];
  if (!digits) return null;
  for (const length of [3, 2, 1]) {
    const language = BY_CALLING_CODE[digits.slice(0, length)];
    if (language) return language;
  }
  return null;
}

/** Whether a template language (`pt_BR`, `en_US`, `it`) is in the customer's base language. */
export function inLanguage(templateLanguage: string, base: string | null): boolean {
  return !!base && templateLanguage.toLowerCase().split(/[_-]/)[0] === base;
}

/** The customer's language first, the rest after, each group in its original order. */
export function customerLanguageFirst<T extends { language: string }>(items: T[], base: string | null): T[] {
  if (!base) return items;
  return [
    ...items.filter((i) => inLanguage(i.language, base)),
    ...items.filter((i) => !inLanguage(i.language, base)),
  ];
}
