// Normalized template model (DESIGN.md §3.3). Every provider maps onto this; no vendor field names here.

export type ProviderName = 'meta' | 'twilio' | 'cm';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'ARCHIVED',
  'DELETED',
  'PENDING_DELETION',
  'LIMIT_EXCEEDED',
  'UNSUBMITTED',
  'UNKNOWN',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

export interface TemplateHeader {
  format: HeaderFormat;
  /** Only for TEXT headers; may hold at most one variable. */
  text?: string;
  /** Example values for the header text variable(s). */
  examples?: string[];
  /** Example media URL (or upload handle) for media headers. */
  mediaExample?: string;
}

export type TemplateButton =
  | { type: 'QUICK_REPLY'; text: string; payload?: string }
  | { type: 'URL'; text: string; url: string; examples?: string[] }
  | { type: 'PHONE_NUMBER'; text: string; phoneNumber: string }
  | { type: 'COPY_CODE'; text: string; example?: string }
  | { type: 'OTP'; text: string; otpType?: string }
  | { type: 'FLOW'; text: string; flowId?: string }
  | { type: 'OTHER'; text: string; kind: string };

export interface TemplateComponents {
  header?: TemplateHeader;
  body: string;
  footer?: string;
  buttons: TemplateButton[];
}

export type VariableLocation = 'header' | 'body' | 'button';

/**
 * One fillable slot of a template. `id` is the stable key used in render values:
 * `header.<key>`, `body.<key>`, `button.<index>.<key>` where key is `1`, `2`, … or a name.
 */
export interface TemplateVariable {
  id: string;
  location: VariableLocation;
  key: string;
  buttonIndex?: number;
  example?: string;
}

/** Kind of message the template produces, normalized from Meta components / Twilio content types. */
export type TemplateKind =
  | 'text'
  | 'media'
  | 'quick_reply'
  | 'call_to_action'
  | 'card'
  | 'list_picker'
  | 'authentication'
  | 'location'
  | 'other';

export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: TemplateComponents;
  /** Example per variable id (e.g. `body.1` → "Mark"). */
  examples: Record<string, string>;
  allowCategoryChange?: boolean;
}

export interface Template {
  provider: ProviderName;
  /** Meta template id, Twilio Content SID (HX…), or our id for a manually registered CM.com template. */
  providerTemplateId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  rejectionReason?: string;
  parameterFormat: ParameterFormat;
  kind: TemplateKind;
  components: TemplateComponents;
  variables: TemplateVariable[];
  /** `synced` from a provider listing, `manual` when registered by the admin (CM.com has no list API). */
  source: 'synced' | 'manual';
  /** CM.com / Meta template namespace where the provider needs it to send. */
  namespace?: string;
}

/** Values to fill a template, keyed by TemplateVariable.id. */
export type TemplateValues = Record<string, string>;
