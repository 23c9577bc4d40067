// The demo world of local mode: one HighLevel location with a number per provider, one Pipedrive company, and
// customers whose windows are open, about to close, and closed. The simulators are seeded to match.
import { buildManualCmTemplate } from '../../adapters/providers/cm/map-cm-template';
import type { Template } from '../../src/core/template';
import type { NewConnectionInput } from '../../src/services/install/connections';
import type { VendorSimulators } from '../../test/mocks/index';
import { CM_SIM_PRODUCT_TOKEN, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../../test/mocks/index';
import { bsuidTag } from '../../adapters/crm/highlevel/highlevel-adapter';

const HOUR = 3_600_000;

/** Our WhatsApp numbers (valid E.164, so the admin page and the phone rules accept them). */
export const DEMO_NUMBERS = {
  meta: '+14155550100',
  twilio: '+14155550101',
  cm: '+14155550102',
  pipedriveTwilio: '+14155550104',
} as const;

/** Options for createVendorSimulators so Meta's webhooks name the demo number. */
export const DEMO_META_OPTIONS = { displayPhoneNumber: DEMO_NUMBERS.meta.slice(1) };

export interface DemoCustomer {
  key: string;
  name: string;
  /** Absent for the customer who uses a WhatsApp username (issue 11): known by `userId` (BSUID) only. */
  phone?: string;
  userId?: string;
  username?: string;
  /** How long ago the customer last wrote. */
  wroteAgoMs: number;
  text: string;
}

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    key: 'open',
    name: 'Giulia Bianchi',
    phone: '+393471234567',
    wroteAgoMs: 2 * HOUR,
    text: 'Buongiorno, posso spostare l’appuntamento a giovedì?',
  },
  {
    key: 'closing',
    name: 'Alex Morgan',
    phone: '+14155550123',
    // Closes ten minutes after start: enough time to watch the countdown reach zero.
    wroteAgoMs: 23 * HOUR + 50 * 60_000,
    text: 'Hi! Are you open on Sunday?',
  },
  {
    key: 'closed',
    name: 'Mari Tamm',
    phone: '+37251234567',
    wroteAgoMs: 30 * HOUR,
    text: 'Tere! Kas minu tellimus on juba teel?',
  },
  {
    // A WhatsApp username customer (Singapore, a pilot country): no phone, a BSUID and a username.
    key: 'username',
    name: 'Sam Lee',
    userId: 'SG.20260604000001',
    username: 'sam.lee',
    wroteAgoMs: HOUR,
    text: 'Hi! I only share my username here: can you check my booking?',
  },
];

export const DEMO_HIGHLEVEL_NAME = 'Demo Dental Studio (HighLevel)';
export const DEMO_PIPEDRIVE_NAME = 'Demo Trading OÜ (Pipedrive)';

export const DEMO_CM_NAMESPACE = 'c0ffee00_demo_4109_a8b6_577bf0ec778a';

/** The CM.com template an admin would register by hand (CM.com has no list API). */
export function demoCmTemplate(): Template {
  return buildManualCmTemplate({
    namespace: DEMO_CM_NAMESPACE,
    elementName: 'order_update',
    language: 'en',
    body: 'Hi {{1}}, your order {{2}} is ready for pickup.',
    category: 'UTILITY',
    examples: { 'body.1': 'Mari', 'body.2': 'A-1001' },
  });
}

// Stable ids: a restart re-creates the simulator, and the same ids keep a re-sync from "removing" templates.
const META_TEMPLATE_ID_BASE = 1_100_000_000_000;
const META_TEMPLATE_NAMES = [
  'fall_sale',
  'order_confirmation',
  'promemoria_appuntamento',
  'discount_code',
  'tellimus_teel',
];

/** Each demo customer's record in the simulated CRMs, by DemoCustomer.key. */
export type DemoCrmIds = Record<
  string,
  { highlevelContactId: string; highlevelConversationId: string; pipedrivePersonId: number }
>;

