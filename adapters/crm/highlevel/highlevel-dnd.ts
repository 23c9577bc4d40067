// A customer's WhatsApp marketing stop / resume (issue 12 item 1) as the contact's WhatsApp DND: UpdateContactDto
// `dndSettings.WhatsApp` = DndSettingSchema {status: active | inactive | permanent, message, code}
// (specs/highlevel/contacts.json). `active` is what HighLevel's own DND toggle writes; we never write `permanent`,
// which only the contact's owner should set.
import type { CrmMarketingPreference } from '../types';

export const WHATSAPP_DND_CODE = 'whatsapp_marketing_stop';

export function whatsappDndUpdate(preference: CrmMarketingPreference) {
  const when = new Date(preference.at).toISOString().slice(0, 16).replace('T', ' ');
  return {
    dndSettings: {
      WhatsApp: preference.stopped
        ? {
            status: 'active' as const,
            message: `Stopped marketing messages in WhatsApp on ${when} UTC`,
            code: WHATSAPP_DND_CODE,
          }
        : {
            status: 'inactive' as const,
            message: `Resumed marketing messages in WhatsApp on ${when} UTC`,
            code: WHATSAPP_DND_CODE,
          },
    },
  };
}
