// Twilio Content (ContentAndApprovals item) → normalized Template (DESIGN.md §3.3).
// A Content resource may hold several types (e.g. twilio/text + twilio/location); WhatsApp uses the one named in
// approval_requests.content_type, else the richest type present (twilio.com/docs/content-api/content-types-overview).
import type {
  TemplateButton,
  TemplateCategory,
  TemplateComponents,
  TemplateKind,
  TemplateStatus,
  TemplateVariable,
  Template,
  HeaderFormat,
} from '../../../src/core/template';
import { placeholderKeys, substitute } from '../../../src/core/template-variables';
import { contentTypeSchemas } from './twilio-api';
import type { KnownContentType, TwilioAction, TwilioApproval, TwilioContent } from './twilio-api';

/** Preference when approval_requests does not name the type: the most specific WhatsApp shape first. */
const TYPE_PRIORITY: KnownContentType[] = [
  'whatsapp/authentication',
  'whatsapp/card',
  'twilio/card',
  'twilio/call-to-action',
  'twilio/quick-reply',
  'twilio/list-picker',
  'twilio/media',
  'twilio/location',
  'twilio/text',
];

// Twilio's approval statuses: received, pending, approved, rejected, paused, disabled, unsubmitted
// (twilio.com/docs/content-api/content-api-resources; the spec's examples show approved/rejected/unsubmitted).
export function mapTwilioApprovalStatus(status: string | null | undefined): TemplateStatus {
  switch ((status ?? '').toLowerCase()) {
    case 'approved':
      return 'APPROVED';
    case 'rejected':
      return 'REJECTED';
    case 'received':
    case 'pending':
    case 'submitted':
      return 'PENDING';
    case 'paused':
      return 'PAUSED';
    case 'disabled':
      return 'DISABLED';
    case 'unsubmitted':
    case '':
      return 'UNSUBMITTED';
    default:
      return 'UNKNOWN';
  }
}

// Pre-2023 Meta categories still appear on old Content (the spec's own example says TRANSACTIONAL); Meta folded
// them into UTILITY, and OTP into AUTHENTICATION.
export function mapTwilioCategory(
  category: string | null | undefined,
  fallback: TemplateCategory,
): TemplateCategory {
  const c = (category ?? '').toUpperCase();
  if (c === 'MARKETING' || c === 'UTILITY' || c === 'AUTHENTICATION') return c;
  if (c === 'OTP') return 'AUTHENTICATION';
  if (c === '') return fallback;
  return 'UTILITY';
}

function approvalOf(content: TwilioContent): TwilioApproval | undefined {
  const a = content.approval_requests;
  if (!a) return undefined;
  return a.whatsapp ?? a;
}

function pickType(content: TwilioContent, approval: TwilioApproval | undefined): string | undefined {
  const types = content.types ?? {};
  const named = approval?.content_type;
  if (named && named in types) return named;
  return TYPE_PRIORITY.find((t) => t in types) ?? Object.keys(types)[0];
}

