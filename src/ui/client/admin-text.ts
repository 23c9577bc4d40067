// The admin page's words: `admin.*` keys (../i18n/admin/<lang>.ts), put in the page's data block by the server
// with the shared catalogue, and read through ./i18n like any other key. Only the page's language reaches the browser.
import type { AdminKey } from '../i18n/admin/index';
import type { MessageKey } from '../i18n/en';
import type { MessageParams } from '../i18n/index';
import { t as translate } from './i18n';

export type { AdminKey };

export function t(key: AdminKey, params?: MessageParams): string {
  return translate(key as unknown as MessageKey, params);
}

/** Whether the page has words for this key (statuses, reasons and codes the API may send that we have none for). */
export function hasText(key: string): key is AdminKey {
  return translate(key as MessageKey) !== key;
}
