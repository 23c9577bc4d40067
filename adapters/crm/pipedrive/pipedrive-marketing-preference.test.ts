// Issue 12 item 1: a customer's WhatsApp marketing stop / resume becomes a visible note on the Pipedrive person.
import { describe, expect, it } from 'vitest';
import { usePipedriveSimulator } from '../../../test/mocks/pipedrive/harness';
import { createPipedriveAdapter } from './pipedrive-adapter';
import { createPipedriveClient } from './pipedrive-client';

const API = 'https://acme.pipedrive.com';
const AT = Date.UTC(2026, 11, 4, 9, 30, 5);

describe('Pipedrive: WhatsApp marketing preference', () => {
  const ctx = usePipedriveSimulator();
  const adapter = () =>
    createPipedriveAdapter({
      client: createPipedriveClient({
        apiDomain: API,
        tokenSource: ctx.tokenSource(),
        sleep: async () => {},
      }),
      createUnknownPersons: false,
    });

  it('adds a stop note and a resume note on the person found by phone', async () => {
    const jane = ctx.sim.seedPerson({ name: 'Jane Doe', phones: ['+372 5555 5555'] });
    const customer = { customerPhone: '+37255555555', customerName: 'Jane Doe' };
    expect(await adapter().recordMarketingPreference!(customer, { stopped: true, at: AT })).toEqual({
      crmContactId: String(jane.id),
    });
    await adapter().recordMarketingPreference!(
      { ...customer, crmContactId: String(jane.id) },
      { stopped: false, at: AT + 60_000 },
    );
    const notes = ctx.sim.state.notesFor({ personId: jane.id }).map((n) => n.content);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('WhatsApp: marketing stopped');
    expect(notes[0]).toContain('2026-12-04 09:30:05 UTC');
    expect(notes[0]).toContain('utility and authentication messages still reach them');
    expect(notes[1]).toContain('WhatsApp: marketing resumed');
  });

  it('writes nothing for a person Pipedrive does not know when creating persons is off', async () => {
    const result = await adapter().recordMarketingPreference!(
      { customerPhone: '+37255550000' },
      { stopped: true, at: AT },
    );
    expect(result).toEqual({});
    expect(ctx.sim.state.notes.size).toBe(0);
  });

  it('a retry after a lost answer finds the note the first POST added instead of adding it again', async () => {
    const jane = ctx.sim.seedPerson({ name: 'Jane Doe', phones: ['+372 5555 5555'] });
    const customer = { customerPhone: '+37255555555', crmContactId: String(jane.id) };
    const isNotesPost = (r: Request) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/notes';
    // Pipedrive stores the note, then the answer is lost (502 after the handler ran).
    ctx.sim.faults.add({ match: isNotesPost, afterHandler: true, status: 502 });
    await expect(adapter().recordMarketingPreference!(customer, { stopped: true, at: AT })).rejects.toThrow();
    expect(ctx.sim.state.notesFor({ personId: jane.id })).toHaveLength(1);
    expect(await adapter().recordMarketingPreference!(customer, { stopped: true, at: AT })).toEqual({
      crmContactId: String(jane.id),
    });
    expect(ctx.sim.state.notesFor({ personId: jane.id })).toHaveLength(1);
    // A later change is a new note, not mistaken for the first.
    await adapter().recordMarketingPreference!(customer, { stopped: false, at: AT + 60_000 });
    await adapter().recordMarketingPreference!(customer, { stopped: true, at: AT + 120_000 });
    expect(ctx.sim.state.notesFor({ personId: jane.id }).map((n) => n.content)).toEqual([
      expect.stringContaining('marketing stopped'),
      expect.stringContaining('marketing resumed'),
      expect.stringContaining('marketing stopped'),
    ]);
  });
});
