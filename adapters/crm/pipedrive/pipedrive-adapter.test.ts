import { describe, expect, it } from 'vitest';
import { usePipedriveSimulator } from '../../../test/mocks/pipedrive/harness';
import type { CrmMessageRecord } from '../types';
import { cleanPhone, createPipedriveAdapter, getPersonPhones, resolveDealPerson } from './pipedrive-adapter';
import { createPipedriveClient } from './pipedrive-client';

const API = 'https://acme.pipedrive.com';
const AT = Date.UTC(2026, 2, 1, 9, 30, 5);

function record(overrides: Partial<CrmMessageRecord> = {}): CrmMessageRecord {
  return {
    messageId: 'msg_01',
    direction: 'inbound',
    customerPhone: '+37255555555',
    customerName: 'Jane Doe',
    text: 'Hello <b>there</b>\nsecond line',
    attachments: [],
    occurredAt: AT,
    status: 'delivered',
    origin: 'customer',
    senderPhone: '+3726000000',
    ...overrides,
  };
}

describe('Pipedrive CrmAdapter', () => {
  const ctx = usePipedriveSimulator();
  const client = () =>
    createPipedriveClient({ apiDomain: API, tokenSource: ctx.tokenSource(), sleep: async () => {} });
  const adapter = (createUnknownPersons = true) =>
    createPipedriveAdapter({ client: client(), createUnknownPersons });

  it('logs an inbound message as one readable note on the person found by phone', async () => {
    const jane = ctx.sim.seedPerson({ name: 'Jane Doe', phones: ['+372 5555 5555'] });
    const result = await adapter().recordMessage(record());
    expect(result).toEqual({ crmMessageId: '1', crmContactId: String(jane.id) });
    const notes = ctx.sim.state.notesFor({ personId: jane.id });
    expect(notes).toHaveLength(1);
    const html = notes[0]!.content;
    expect(html).toContain('⬅️ WhatsApp received from Jane Doe (+37255555555)');
    expect(html).toContain('Hello &lt;b&gt;there&lt;/b&gt;<br>second line');
    expect(html).toContain('2026-03-01 09:30:05 UTC');
    expect(html).not.toContain('<b>there');
    expect(ctx.sim.state.counters.personsCreated).toBe(0);
  });

  it('finds a person whose phone was stored without "+" (second search)', async () => {
    const p = ctx.sim.seedPerson({ name: 'No Plus', phones: ['372 5555 5555'] });
    const result = await adapter(false).recordMessage(record());
    expect(result.crmContactId).toBe(String(p.id));
    expect(ctx.sim.state.counters.searches).toBe(2);
  });

  it('creates an unknown person (WhatsApp profile name, phone) when allowed', async () => {
    const result = await adapter(true).recordMessage(record({ customerName: 'WA Profile' }));
    const created = ctx.sim.state.persons.get(Number(result.crmContactId))!;
    expect(created.name).toBe('WA Profile');
    expect(created.phones.map((p) => p.value)).toEqual(['+37255555555']);
    expect(ctx.sim.state.notesFor({ personId: created.id })).toHaveLength(1);
  });

  it('names a created person after the phone when there is no profile name', async () => {
    const result = await adapter(true).recordMessage(record({ customerName: undefined }));
    expect(ctx.sim.state.persons.get(Number(result.crmContactId))?.name).toBe('+37255555555');
  });

  it('records nothing for an unknown person when creation is disabled and there is no deal', async () => {
    expect(await adapter(false).recordMessage(record())).toEqual({});
    expect(ctx.sim.state.counters.notesCreated).toBe(0);
    expect(ctx.sim.state.counters.personsCreated).toBe(0);
  });

  it('links one note to both the person and the deal it was sent from, without searching a known contact', async () => {
    const p = ctx.sim.seedPerson({ name: 'Jane', phones: ['+37255555555'] });
    const deal = ctx.sim.seedDeal({ title: 'Renewal', personId: p.id });
    const result = await adapter().recordMessage(
      record({
        direction: 'outbound',
        origin: 'app',
        status: 'sent',
        crmContactId: String(p.id),
        crmDealId: String(deal.id),
      }),
    );
    const note = ctx.sim.state.notes.get(Number(result.crmMessageId))!;
    expect(note).toMatchObject({ person_id: p.id, deal_id: deal.id });
    expect(note.content).toContain('➡️ WhatsApp sent to Jane Doe (+37255555555) from the WhatsApp panel');
    expect(note.content).toContain('Status: ✓ Sent');
    expect(ctx.sim.state.counters.searches).toBe(0);
  });

  it('keeps the message on the person when the deal is gone', async () => {
    const p = ctx.sim.seedPerson({ name: 'Jane', phones: ['+37255555555'] });
    const result = await adapter().recordMessage(record({ crmDealId: '999' }));
    const note = ctx.sim.state.notes.get(Number(result.crmMessageId))!;
    expect(note.person_id).toBe(p.id);
    expect(note.deal_id).toBeUndefined();
    expect(ctx.sim.state.counters.notesCreated).toBe(1);
  });

  it('is safe to retry: a record that already has its note updates it instead of adding another', async () => {
    ctx.sim.seedPerson({ name: 'Jane', phones: ['+37255555555'] });
    const a = adapter();
    const first = await a.recordMessage(record());
    const again = await a.recordMessage(record({ ...first }));
    expect(again).toEqual(first);
    expect(ctx.sim.state.counters.notesCreated).toBe(1);
    expect(ctx.sim.state.counters.notesUpdated).toBe(1);
  });

  it('recordStatus rewrites the note with the new status and the failure reason', async () => {
    ctx.sim.seedPerson({ name: 'Jane', phones: ['+37255555555'] });
    const a = adapter();
    const out = record({ direction: 'outbound', origin: 'campaign', status: 'sent' });
    const ids = await a.recordMessage(out);
    await a.recordStatus({ ...out, ...ids, status: 'delivered' });
    await a.recordStatus({
      ...out,
      ...ids,
      status: 'failed',
      error: { kind: 'template_required', vendorCode: '131047', reason: 'Window closed <24h>' },
    });
    const note = ctx.sim.state.notes.get(Number(ids.crmMessageId))!;
    expect(note.history.map((h) => /Status: ([^<·]+)/.exec(h)?.[1]?.trim())).toEqual([
      '✓ Sent',
      '✓✓ Delivered',
      '⚠️ Failed — Window closed &lt;24h&gt; (code 131047)',
    ]);
    expect(ctx.sim.state.counters.notesCreated).toBe(1);
  });

  it('recordStatus without a note (nothing was recorded) makes no call', async () => {
    await adapter().recordStatus(record({ status: 'read' }));
    expect(ctx.sim.state.counters.apiRequests).toBe(0);
  });

  it('renders attachments as links, but never a javascript: URL', async () => {
    ctx.sim.seedPerson({ name: 'Jane', phones: ['+37255555555'] });
    const ids = await adapter().recordMessage(
      record({
        text: '',
        attachments: ['https://cdn.example/media/invoice%20may.pdf', 'javascript:alert(1)'],
      }),
    );
    const html = ctx.sim.state.notes.get(Number(ids.crmMessageId))!.content;
    expect(html).toContain('<a href="https://cdn.example/media/invoice%20may.pdf">invoice may.pdf</a>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('javascript:alert(1)');
  });
});

describe('panel helpers', () => {
  const ctx = usePipedriveSimulator();
  const client = () =>
    createPipedriveClient({ apiDomain: API, tokenSource: ctx.tokenSource(), sleep: async () => {} });

  it('getPersonPhones returns the name and cleaned phones, primary first', async () => {
    const p = ctx.sim.seedPerson({
      name: 'Jane Doe',
      phones: [
        { value: '(555) 0100', primary: false, label: 'home' },
        { value: '+372 5555-5555', primary: true, label: 'mobile' },
        { value: '0037256666666', primary: false, label: 'work' },
      ],
    });
    expect(await getPersonPhones(client(), String(p.id))).toEqual({
      personId: String(p.id),
      name: 'Jane Doe',
      phones: [
        { value: '+37255555555', raw: '+372 5555-5555', label: 'mobile', primary: true },
        { value: '5550100', raw: '(555) 0100', label: 'home', primary: false },
        { value: '+37256666666', raw: '0037256666666', label: 'work', primary: false },
      ],
    });
    expect(await getPersonPhones(client(), 999)).toBeNull();
  });

  it('resolveDealPerson returns the deal person, or null without one', async () => {
    const p = ctx.sim.seedPerson({ name: 'Jane' });
    const withPerson = ctx.sim.seedDeal({ title: 'A', personId: p.id });
    const orphan = ctx.sim.seedDeal({ title: 'B' });
    const c = client();
    expect(await resolveDealPerson(c, withPerson.id)).toBe(String(p.id));
    expect(await resolveDealPerson(c, orphan.id)).toBeNull();
    expect(await resolveDealPerson(c, 4242)).toBeNull();
    await expect(resolveDealPerson(c, 'abc')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('cleanPhone keeps a country code as +digits', () => {
    expect(cleanPhone(' +1 (415) 555-0100 ')).toBe('+14155550100');
    expect(cleanPhone('004930123')).toBe('+4930123');
    expect(cleanPhone('030 123')).toBe('030123');
  });
});
