// A builder lint finding in the page's language: `admin.lint.<code>` (`.<variant>` where the rule has two
// wordings), its values from the finding's `params` — numbers through Intl.NumberFormat, lists through
// Intl.ListFormat. The server's English only for a code the catalogue lacks (a newer server than the page).
import type { LintFinding } from '../../core/template-lint-finding';
import { hasText, t } from './admin-text';
import { formatList, formatNumber } from './i18n';

export type Finding = Pick<LintFinding, 'code' | 'severity' | 'path' | 'message' | 'params'>;

export function findingText({ code, message, params = {} }: Finding): string {
  const { variant, ...values } = params;
  const key = `admin.lint.${code}${typeof variant === 'string' ? `.${variant}` : ''}`;
  if (!hasText(key)) return message;
  const filled: Record<string, string> = {};
  for (const [name, v] of Object.entries(values))
    filled[name] = Array.isArray(v) ? formatList(v) : typeof v === 'number' ? formatNumber(v) : v;
  return t(key, filled);
}
