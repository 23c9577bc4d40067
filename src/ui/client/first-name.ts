// Which template variables are the customer's first name, so the sidebar can prefill them from the contact.
// Named parameters say so by name; a positional one does when it follows a greeting ("Hi {{1}},").
import type { TemplateVariable } from '../../core/template';
import { findPlaceholders } from '../../core/template-variables';

const FIRST_NAME_KEYS =
  /^(first_?name|given_?name|name|customer_?name|contact_?name|nome|nimi|eesnimi|vorname|prenom|nombre)$/;
const GREETING =
  /(?:^|[\s,.!])(hi|hello|hey|dear|thanks|thank you|ciao|salve|gentile|caro|cara|grazie|tere|hola|bonjour|hallo|hej|olá)[\s,]*$/i;

export function firstNameVariableIds(body: string, variables: TemplateVariable[]): string[] {
  const ids: string[] = [];
  for (const v of variables) {
    if (v.location === 'button') continue;
    if (FIRST_NAME_KEYS.test(v.key.toLowerCase())) {
      ids.push(v.id);
      continue;
    }
    if (v.location !== 'body') continue;
    const placeholder = findPlaceholders(body).find((p) => p.key === v.key);
    if (placeholder && GREETING.test(body.slice(Math.max(0, placeholder.start - 24), placeholder.start))) {
      ids.push(v.id);
    }
  }
  return ids;
}

/** "Giulia Bianchi" → "Giulia"; nothing usable → null. */
export function firstNameOf(name: string | null | undefined): string | null {
  const first = name?.trim().split(/\s+/)[0];
  return first && /\p{L}/u.test(first) ? first : null;
}
