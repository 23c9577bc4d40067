// Issue 5 acceptance: the whole Pipedrive flow on each WhatsApp provider, from the Marketplace install to the
// statuses of the agent's reply, against the msw simulators (Pipedrive traffic validated against its spec).
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../src/core/template';
import {
  adminSession,
  connectProvider,
  customerWrites,
  installPipedrive,
  panelJwt,
  pipedriveSession,
  providerReports,
  row,
  sentKinds,
  usePipedriveWorld,
  type WireStatus,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CUSTOMER = '+37251234567';
const MINUTE = 60_000;

/** Rank of the status a note shows, so the history can be checked for order. */
function noteStatusRank(content: string): number {
  const match = /Status: [^A-Za-z]*([A-Za-z]+)/.exec(content);
  return match ? ['Pending', 'Sent', 'Delivered', 'Read'].indexOf(match[1]!) : -1;
}

describe.each<ProviderName>(['meta', 'twilio', 'cm'])('Pipedrive panel over %s', (provider) => {
  it('installs, sends a template to a closed window, logs notes, relays the reply and the statuses in order', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;

    // 1. Marketplace install → installation per company, tokens sealed, redirect to the admin page.
    const installed = await installPipedrive(w);
    expect(installed.status).toBe(302);
    expect(installed.headers.get('location')).toBe('/ui/admin?crm=pipedrive');
    const installation = await row<{ id: string; api_domain: string; tokens_enc: string; scopes: string }>(
      w,
      "SELECT * FROM installations WHERE crm = 'pipedrive' AND account_id = ?",
      '54235233',
    );
    expect(installation?.api_domain).toBe('https://acme.pipedrive.com');
    expect(installation?.scopes.split(' ')).toContain('contacts:full');
    expect(pd.state.counters.codeExchanges).toBe(1);

    // 2. The admin connects a number; an agent opens the panel on a deal whose person has the customer's phone.
    const admin = await adminSession(w);
    const number = await connectProvider(w, admin, provider);
    const person = pd.seedPerson({ name: 'Mari Tamm', phones: [{ value: '+372 5123 4567', primary: true }] });
    const deal = pd.seedDeal({ title: 'Spring order', personId: person.id });
    const agent = await pipedriveSession(w, { token: await panelJwt(w), dealId: String(deal.id) });
    expect(agent.status).toBe(200);
    expect(agent.json.role).toBe('agent');

    const panel = await w.call('GET', `/api/crm/person?dealId=${deal.id}`, { token: agent.token });
    expect(panel.status).toBe(200);
    const context = (await panel.json()) as {
      state: string;
      person: { id: string; name: string };
      defaultPhone: string;
    };
    expect(context).toMatchObject({ state: 'ready', person: { id: String(person.id), name: 'Mari Tamm' } });
    expect(context.defaultPhone).toBe(CUSTOMER);

    // 3. The customer never wrote: the window is closed, free text is refused, a template goes out.
    const q = `connectionId=${number.connectionId}`;
    const before = await w.call('GET', `/api/contacts/${encodeURIComponent(CUSTOMER)}/window?${q}`, {
      token: agent.token,
    });
    expect(await before.json()).toMatchObject({ state: 'none', templateRequired: true });
    const refused = await w.call('POST', '/api/messages', {
      token: agent.token,
      body: { connectionId: number.connectionId, to: CUSTOMER, content: { type: 'text', text: 'Hello?' } },
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('template_required');

    const sentTemplate = await w.call('POST', '/api/messages', {
      token: agent.token,
      body: {
        connectionId: number.connectionId,
        to: CUSTOMER,
        // What the panel sends along: the deal it is open on and the person's name from GET /api/crm/person.
        crmDealId: String(deal.id),
        customerName: context.person.name,
        content: {
          type: 'template',
          templateId: number.templateId,
          values: { 'body.1': 'Mari', 'body.2': 'A-1001' },
        },
      },
    });
    expect(sentTemplate.status, await sentTemplate.clone().text()).toBe(202);
    const templateMessageId = ((await sentTemplate.json()) as { message: { id: string } }).message.id;
    await w.drain();
    expect(sentKinds(w, provider, CUSTOMER)).toEqual(['template']);
    const stored = await row<{ crm_deal_id: string; crm_message_id: string; provider_message_id: string }>(
      w,
      'SELECT crm_deal_id, crm_message_id, provider_message_id FROM messages WHERE id = ?',
      templateMessageId,
    );
    expect(stored?.crm_deal_id).toBe(String(deal.id));

    // 4. One note, on the person and the deal, readable: direction, rendered template text, sender, status.
    const templateNote = pd.state.notes.get(Number(stored!.crm_message_id))!;
    expect(templateNote).toMatchObject({ person_id: person.id, deal_id: deal.id });
    expect(templateNote.content).toContain('WhatsApp sent to Mari Tamm (+37251234567)');
    expect(templateNote.content).toContain('Hi Mari, your order A-1001 is ready for pickup.');
    expect(templateNote.content).toContain(`from ${number.senderPhone}`);
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(1);

    // 5. The customer replies (signed provider webhook): an inbound note, and the window is open.
    w.t.clock.advance(5 * MINUTE);
    const reply = await customerWrites(w, number, CUSTOMER, 'Great, I will come on Thursday');
    expect(reply.status).toBe(200);
    await w.drain();
    const inboundNote = pd.state
      .notesFor({ personId: person.id })
      .find((n) => n.content.includes('Thursday'));
    expect(inboundNote?.content).toContain('WhatsApp received from Mari Tamm (+37251234567)');
    expect(pd.state.counters.personsCreated).toBe(0); // the known person was found, not duplicated
    const open = await w.call('GET', `/api/contacts/${encodeURIComponent(CUSTOMER)}/window?${q}`, {
      token: agent.token,
    });
    expect(await open.json()).toMatchObject({ state: 'open', freeFormAllowed: true });

    // 6. Free-form reply inside the window.
    w.t.clock.advance(MINUTE);
    const freeForm = await w.call('POST', '/api/messages', {
      token: agent.token,
      body: {
        connectionId: number.connectionId,
        to: CUSTOMER,
        crmDealId: String(deal.id),
        content: { type: 'text', text: 'See you Thursday!' },
      },
    });
    expect(freeForm.status).toBe(202);
    const replyId = ((await freeForm.json()) as { message: { id: string } }).message.id;
    await w.drain();
    expect(sentKinds(w, provider, CUSTOMER)).toEqual(['template', 'text']);

    // 7. Statuses: in order for the reply, out of order (read first) for the template. A note's status only
    //    ever moves forward (the lattice), and nothing is logged twice.
    const replyRow = await row<{ provider_message_id: string; crm_message_id: string }>(
      w,
      'SELECT provider_message_id, crm_message_id FROM messages WHERE id = ?',
      replyId,
    );
    const report = async (id: string, statuses: WireStatus[]) => {
      for (const status of statuses) {
        w.t.clock.advance(10_000);
        const res = await providerReports(w, number, id, status);
        expect(res.status, `${status} webhook`).toBe(200);
        await w.drain();
      }
    };
    await report(replyRow!.provider_message_id, ['sent', 'delivered', 'read']);
    await report(stored!.provider_message_id, ['read', 'delivered', 'sent']);

    // Reply: pending → sent → delivered → read. Template: pending → read; the late delivered/sent change nothing.
    const history = (noteId: string) => pd.state.notes.get(Number(noteId))!.history.map(noteStatusRank);
    expect(history(replyRow!.crm_message_id)).toEqual([0, 1, 2, 3]);
    expect(history(stored!.crm_message_id)).toEqual([0, 3]);
    const replyNote = pd.state.notes.get(Number(replyRow!.crm_message_id))!;
    expect(replyNote.content).toContain('See you Thursday!');
    expect(replyNote.deal_id).toBe(deal.id);
    expect(replyNote.content).toContain('Status: ✓✓ Read');
    expect(pd.state.notesFor({ personId: person.id })).toHaveLength(3);

    const messages = await w.call('GET', `/api/contacts/${encodeURIComponent(CUSTOMER)}/messages?${q}`, {
      token: agent.token,
    });
    const thread = ((await messages.json()) as { messages: { id: string; status: string }[] }).messages;
    expect(thread.find((m) => m.id === templateMessageId)?.status).toBe('read');
    expect(thread.find((m) => m.id === replyId)?.status).toBe('read');
  });
});
