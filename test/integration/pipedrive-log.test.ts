// Issue 5: what the panel reads (person, phones, deal's person), the installation setting for unknown numbers,
// token refresh (before expiry, on 401, one at a time), and a Pipedrive outage that delays but never drops.
import { describe, expect, it } from 'vitest';
import {
  adminSession,
  connectProvider,
  customerWrites,
  installPipedrive,
  panelJwt,
  pipedriveSession,
  row,
  usePipedriveWorld,
  type World,
} from './pipedrive-world';
import { CRM_RETRY_BUDGET } from '../../src/services/crm/crm';

const world = usePipedriveWorld();
const MINUTE = 60_000;

async function installedAgent(w: World): Promise<string> {
  expect((await installPipedrive(w)).status).toBe(302);
  const s = await pipedriveSession(w, { token: await panelJwt(w) });
  expect(s.status).toBe(200);
  return s.token;
}

async function person(w: World, token: string, query: string) {
  const res = await w.call('GET', `/api/crm/person?${query}`, { token });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/crm/person (panel)', () => {
  it('resolves a person or a deal to name and phones, and says when there is nothing to message', async () => {
    const w = world.get();
    const agent = await installedAgent(w);
    const pd = w.sims.pipedrive;
    const two = pd.seedPerson({
      name: 'Giulia Bianchi',
      phones: [
        { value: '+39 347 123 4567', label: 'work', primary: false },
        { value: '+39 333 765 4321', label: 'mobile', primary: true },
      ],
    });
    const none = pd.seedPerson({ name: 'No Phone' });
    const national = pd.seedPerson({ name: 'Local Only', phones: ['0347 123 4567'] });
    const dealWithTwo = pd.seedDeal({ title: 'Big deal', personId: two.id });
    const orphanDeal = pd.seedDeal({ title: 'No contact yet' });

    const choose = await person(w, agent, `personId=${two.id}`);
    expect(choose.body).toMatchObject({ state: 'choose_phone', defaultPhone: '+393337654321' });
    expect((choose.body.person as { phones: { e164: string; label: string }[] }).phones).toEqual([
      expect.objectContaining({ e164: '+393337654321', label: 'mobile', primary: true }),
      expect.objectContaining({ e164: '+393471234567', label: 'work', primary: false }),
    ]);
    expect((await person(w, agent, `dealId=${dealWithTwo.id}`)).body).toMatchObject({
      state: 'choose_phone',
      dealId: String(dealWithTwo.id),
      person: { id: String(two.id), name: 'Giulia Bianchi' },
    });
    expect((await person(w, agent, `personId=${none.id}`)).body).toMatchObject({
      state: 'no_phone',
      defaultPhone: null,
      message: expect.stringContaining('no phone number'),
    });
    const local = await person(w, agent, `personId=${national.id}`);
    expect(local.body).toMatchObject({ state: 'no_phone' });
    expect((local.body.person as { phones: unknown[] }).phones).toEqual([
      expect.objectContaining({ raw: '0347 123 4567', e164: null, problem: 'missing_country' }),
    ]);
    expect((await person(w, agent, `dealId=${orphanDeal.id}`)).body).toMatchObject({ state: 'no_person' });
    expect((await person(w, agent, 'personId=99999')).body).toMatchObject({
      state: 'not_found',
      person: null,
    });
    expect((await person(w, agent, 'dealId=99999')).body).toMatchObject({ state: 'not_found' });

    expect((await person(w, agent, '')).status).toBe(400);
    expect((await person(w, agent, 'personId=-1')).status).toBe(400);
    expect((await w.call('GET', `/api/crm/person?personId=${two.id}`)).status).toBe(401);
  });

  it('uses the record the panel was opened on when the query names none', async () => {
    const w = world.get();
    await installPipedrive(w);
    const p = w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });
    const s = await pipedriveSession(w, { token: await panelJwt(w), personId: String(p.id) });
    expect((await person(w, s.token, '')).body).toMatchObject({
      state: 'ready',
      defaultPhone: '+37251234567',
    });
  });
});

describe('access tokens', () => {
  it('refreshes before expiry, once for concurrent callers, and stores the new expiry', async () => {
    const w = world.get();
    const agent = await installedAgent(w);
    const p = w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });
    const before = await row<{ token_expires_at: number; token_version: number }>(
      w,
      "SELECT token_expires_at, token_version FROM installations WHERE crm = 'pipedrive'",
    );
    w.t.clock.advance(57 * MINUTE); // inside the 5-minute margin of the 60-minute token
    const answers = await Promise.all([1, 2, 3].map(() => person(w, agent, `personId=${p.id}`)));
    for (const a of answers) expect(a.body).toMatchObject({ state: 'ready' });
    expect(w.sims.pipedrive.state.counters.tokenRefreshes).toBe(1);
    expect(w.sims.pipedrive.state.counters.unauthorized).toBe(0);
    const after = await row<{ token_expires_at: number; token_version: number }>(
      w,
      "SELECT token_expires_at, token_version FROM installations WHERE crm = 'pipedrive'",
    );
    expect(after!.token_expires_at).toBe(w.t.clock.now() + 3599_000);
    expect(after!.token_version).toBe(before!.token_version + 1);
  });

  it('refreshes on a 401 and retries the call once', async () => {
    const w = world.get();
    const agent = await installedAgent(w);
    const p = w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });
    w.sims.pipedrive.expireAccessTokens(); // Pipedrive revoked the access token early
    expect((await person(w, agent, `personId=${p.id}`)).body).toMatchObject({ state: 'ready' });
    expect(w.sims.pipedrive.state.counters.unauthorized).toBe(1);
    expect(w.sims.pipedrive.state.counters.tokenRefreshes).toBe(1);
  });

  it('the message log (queue jobs) refreshes the same way', async () => {
    const w = world.get();
    await installPipedrive(w);
    const number = await connectProvider(w, await adminSession(w), 'cm');
    const mari = w.sims.pipedrive.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });
    w.t.clock.advance(2 * 60 * MINUTE); // the access token expired an hour ago
    await customerWrites(w, number, '+37251234567', 'Tere!');
    await w.drain();
    expect(w.sims.pipedrive.state.counters.tokenRefreshes).toBe(1);
    expect(w.sims.pipedrive.state.notesFor({ personId: mari.id })[0]?.content).toContain('Tere!');
  });
});