function mediaFormat(url: string | undefined): HeaderFormat {
  const path = (url ?? '').split(/[?#]/)[0]?.toLowerCase() ?? '';
  if (/\.(mp4|3gp|mov)$/.test(path)) return 'VIDEO';
  if (/\.(pdf|docx?|xlsx?|pptx?|txt|csv)$/.test(path)) return 'DOCUMENT';
  return 'IMAGE';
}

function mapAction(a: TwilioAction): TemplateButton {
  const text = a.title ?? '';
  switch ((a.type ?? 'QUICK_REPLY').toUpperCase()) {
    case 'QUICK_REPLY':
      return a.id ? { type: 'QUICK_REPLY', text, payload: a.id } : { type: 'QUICK_REPLY', text };
    case 'URL':
      return { type: 'URL', text, url: a.url ?? '' };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text, phoneNumber: a.phone ?? '' };
    case 'COPY_CODE':
      return a.code ? { type: 'COPY_CODE', text, example: a.code } : { type: 'COPY_CODE', text };
    default:
      return { type: 'OTHER', text, kind: a.type ?? 'unknown' };
  }
}

interface Shape {
  kind: TemplateKind;
  components: TemplateComponents;
  /** Placeholder texts outside header text/body/URL buttons that still take a value (media URL, copy code). */
  extraHeader?: string;
}

function shapeOf(type: string | undefined, raw: unknown, examples: Record<string, unknown>): Shape {
  // A media URL may end in a placeholder (`…/highlights/{{3}}`): judge its type by the example value.
  const mediaHeader = (media: string[] | undefined): TemplateComponents['header'] => {
    const url = media?.[0];
    if (!url) return undefined;
    return { format: mediaFormat(substitute(url, (k) => String(examples[k] ?? ''))), mediaExample: url };
  };
  const empty: Shape = { kind: 'other', components: { body: '', buttons: [] } };
  if (!type || !(type in contentTypeSchemas)) {
    const body = (raw as { body?: unknown } | null)?.body;
    return { ...empty, components: { body: typeof body === 'string' ? body : '', buttons: [] } };
  }
  const known = type as KnownContentType;
  const parsed = contentTypeSchemas[known].safeParse(raw);
  if (!parsed.success) return empty;
  const v = parsed.data as Record<string, unknown>;
  switch (known) {
    case 'twilio/text':
      return { kind: 'text', components: { body: v.body as string, buttons: [] } };
    case 'twilio/media': {
      const media = v.media as string[];
      return {
        kind: 'media',
        components: { header: mediaHeader(media), body: (v.body as string | undefined) ?? '', buttons: [] },
        extraHeader: media[0],
      };
    }
    case 'twilio/quick-reply':
    case 'twilio/call-to-action':
      return {
        kind: known === 'twilio/quick-reply' ? 'quick_reply' : 'call_to_action',
        components: { body: v.body as string, buttons: (v.actions as TwilioAction[]).map(mapAction) },
      };
    case 'twilio/card': {
      // On WhatsApp a twilio/card's title is the body and its subtitle the footer (twilio.com/docs/content/twilio-card).
      const media = v.media as string[] | undefined;
      const components: TemplateComponents = {
        header: mediaHeader(media),
        body: (v.title as string | undefined) ?? '',
        footer: v.subtitle as string | undefined,
        buttons: ((v.actions as TwilioAction[] | undefined) ?? []).map(mapAction),
      };
      return { kind: 'card', components, extraHeader: media?.[0] };
    }
    case 'whatsapp/card': {
      const media = v.media as string[] | undefined;
      const headerText = v.header_text as string | undefined;
      const components: TemplateComponents = {
        header: headerText ? { format: 'TEXT', text: headerText } : mediaHeader(media),
        body: v.body as string,
        footer: v.footer as string | undefined,
        buttons: ((v.actions as TwilioAction[] | undefined) ?? []).map(mapAction),
      };
      return { kind: 'card', components, extraHeader: headerText ? undefined : media?.[0] };
    }
    case 'whatsapp/authentication': {
      // WhatsApp writes the authentication body itself; `{{1}}` is the one-time code (Meta authentication templates).
      const actions = v.actions as { copy_code_text: string }[];
      const minutes = v.code_expiration_minutes as number | undefined;
      const body =
        '{{1}} is your verification code.' +
        (v.add_security_recommendation ? ' For your security, do not share this code.' : '');
      return {
        kind: 'authentication',
        components: {
          body,
          footer: minutes ? `This code expires in ${minutes} minutes.` : undefined,
          buttons: actions.map((a) => ({ type: 'OTP', text: a.copy_code_text, otpType: 'COPY_CODE' })),
        },
      };
    }
    case 'twilio/list-picker':
      return {
        kind: 'list_picker',
        components: {
          body: v.body as string,
          buttons: [{ type: 'OTHER', text: v.button as string, kind: 'LIST' }],
        },
      };
    case 'twilio/location':
      return {
        kind: 'location',
        components: {
          header: { format: 'LOCATION' },
          body: (v.label as string | undefined) ?? (v.address as string | undefined) ?? '',
          buttons: [],
        },
      };
  }
}

/** Variables per placeholder occurrence, ids as the core expects (`header.k`, `body.k`, `button.i.k`). */
function variablesOf(shape: Shape, examples: Record<string, unknown>): TemplateVariable[] {
  const out: TemplateVariable[] = [];
  const add = (v: TemplateVariable) => {
    if (out.some((o) => o.id === v.id)) return;
    const ex = examples[v.key];
    out.push(ex === undefined || ex === null ? v : { ...v, example: String(ex) });
  };
  const { header, body, buttons } = shape.components;
  for (const key of placeholderKeys(header?.format === 'TEXT' ? header.text : shape.extraHeader)) {
    add({ id: `header.${key}`, location: 'header', key });
  }
  for (const key of placeholderKeys(body)) add({ id: `body.${key}`, location: 'body', key });
  buttons.forEach((b, i) => {
    const text = b.type === 'URL' ? b.url : b.type === 'COPY_CODE' ? b.example : undefined;
    for (const key of placeholderKeys(text)) {
      add({ id: `button.${i}.${key}`, location: 'button', key, buttonIndex: i });
    }
  });
  return out;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function mapTwilioContent(content: TwilioContent): Template {
  const approval = approvalOf(content);
  const type = pickType(content, approval);
  const shape = shapeOf(type, type ? content.types?.[type] : undefined, content.variables ?? {});
  const components = withoutUndefined(shape.components);
  if (components.header) components.header = withoutUndefined(components.header);
  const variables = variablesOf(shape, content.variables ?? {});
  const named = variables.some((v) => !/^\d+$/.test(v.key));
  const template: Template = {
    provider: 'twilio',
    providerTemplateId: content.sid,
    // The WhatsApp template name lives on the approval request; unsubmitted Content only has a friendly name.
    name: approval?.name || content.friendly_name || content.sid,
    language: content.language ?? '',
    category: mapTwilioCategory(
      approval?.category,
      shape.kind === 'authentication' ? 'AUTHENTICATION' : 'UTILITY',
    ),
    status: mapTwilioApprovalStatus(approval?.status),
    parameterFormat: named ? 'NAMED' : 'POSITIONAL',
    kind: shape.kind,
    components,
    variables,
    source: 'synced',
  };
  if (approval?.rejection_reason) template.rejectionReason = approval.rejection_reason;
  return template;
}
