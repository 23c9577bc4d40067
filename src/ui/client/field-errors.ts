// Errors on the field they are about (issue 14): the API's `details` ({path, message}) placed under the input the
// path names, marked aria-invalid and tied to it with aria-describedby; cleared on the next try.
import { h } from './dom';
import { t } from './admin-text';

export interface FieldDetail {
  path: string;
  message: string;
}

/** zod's wording for an absent value, said as a person would. */
function plain(message: string): string {
  return /received undefined|expected string, received/.test(message) && /undefined/.test(message)
    ? t('admin.field.required')
    : message;
}

export function clearFieldErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    const describedBy = (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((id) => id && !id.endsWith('-error'))
      .join(' ');
    if (describedBy) el.setAttribute('aria-describedby', describedBy);
    else el.removeAttribute('aria-describedby');
  }
}

/**
 * Shows each detail under its field (`inputFor` maps an API path to the input); returns the details no field
 * took, for the form's own message. One message per field: the first problem is the one to fix.
 */
export function showFieldErrors(
  form: HTMLElement,
  details: FieldDetail[],
  inputFor: (path: string) => HTMLElement | null,
): FieldDetail[] {
  const left: FieldDetail[] = [];
  const done = new Set<HTMLElement>();
  for (const d of details) {
    const input = inputFor(d.path);
    if (!input) {
      left.push(d);
      continue;
    }
    if (done.has(input)) continue;
    done.add(input);
    const id = `${input.id}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute(
      'aria-describedby',
      [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '),
    );
    input.insertAdjacentElement('afterend', h('p', { class: 'field-error', id }, plain(d.message)));
  }
  (done.values().next().value as HTMLElement | undefined)?.focus();
  return left;
}
