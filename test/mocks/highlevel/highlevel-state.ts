// In-memory state of the HighLevel simulator: OAuth grants and tokens (refresh tokens rotate and die on use, like
// HighLevel's: docs/Authorization.md FAQ), contacts, conversations, messages and the status-update log.

export type SimUserType = 'Location' | 'Company';

export interface SimGrant {
  userType: SimUserType;
  companyId: string;
  locationId?: string;
  userId: string;
  scopes: string[];
}

export interface SimCode extends SimGrant {
  code: string;
  redirectUri?: string;
  used: boolean;
}

export interface SimAccessToken extends SimGrant {
  token: string;
  expiresAt: number;
}

export interface SimRefreshToken extends SimGrant {
  token: string;
  /** HighLevel refresh tokens are single-use: a second use answers 400 invalid_grant. */
  used: boolean;
}

export interface SimTokenRequest {
  grantType: string;
  userType?: string;
  redirectUri?: string;
  ok: boolean;
  error?: string;
}

export interface SimContact {
  id: string;
  locationId: string;
  /** '' for a contact created without phone (a WhatsApp username customer, issue 11). */
  phone: string;
  /** Tags as HighLevel keeps them: lowercased. */
  tags?: string[];
  name?: string;
  source?: string;
  /** Per-channel DND as HighLevel keeps it (UpdateContactDto `dndSettings`, DndSettingSchema), merged per channel. */
  dndSettings?: Record<string, { status: string; message?: string; code?: string }>;
  dateAdded: string;
  dateUpdated: string;
}

export interface SimConversation {
  id: string;
  locationId: string;
  contactId: string;
  dateAdded: string;
  dateUpdated: string;
  lastMessageBody: string;
  lastMessageDate: string;
}

export interface SimMessage {
  id: string;
  locationId: string;
  conversationId: string;
  contactId: string;
  direction: 'inbound' | 'outbound';
  type: string;
  message: string;
  attachments: string[];
  altId?: string;
  conversationProviderId?: string;
  date: string;
  status: 'pending' | 'delivered' | 'read' | 'failed';
  /** `api`: added by us through /messages/inbound; `delivery`: sent by a HighLevel user through our Delivery URL. */
  origin: 'api' | 'delivery';
}

export interface SimStatusUpdate {
  messageId: string;
  status: string;
  error?: { code: string; type: string; message: string };
  at: number;
}

export interface SimRequest {
  method: string;
  path: string;
  version?: string;
  token?: string;
}

export interface HighLevelSimConfig {
  clientId: string;
  clientSecret: string;
  appId: string;
  companyId: string;
  locationId: string;
  userId: string;
  conversationProviderId: string;
  accessTokenTtlSec: number;
  now: () => number;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** HighLevel ids look like `ve9EPM428h8vShlRW1KT`: 20 alphanumerics. */
export function newHighLevelId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

const digits = (phone: string) => phone.replace(/\D/g, '');

export class HighLevelSimulatorState {
  readonly codes = new Map<string, SimCode>();
  readonly accessTokens = new Map<string, SimAccessToken>();
  readonly refreshTokens = new Map<string, SimRefreshToken>();
  readonly locationTokens: SimAccessToken[] = [];
  readonly tokenRequests: SimTokenRequest[] = [];
  readonly contacts = new Map<string, SimContact>();
  readonly conversations = new Map<string, SimConversation>();
  readonly messages = new Map<string, SimMessage>();
  /** GET /conversations/{id}/messages calls (lookups of writes whose answer was lost). */
  messageLists = 0;
  readonly statusUpdates: SimStatusUpdate[] = [];
  /** Every API request (not OAuth token calls), for assertions on headers and call counts. */
  readonly requests: SimRequest[] = [];

  constructor(readonly config: HighLevelSimConfig) {}

  get now(): number {
    return this.config.now();
  }

  private iso(): string {
    return new Date(this.now).toISOString();
  }

  /** What the consent screen would hand back: a single-use authorization code. */
  issueCode(grant: Partial<SimGrant> & { redirectUri?: string } = {}): string {
    const code = newHighLevelId() + newHighLevelId();
    const userType = grant.userType ?? 'Location';
    this.codes.set(code, {
      code,
      userType,
      companyId: grant.companyId ?? this.config.companyId,
      locationId: userType === 'Location' ? (grant.locationId ?? this.config.locationId) : grant.locationId,
      userId: grant.userId ?? this.config.userId,
      scopes: grant.scopes ?? [],
      redirectUri: grant.redirectUri,
      used: false,
    });
    return code;
  }

