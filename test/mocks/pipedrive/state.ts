// In-memory Pipedrive company for the simulator: persons, deals, notes, OAuth grants. Wire objects are shaped
// after the spec examples (openapi-v2.yaml getPerson/getDeal, openapi-v1.yaml addNote/getCurrentUser).

export interface SimPhone {
  value: string;
  primary: boolean;
  label: string;
}

export interface SimPerson {
  id: number;
  name: string;
  phones: SimPhone[];
  add_time: string;
  update_time: string;
}

export interface SimDeal {
  id: number;
  title: string;
  person_id?: number;
}

export interface SimNote {
  id: number;
  content: string;
  person_id?: number;
  deal_id?: number;
  add_time: string;
  update_time: string;
  /** Every content the note has had, oldest first (status updates rewrite it). */
  history: string[];
}

export interface SimAccessToken {
  token: string;
  expiresAt: number;
  refreshToken: string;
}

export interface SimCounters {
  apiRequests: number;
  searches: number;
  personsCreated: number;
  notesCreated: number;
  notesUpdated: number;
  /** GET /v1/notes calls (the message log reading back after a lost answer). */
  noteLists: number;
  codeExchanges: number;
  tokenRefreshes: number;
  revocations: number;
  unauthorized: number;
}

export class PipedriveState {
  persons = new Map<number, SimPerson>();
  deals = new Map<number, SimDeal>();
  notes = new Map<number, SimNote>();
  accessTokens = new Map<string, SimAccessToken>();
  refreshTokens = new Set<string>();
  /** Authorization codes → redirect_uri and issue time (codes live 5 minutes, single use). */
  codes = new Map<string, { redirectUri: string; issuedAt: number }>();
  counters: SimCounters = {
    apiRequests: 0,
    searches: 0,
    personsCreated: 0,
    notesCreated: 0,
    notesUpdated: 0,
    noteLists: 0,
    codeExchanges: 0,
    tokenRefreshes: 0,
    revocations: 0,
    unauthorized: 0,
  };
  /** Company users by id; `admin` is the global-app admin flag of the spec's UserAccess. */
  users = new Map<number, { name: string; admin: boolean; locale?: string }>();
  private nextId = { person: 1, deal: 1, note: 1 };
  private tokenSeq = 0;

  constructor(readonly now: () => number) {}

  /** Pipedrive v1 timestamps: "YYYY-MM-DD HH:MM:SS" UTC. */
  v1Time(): string {
    return new Date(this.now()).toISOString().slice(0, 19).replace('T', ' ');
  }
  /** Pipedrive v2 timestamps: RFC 3339. */
  v2Time(): string {
    return `${new Date(this.now()).toISOString().slice(0, 19)}Z`;
  }

  addPerson(input: { name: string; phones?: (string | Partial<SimPhone>)[] }): SimPerson {
    const phones = (input.phones ?? []).map((p, i) => {
      const entry = typeof p === 'string' ? { value: p } : p;
      return { value: entry.value ?? '', primary: entry.primary ?? i === 0, label: entry.label ?? 'work' };
    });
    const person: SimPerson = {
      id: this.nextId.person++,
      name: input.name,
      phones,
      add_time: this.v2Time(),
      update_time: this.v2Time(),
    };
    this.persons.set(person.id, person);
    return person;
  }

  addDeal(input: { title: string; personId?: number }): SimDeal {
    const deal: SimDeal = { id: this.nextId.deal++, title: input.title, person_id: input.personId };
    this.deals.set(deal.id, deal);
    return deal;
  }

  addNote(input: { content: string; personId?: number; dealId?: number; addTime?: string }): SimNote {
    const t = this.v1Time();
    const note: SimNote = {
      id: this.nextId.note++,
      content: input.content,
      person_id: input.personId,
      deal_id: input.dealId,
      add_time: input.addTime ?? t,
      update_time: t,
      history: [input.content],
    };
    this.notes.set(note.id, note);
    return note;
  }

  issueTokens(ttlSec: number, refreshToken?: string): SimAccessToken {
    const seq = ++this.tokenSeq;
    const refresh = refreshToken ?? `1:1:refresh-${seq}-${Math.random().toString(36).slice(2)}`;
    const access: SimAccessToken = {
      token: `v1u:sim-access-${seq}-${Math.random().toString(36).slice(2)}`,
      expiresAt: this.now() + ttlSec * 1000,
      refreshToken: refresh,
    };
    this.accessTokens.set(access.token, access);
    this.refreshTokens.add(refresh);
    return access;
  }

  /** Makes every issued access token expired (the next API call gets 401 and must refresh). */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = this.now() - 1;
  }

  isValidAccessToken(token: string): boolean {
    const t = this.accessTokens.get(token);
    return !!t && t.expiresAt > this.now() && this.refreshTokens.has(t.refreshToken);
  }

  /** Revoking the refresh token = app uninstalled: its access tokens die with it (RD/app-uninstallation). */
  revoke(token: string): void {
    if (this.refreshTokens.delete(token)) return;
    this.accessTokens.delete(token);
  }

  notesFor(filter: { personId?: number; dealId?: number }): SimNote[] {
    return [...this.notes.values()].filter(
      (n) =>
        (filter.personId === undefined || n.person_id === filter.personId) &&
        (filter.dealId === undefined || n.deal_id === filter.dealId),
    );
  }
}

/** The search behaviour we assume: exact phone match ignores formatting characters but not the "+" sign. */
export function phoneKey(value: string): string {
  return value.replace(/[^\d+]/g, '');
}

export function personWire(p: SimPerson) {
  const [first, ...rest] = p.name.split(' ');
  return {
    id: p.id,
    name: p.name,
    first_name: first ?? p.name,
    last_name: rest.join(' '),
    owner_id: 1,
    add_time: p.add_time,
    update_time: p.update_time,
    emails: [],
    phones: p.phones,
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    custom_fields: {},
  };
}

export function dealWire(d: SimDeal, time: string) {
  return {
    id: d.id,
    title: d.title,
    owner_id: 1,
    // The spec types person_id as a plain integer: a deal without a person omits it here.
    ...(d.person_id === undefined ? {} : { person_id: d.person_id }),
    stage_id: 1,
    pipeline_id: 1,
    value: 0,
    currency: 'EUR',
    add_time: time,
    update_time: time,
    status: 'open',
    is_archived: false,
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    custom_fields: {},
  };
}

export function noteWire(n: SimNote, state: PipedriveState, userId: number) {
  const person = n.person_id === undefined ? undefined : state.persons.get(n.person_id);
  const deal = n.deal_id === undefined ? undefined : state.deals.get(n.deal_id);
  return {
    id: n.id,
    active_flag: true,
    add_time: n.add_time,
    content: n.content,
    ...(deal ? { deal_id: deal.id, deal: { title: deal.title } } : {}),
    ...(person ? { person_id: person.id, person: { name: person.name } } : {}),
    last_update_user_id: userId,
    pinned_to_deal_flag: false,
    pinned_to_organization_flag: false,
    pinned_to_person_flag: false,
    pinned_to_project_flag: false,
    update_time: n.update_time,
    user: {
      email: 'me@pipedrive.com',
      icon_url: 'https://iconurl.net/profile_120x120_123.jpg',
      is_you: true,
      name: 'Me',
    },
    user_id: userId,
  };
}
