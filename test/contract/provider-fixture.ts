// The shape every provider's contract fixture exports, so one suite (provider-contract-suite.ts) runs unchanged over
// every provider of the registry (Meta, Twilio and CM.com against their simulators) and a fake registered in a test.
import type { HttpHandler } from 'msw';
import type { ProviderAdapter, ProviderEvent, WebhookRequest } from '../../adapters/providers/types';
import type { ProviderErrorKind } from '../../src/core/errors';
import type { MessageContent, OutboundMessage } from '../../src/core/message';
import type { ProviderName } from '../../src/core/template';
import type { FaultInjector } from '../mocks/faults';
import type { VendorBase } from '../spec/msw-validation';

/**
 * Every class a send can fail with except `rejected` (the catch-all) and `capped` (Meta 131049 comes in status
 * webhooks and Twilio / CM.com document no equivalent: test/integration/campaign-frequency-caps.test.ts).
 * `marketing_opted_out` (Meta 131050) likewise: test/integration/campaign-frequency-caps.test.ts.
 */
export type ContractErrorKind = Exclude<ProviderErrorKind, 'rejected' | 'capped' | 'marketing_opted_out'>;

export interface ErrorCase {
  /** Sets the simulator up (a fault with the vendor's own error body, or real simulator state). */
  arrange?(): void;
  /** The message to send (default: the fixture's plain text). */
  message?(): OutboundMessage;
  /** Send with credentials the simulator refuses. */
  badCredentials?: boolean;
  /** The vendor code the normalized error must keep. */
  vendorCode?: string;
  /** For rate_limited: the wait the vendor asked for. */
  retryAfterMs?: number;
}

export interface InboundCase {
  name: string;
  request(): Promise<WebhookRequest>;
  kind: ProviderEvent['kind'];
  contentType?: MessageContent['type'];
  /** Further fields the normalized event must carry. */
  expect?: Record<string, unknown>;
}

export interface ProviderContractFixture {
  provider: ProviderName;
  handlers: HttpHandler[];
  faults: FaultInjector;
  /** Spec per vendor base (CM.com: `spec: null`, it publishes none). */
  specBases: VendorBase[];
  /** Fresh simulator state before each test. */
  reset(): void;
  /** The credentials `adapter()` uses, as the admin API takes them (the module's schema must accept them). */
  credentials(options?: { badCredentials?: boolean }): Record<string, unknown>;
  adapter(options?: { badCredentials?: boolean; timeoutMs?: number }): ProviderAdapter;
  /** Messages the simulator accepted so far. */
  sentCount(): number;
  sends: { name: string; message(): OutboundMessage }[];
  errors: Record<ContractErrorKind, ErrorCase>;
  listing: { supported: true; seed(count: number): void; pageSize: number } | { supported: false };
  inbound: InboundCase[];
  status(): Promise<{ request: WebhookRequest; providerMessageId: string; status: 'delivered' }>;
  /** The same kind of webhook with a forged proof of origin. */
  forged(): Promise<WebhookRequest>;
  /**
   * The request without its signature, for providers that sign the body (then a changed body fails too); absent
   * where the proof is a token in the URL (CM.com).
   */
  unsigned?(request: WebhookRequest): WebhookRequest;
  /** Id of a customer message the simulator delivered to us; absent where the provider cannot mark messages read. */
  deliveredInboundId?(): string;
}

export const CONTRACT_CUSTOMER = '+16505551234';
export const NEVER_WROTE = '+16505559876';

export const text = (to = CONTRACT_CUSTOMER, body = 'Hello from the contract suite'): OutboundMessage => ({
  reference: 'contractref001',
  to,
  content: { type: 'text', text: body },
});

/** The send cases every WhatsApp provider supports: text, an image with a caption, a location. */
export const commonSends = (): ProviderContractFixture['sends'] => [
  { name: 'text', message: () => text() },
  {
    name: 'image',
    message: () => ({
      ...text(),
      content: { type: 'media', mediaType: 'image', url: 'https://example.com/a.jpg', caption: 'Receipt' },
    }),
  },
  {
    name: 'location',
    message: () => ({
      ...text(),
      content: { type: 'location', latitude: 45.46, longitude: 9.19, name: 'Duomo' },
    }),
  },
];