  /** Mints an access/refresh pair (also usable directly by tests to seed an installation). */
  issueTokens(grant: SimGrant): { accessToken: string; refreshToken: string; expiresAt: number } {
    const accessToken = `sim-at-${newHighLevelId()}`;
    const refreshToken = `sim-rt-${newHighLevelId()}`;
    const expiresAt = this.now + this.config.accessTokenTtlSec * 1000;
    this.accessTokens.set(accessToken, { ...grant, token: accessToken, expiresAt });
    this.refreshTokens.set(refreshToken, { ...grant, token: refreshToken, used: false });
    return { accessToken, refreshToken, expiresAt };
  }

  issueLocationToken(
    companyId: string,
    locationId: string,
    userId: string,
    scopes: string[],
  ): SimAccessToken {
    const token = `sim-lt-${newHighLevelId()}`;
    const t: SimAccessToken = {
      token,
      userType: 'Location',
      companyId,
      locationId,
      userId,
      scopes,
      expiresAt: this.now + this.config.accessTokenTtlSec * 1000,
    };
    this.accessTokens.set(token, t);
    this.locationTokens.push(t);
    return t;
  }

  /** Makes a token answer 401 from now on, as if its day had passed. */
  expireAccessToken(token: string): void {
    const t = this.accessTokens.get(token);
    if (t) t.expiresAt = this.now - 1;
  }

  expireAllAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = this.now - 1;
  }

  validAccessToken(token: string | undefined): SimAccessToken | undefined {
    const t = token ? this.accessTokens.get(token) : undefined;
    return t && t.expiresAt > this.now ? t : undefined;
  }

  contactByPhone(locationId: string, phone: string): SimContact | undefined {
    const d = digits(phone);
    if (!d) return undefined;
    for (const c of this.contacts.values())
      if (c.locationId === locationId && digits(c.phone) === d) return c;
    return undefined;
  }

  /** POST /contacts/ (CreateContactDto): always a new contact; tags lowercased like HighLevel does. */
  createContact(input: {
    locationId: string;
    phone?: string;
    name?: string;
    source?: string;
    tags?: string[];
  }): SimContact {
    const contact: SimContact = {
      id: newHighLevelId(),
      locationId: input.locationId,
      phone: input.phone ?? '',
      name: input.name,
      source: input.source,
      tags: (input.tags ?? []).map((t) => t.toLowerCase()),
      dateAdded: this.iso(),
      dateUpdated: this.iso(),
    };
    this.contacts.set(contact.id, contact);
    return contact;
  }

  contactsWithTag(locationId: string, tag: string): SimContact[] {
    const wanted = tag.toLowerCase();
    return [...this.contacts.values()].filter(
      (c) => c.locationId === locationId && (c.tags ?? []).includes(wanted),
    );
  }

  /** Same phone → same contact (the location's duplicate setting checks phone); provided fields are updated. */
  upsertContact(input: { locationId: string; phone: string; name?: string; source?: string }): {
    contact: SimContact;
    isNew: boolean;
  } {
    const existing = this.contactByPhone(input.locationId, input.phone);
    if (existing) {
      if (input.name) existing.name = input.name;
      existing.dateUpdated = this.iso();
      return { contact: existing, isNew: false };
    }
    const contact: SimContact = {
      id: newHighLevelId(),
      locationId: input.locationId,
      phone: input.phone,
      name: input.name,
      source: input.source,
      dateAdded: this.iso(),
      dateUpdated: this.iso(),
    };
    this.contacts.set(contact.id, contact);
    return { contact, isNew: true };
  }

  conversationOf(locationId: string, contactId: string): SimConversation | undefined {
    for (const c of this.conversations.values())
      if (c.locationId === locationId && c.contactId === contactId) return c;
    return undefined;
  }

  createConversation(locationId: string, contactId: string): SimConversation {
    const conversation: SimConversation = {
      id: newHighLevelId(),
      locationId,
      contactId,
      dateAdded: this.iso(),
      dateUpdated: this.iso(),
      lastMessageBody: '',
      lastMessageDate: this.iso(),
    };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  addMessage(input: Omit<SimMessage, 'id' | 'status' | 'date'> & { date?: string }): SimMessage {
    const message: SimMessage = {
      ...input,
      id: newHighLevelId(),
      date: input.date ?? this.iso(),
      status: 'pending',
    };
    this.messages.set(message.id, message);
    const conversation = this.conversations.get(message.conversationId);
    if (conversation) {
      conversation.lastMessageBody = message.message;
      conversation.lastMessageDate = message.date;
      conversation.dateUpdated = this.iso();
    }
    return message;
  }

  /** How many messages carry this altId: more than 1 means a duplicate delivery reached HighLevel. */
  countByAltId(altId: string): number {
    let n = 0;
    for (const m of this.messages.values()) if (m.altId === altId) n++;
    return n;
  }

  messagesOf(conversationId: string): SimMessage[] {
    return [...this.messages.values()].filter((m) => m.conversationId === conversationId);
  }
}