describe('message log settings and outages', () => {
  it('creates a person for an unknown number unless the admin turned it off', async () => {
    const w = world.get();
    const agent = await installedAgent(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'meta');
    const pd = w.sims.pipedrive;
    expect(await (await w.call('GET', '/api/settings', { token: agent })).json()).toMatchObject({
      createUnknownPersons: true,
    });

    await customerWrites(w, number, '+393471234567', 'Ciao, avete disponibilità?', 'Giulia Bianchi');
    await w.drain();
    const created = [...pd.state.persons.values()].find((p) => p.name === 'Giulia Bianchi');
    expect(created?.phones.map((ph) => ph.value)).toEqual(['+393471234567']);
    expect(pd.state.notesFor({ personId: created!.id })[0]?.content).toContain('Ciao, avete disponibilità?');

    // Agents may not change it; bad bodies are refused; the admin turns it off.
    const body = { createUnknownPersons: false };
    expect((await w.call('PUT', '/api/settings', { token: agent, body })).status).toBe(403);
    expect(
      (await w.call('PUT', '/api/settings', { token: admin, body: { createUnknownPersons: 'no' } })).status,
    ).toBe(400);
    expect((await w.call('PUT', '/api/settings', { token: admin, body: { other: 1 } })).status).toBe(400);
    const put = await w.call('PUT', '/api/settings', { token: admin, body });
    expect(await put.json()).toMatchObject({ createUnknownPersons: false });

    const persons = pd.state.persons.size;
    const notes = pd.state.notes.size;
    w.t.clock.advance(MINUTE);
    await customerWrites(w, number, '+14155550123', 'Hi, are you open on Sunday?', 'Alex Morgan');
    await w.drain();
    expect(pd.state.persons.size).toBe(persons);
    expect(pd.state.notes.size).toBe(notes);
    // Nothing to attach it to: the message is settled, not retried forever nor dead-lettered.
    expect(await row(w, "SELECT crm_sync FROM messages WHERE content LIKE '%Sunday%'")).toEqual({
      crm_sync: 'done',
    });
    expect(w.t.queue.pending).toHaveLength(0);
  });

  it('a Pipedrive outage delays the note; a lasting one ends in the dead-letter list, never silently dropped', async () => {
    const w = world.get();
    await installPipedrive(w);
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, 'twilio');
    const pd = w.sims.pipedrive;
    const mari = pd.seedPerson({ name: 'Mari Tamm', phones: ['+37251234567'] });
    const isNotePost = (r: Request) => r.method === 'POST' && r.url.endsWith('/api/v1/notes');

    // Short outage: three 503s on POST /notes, then Pipedrive is back.
    pd.faults.add({ match: isNotePost, status: 503, times: 3 });
    await customerWrites(w, number, '+37251234567', 'Is my order on its way?');
    await w.drain();
    expect(pd.state.notesFor({ personId: mari.id })).toHaveLength(0);
    expect(await row(w, 'SELECT crm_sync FROM messages')).toEqual({ crm_sync: 'pending' });
    for (let i = 0; i < 10 && w.t.queue.pending.length > 0; i++) {
      w.t.clock.advance(10 * MINUTE);
      await w.drain();
    }
    expect(pd.faults.injected).toBe(3);
    const notes = pd.state.notesFor({ personId: mari.id });
    expect(notes).toHaveLength(1); // delayed, once
    expect(notes[0]!.content).toContain('Is my order on its way?');
    expect(await row(w, 'SELECT crm_sync FROM messages')).toEqual({ crm_sync: 'done' });

    // Lasting outage: every retry fails until the budget is spent, then the job is dead-lettered.
    pd.faults.add({ match: isNotePost, status: 503, times: 1000 });
    w.t.clock.advance(MINUTE);
    await customerWrites(w, number, '+37251234567', 'Hello?? Anyone there?');
    // The budget spans 12–24 hours of retries (services/crm/crm.ts): an outage of hours only delays.
    for (let i = 0; i < 200 && w.t.queue.pending.length > 0; i++) {
      await w.drain();
      w.t.clock.advance(10 * MINUTE);
    }
    expect(pd.state.notesFor({ personId: mari.id })).toHaveLength(1);
    expect(await row(w, "SELECT crm_sync FROM messages WHERE content LIKE '%Anyone there%'")).toEqual({
      crm_sync: 'dead',
    });
    // Hours have passed: the admin page gets a fresh session from a fresh Pipedrive JWT.
    const dead = await w.call('GET', '/api/dead-letters', { token: await adminSession(w) });
    const letters = ((await dead.json()) as { deadLetters: { jobType: string; attempts: number }[] })
      .deadLetters;
    expect(letters).toEqual([
      expect.objectContaining({ jobType: 'crm_record_message', attempts: CRM_RETRY_BUDGET + 1 }),
    ]);
  });
});