/** Simulator state for the demo: templates to sync, credentials to accept, CRM records to find. */
export function seedSimulators(sims: VendorSimulators): DemoCrmIds {
  if (sims.meta.state.templates.length === 0) {
    sims.meta.state.seedTemplates(META_TEMPLATE_NAMES.length, (i) => ({
      id: String(META_TEMPLATE_ID_BASE + i),
      name: META_TEMPLATE_NAMES[i]!,
    }));
    sims.meta.state.addTemplate({
      id: String(META_TEMPLATE_ID_BASE + 99),
      name: 'appointment_reminder',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [
        {
          type: 'BODY',
          text: 'Hi {{1}}, this is a reminder of your appointment on {{2}}. Reply to confirm.',
          example: { body_text: [['Alex', 'Thursday 10:00']] },
        },
      ],
    });
  }
  if (sims.twilio.state.contents.length === 0) sims.twilio.state.seedTemplates(4);
  const cm = demoCmTemplate();
  sims.cm.state.templates.set(cm.providerTemplateId, {
    namespace: DEMO_CM_NAMESPACE,
    elementName: cm.name,
    language: cm.language,
    bodyParams: 2,
  });
  const crmIds: DemoCrmIds = {};
  for (const c of DEMO_CUSTOMERS) {
    // A username customer's CRM records are what the adapters create for them: no phone, username and BSUID shown.
    const personName = c.phone ? c.name : `${c.name} (@${c.username}) · WhatsApp ${c.userId}`;
    const person =
      [...sims.pipedrive.state.persons.values()].find((p) => p.name === personName) ??
      sims.pipedrive.seedPerson({ name: personName, phones: c.phone ? [c.phone] : [] });
    const hl = sims.highlevel.state;
    const locationId = hl.config.locationId;
    const contact = c.phone
      ? hl.upsertContact({ locationId, phone: c.phone, name: c.name }).contact
      : (hl.contactsWithTag(locationId, bsuidTag(c.userId!))[0] ??
        hl.createContact({
          locationId,
          name: c.name,
          tags: [bsuidTag(c.userId!), `whatsapp username: @${c.username}`],
        }));
    const conversation =
      hl.conversationOf(locationId, contact.id) ?? hl.createConversation(locationId, contact.id);
    crmIds[c.key] = {
      highlevelContactId: contact.id,
      highlevelConversationId: conversation.id,
      pipedrivePersonId: person.id,
    };
  }
  return crmIds;
}

/** Connection inputs per provider, accepted by the simulators (services/install/connections.ts createConnection). */
export function demoConnectionInputs(sims: VendorSimulators): NewConnectionInput[] {
  return [
    {
      label: 'Meta Cloud API (simulated)',
      senderPhone: DEMO_NUMBERS.meta,
      connection: {
        provider: 'meta',
        credentials: {
          accessToken: sims.meta.config.accessToken,
          wabaId: sims.meta.config.wabaId,
          phoneNumberId: sims.meta.config.phoneNumberId,
          apiVersion: 'v23.0',
        },
      },
    },
    {
      label: 'Twilio (simulated)',
      senderPhone: DEMO_NUMBERS.twilio,
      connection: {
        provider: 'twilio',
        credentials: {
          accountSid: DEFAULT_ACCOUNT_SID,
          authToken: DEFAULT_AUTH_TOKEN,
          from: DEMO_NUMBERS.twilio,
        },
      },
    },
    {
      label: 'CM.com (simulated)',
      senderPhone: DEMO_NUMBERS.cm,
      connection: {
        provider: 'cm',
        credentials: { productToken: CM_SIM_PRODUCT_TOKEN, from: DEMO_NUMBERS.cm },
      },
    },
  ];
}

/** Pipedrive's demo company gets a Twilio number of its own (a number belongs to one installation). */
export function demoPipedriveConnectionInput(): NewConnectionInput {
  return {
    label: 'Twilio (simulated)',
    senderPhone: DEMO_NUMBERS.pipedriveTwilio,
    connection: {
      provider: 'twilio',
      credentials: {
        accountSid: DEFAULT_ACCOUNT_SID,
        authToken: DEFAULT_AUTH_TOKEN,
        from: DEMO_NUMBERS.pipedriveTwilio,
      },
    },
  };
}
