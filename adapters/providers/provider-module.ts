// What a WhatsApp provider is to the app, beside its adapter (types.ts): one `ProviderModule` per vendor folder, all
// listed in registry.ts and nowhere else. Services and routes read these fields instead of naming a vendor.
import type * as z from 'zod/mini';
import type { Config, SecretName } from '../../src/config';
import type {
  ProviderName,
  Template,
  TemplateButton,
  TemplateCategory,
  TemplateHeader,
} from '../../src/core/template';
import type { ModuleConfigKeys } from '../shared/module-config';
import type { ProviderAdapter } from './types';

/** What a module builds its adapter from: the app's parsed configuration and clock. */
export interface ProviderEnvironment {
  config: Config;
  now: () => number;
}

export interface ProviderAdapterExtras {
  /** The connection's own webhook URL (where the vendor takes a status callback per send). */
  webhookUrl?: string;
  /** The connection's secret URL token, for vendors that authenticate webhooks by it. */
  webhookToken?: string;
}

export interface ProviderWebhookSpec {
  /**
   * `platform`: one URL for every number (`/webhooks/<name>`), events routed by their routing key and template
   * statuses by provider account. `connection`: `/webhooks/<name>/<connectionId>`, plus `/<token>` when
   * `tokenInPath` (the vendor signs nothing; the token is the secret).
   */
  scope: 'platform' | 'connection';
  tokenInPath?: boolean;
  /** Secrets a platform webhook cannot be verified without (503 naming them before anything is read). */
  requiredSecrets?: readonly SecretName[];
  /** The GET subscription handshake of a platform webhook: the challenge to echo, or null (403). */
  verifySubscription?(query: Record<string, string>, config: Config): string | null;
  /** The 200 body the vendor expects (otherwise JSON with the counts). */
  acknowledgement?(stored: number): { body: string; contentType: string };
  /** Shown beside the webhook URL on the admin page. */
  note?: string;
}

/** One credential input of the admin page's "add a number" form (src/ui/admin-forms.tsx renders it). */
export interface CredentialField {
  /** Its key in `credentials` (the API's error details name it `credentials.<name>`). */
  readonly name: string;
  /**
   * Its label's key in the admin catalogue (src/ui/i18n/admin/en.ts is the type; a test checks every registered
   * module's keys are there). A field listed in `secretFields` is a password input.
   */
  readonly labelKey: string;
  readonly placeholder?: string;
}

export interface CredentialsForm {
  /** The fieldset's legend, an admin catalogue key like the labels. */
  readonly legendKey: string;
  readonly fields: readonly CredentialField[];
}

/** A template the admin registers by hand, as WhatsApp approved it (a provider without a template list API). */
export interface ManualTemplateInput {
  /** The template's namespace, copied from the provider's portal. */
  namespace: string;
  /** Template (element) name as approved by WhatsApp. */
  elementName: string;
  language: string;
  /** Body text with `{{1}}`, `{{2}}`… exactly as approved. */
  body: string;
  category: TemplateCategory;
  header?: TemplateHeader;
  footer?: string;
  buttons?: TemplateButton[];
  /** Example per variable id (`body.1` → "Mark"), shown to agents. */
  examples?: Record<string, string>;
}

/** Templates registered by hand: the provider has no template list API, the admin types what WhatsApp approved. */
export interface ManualTemplates {
  /** Pure: the admin's registration → the normalized Template stored for the connection (source `manual`). */
  build(input: ManualTemplateInput): Template;
}

export interface ProviderModule<C = unknown> {
  readonly name: ProviderName;
  /** For people: "Meta Cloud API". */
  readonly label: string;
  /** Parses the connection's credentials (API input and after decryption). */
  readonly credentialsSchema: z.ZodMiniType<C>;
  /** Credential fields masked whenever credentials are shown (a missing entry would show a secret). */
  readonly secretFields: readonly string[];
  /**
   * The credentials as the admin types them on the admin page (one fieldset per provider). Every registered
   * provider has one (src/ui/admin-forms.test.ts); optional so a test's fake provider can leave it out.
   */
  readonly credentialsForm?: CredentialsForm;
  /** How webhooks find the connection (`routingKey`) and which provider account owns it (template statuses). */
  routing(credentials: C): { routingKey: string; providerAccountId: string | null };
  readonly webhook: ProviderWebhookSpec;
  /**
   * `credentials`: the credential test proves the number is the account's. `one_time_code`: nothing can prove it
   * but a code sent from the number itself (services/install/connection-proof.ts); the connection waits until then.
   */
  readonly senderProof: 'credentials' | 'one_time_code';
  /** Present when the admin registers this provider's templates by hand (services/templates/manual-templates.ts). */
  readonly manualTemplates?: ManualTemplates;
  /** Vars and secrets the module reads (deployment health lists them by name; `required`: nothing works without). */
  readonly configKeys: ModuleConfigKeys;
  /** Without credentials the adapter can only verify and parse webhooks. */
  create(env: ProviderEnvironment, credentials?: C, extras?: ProviderAdapterExtras): ProviderAdapter;
}
