// Stateful store behind the Twilio simulator: Content templates (many pages), sent messages, sessions.
// Seeded content starts from the spec's own ContentAndApprovals examples (twilio_content_v1.json).

export const DEFAULT_ACCOUNT_SID = 'AC25c0d4b9093547216c460212e24e77ee';
export const DEFAULT_AUTH_TOKEN = 'simulated_auth_token_0123456789abcdef';

export interface SimApproval {
  name: string;
  category: string;
  content_type: string;
  status: string;
  rejection_reason: string;
  allow_category_change: boolean;
}

export interface SimContent {
  sid: string;
  account_sid: string;
  friendly_name: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, unknown>;
  approval_requests: SimApproval;
  date_created: string;
  date_updated: string;
}

export interface SimMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string | null;
  mediaUrls: string[];
  persistentActions: string[];
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
  statusCallback: string | null;
  status: string;
  dateCreated: string;
}

export const hex32 = (n: number) => n.toString(16).padStart(32, '0');

/** Sample types cycled through by `seedTemplates`, one per WhatsApp layout Twilio offers. */
const SAMPLE_TYPES: { kind: string; variables: Record<string, string>; types: Record<string, unknown> }[] = [
  {
    kind: 'twilio/text',
    variables: { '1': 'Mark', '2': 'A-1001' },
    types: { 'twilio/text': { body: 'Hi {{1}}, your order {{2}} has shipped.' } },
  },
  {
    kind: 'twilio/media',
    variables: { '1': 'name', '2': 'typedocument' },
    types: {
      'twilio/media': {
        body: '{{1}}, Congratulations {{2}}! For additional assistance, please contact us at hello@twilio.com',
        media: ['https://example.com/template'],
      },
    },
  },
  {
    kind: 'twilio/quick-reply',
    variables: { '1': 'Mark' },
    types: {
      'twilio/quick-reply': {
        body: 'Hi {{1}}, do you want to keep your appointment?',
        actions: [
          { title: 'Yes', id: 'keep' },
          { title: 'No', id: 'cancel' },
        ],
      },
    },
  },
  {
    kind: 'twilio/call-to-action',
    variables: { '1': 'A-1001', '2': 'A-1001' },
    types: {
      'twilio/call-to-action': {
        body: 'Order {{1}} is on its way.',
        actions: [
          { type: 'URL', title: 'Track', url: 'https://example.com/t/{{2}}' },
          { type: 'PHONE_NUMBER', title: 'Call us', phone: '+15551234567' },
        ],
      },
    },
  },
];

export class TwilioSimulatorState {
  contents: SimContent[] = [];
  messages: SimMessage[] = [];
  /** Messages accepted per recipient (`+E164`), for "never twice" assertions. */
  readonly countsByRecipient = new Map<string, number>();
  /**
   * Number ownership (#17 item 10). The simulated account owns every phone number except those registered to other
   * accounts (`foreignNumbers`) and those it has only as bring-your-own WhatsApp senders (`whatsAppOnlySenders`,
   * listed by the Senders API but not by IncomingPhoneNumbers).
   */
  readonly foreignNumbers = new Set<string>();
  readonly whatsAppOnlySenders = new Set<string>();
  /** Customers with an open 24 h session, when the simulator enforces the window. */
  readonly openSessions = new Set<string>();
  private readonly messagesBySid = new Map<string, SimMessage>();
  private contentSeq = 0;
  private messageSeq = 0;
  /** Per-simulator random prefix: message SIDs stay unique across restarts of local mode (stored per connection). */
  private readonly sidPrefix = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

  constructor(
    readonly accountSid: string,
    public authToken: string,
    private readonly now: () => number,
  ) {}

  ownsPhoneNumber(e164: string): boolean {
    return !this.foreignNumbers.has(e164) && !this.whatsAppOnlySenders.has(e164);
  }

  nextContentSid(): string {
    return `HX${hex32(++this.contentSeq)}`;
  }

  nextMessageSid(): string {
    return `SM${this.sidPrefix}${(++this.messageSeq).toString(16).padStart(24, '0')}`;
  }

  isoNow(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** RFC 2822 as Twilio writes it: `Mon, 29 Nov 2021 22:40:10 +0000`. */
  rfc2822Now(): string {
    return new Date(this.now()).toUTCString().replace('GMT', '+0000');
  }

  addContent(partial: Partial<SimContent> & { types: Record<string, unknown> }): SimContent {
    const content: SimContent = {
      sid: partial.sid ?? this.nextContentSid(),
      account_sid: this.accountSid,
      friendly_name: partial.friendly_name ?? '',
      language: partial.language ?? 'en',
      variables: partial.variables ?? {},
      types: partial.types,
      approval_requests: partial.approval_requests ?? {
        name: '',
        category: '',
        content_type: '',
        status: 'unsubmitted',
        rejection_reason: '',
        allow_category_change: true,
      },
      date_created: partial.date_created ?? this.isoNow(),
      date_updated: partial.date_updated ?? this.isoNow(),
    };
    this.contents.push(content);
    return content;
  }

  /** Adds `count` approved templates cycling through text / media / quick-reply / call-to-action. */
  seedTemplates(
    count: number,
    opts: { status?: string; category?: string; language?: string } = {},
  ): SimContent[] {
    const added: SimContent[] = [];
    for (let i = 0; i < count; i++) {
      const sample = SAMPLE_TYPES[i % SAMPLE_TYPES.length]!;
      const name = `template_${this.contents.length + 1}`;
      added.push(
        this.addContent({
          friendly_name: name,
          language: opts.language ?? 'en',
          variables: { ...sample.variables },
          types: structuredClone(sample.types),
          approval_requests: {
            name,
            category: opts.category ?? 'UTILITY',
            content_type: sample.kind,
            status: opts.status ?? 'approved',
            rejection_reason: '',
            allow_category_change: false,
          },
        }),
      );
    }
    return added;
  }

  content(sid: string): SimContent | undefined {
    return this.contents.find((c) => c.sid === sid);
  }

  /** Plays Meta's review: approve, reject (with reason), pause or disable a submitted template. */
  setApprovalStatus(sid: string, status: string, rejectionReason = ''): void {
    const content = this.content(sid);
    if (!content) throw new Error(`no content ${sid}`);
    content.approval_requests = { ...content.approval_requests, status, rejection_reason: rejectionReason };
  }

  /** Opens the customer service window for a customer (E.164), as their inbound message would. */
  openSession(phone: string): void {
    this.openSessions.add(phone);
  }

  recordMessage(message: SimMessage): void {
    this.messages.push(message);
    this.messagesBySid.set(message.sid, message);
    const to = message.to.replace(/^whatsapp:/, '');
    this.countsByRecipient.set(to, (this.countsByRecipient.get(to) ?? 0) + 1);
  }

  countFor(phone: string): number {
    return this.countsByRecipient.get(phone) ?? 0;
  }

  message(sid: string): SimMessage | undefined {
    return this.messagesBySid.get(sid);
  }

  reset(): void {
    this.contents = [];
    this.messages = [];
    this.messagesBySid.clear();
    this.countsByRecipient.clear();
    this.openSessions.clear();
  }
}
