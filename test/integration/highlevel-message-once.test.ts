// HighLevel never twice (issue 17, finding 7): when HighLevel stored a message but its answer was lost (5xx, dropped
// connection), the retry looks in the conversation's latest messages before posting again — one message either way.
// A clean first attempt reads nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../mocks/faults';
import {
  createConnectedWorld,
  customerWrites,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
let number: ConnectedNumber;
beforeEach(async () => {
  ({ w, number } = await createConnectedWorld('twilio'));
});
afterEach(async () => w.t.dispose());

const hl = () => w.sims.highlevel.state;
const isAddMessage = (r: Request) =>
  r.method === 'POST' && new URL(r.url).pathname.endsWith('/conversations/messages/inbound');

async function inboundRows() {
  return (
    await w.t.db
      .prepare(
        "SELECT provider_message_id AS id, crm_sync, crm_message_id FROM messages WHERE direction = 'inbound'",
      )
      .all<{ id: string; crm_sync: string; crm_message_id: string | null }>()
  ).results;
}

describe('one HighLevel message per WhatsApp message when the answer is lost', () => {
  it('a clean first attempt posts once and lists nothing', async () => {
    await customerWrites(w, number, '+3725550300', 'Hello');
    await w.settle();
    expect(hl().messages.size).toBe(1);
    expect(hl().messageLists).toBe(0);
  });

  const lost: [string, Fault][] = [
    ['stored, then 502', { match: isAddMessage, afterHandler: true, status: 502 }],
    ['stored, then the connection dropped', { match: isAddMessage, afterHandler: true, networkError: true }],
  ];
  it.each(lost)('%s: the retry finds it and posts nothing', async (_, fault) => {
    w.sims.highlevel.faults.add(fault);
    await customerWrites(w, number, '+3725550301', 'Is my order on its way?');
    await w.settle();
    const [row] = await inboundRows();
    expect(hl().countByAltId(row!.id)).toBe(1);
    expect(hl().messageLists).toBe(1);
    const [stored] = [...hl().messages.values()];
    expect(row).toMatchObject({ crm_sync: 'done', crm_message_id: stored!.id });
  });

  it('an answer lost before HighLevel stored anything: looked up, not found, posted once', async () => {
    w.sims.highlevel.faults.add({ match: isAddMessage, status: 502 });
    await customerWrites(w, number, '+3725550302', 'Anyone?');
    await w.settle();
    const [row] = await inboundRows();
    expect(hl().countByAltId(row!.id)).toBe(1);
    expect(hl().messageLists).toBe(1);
  });

  it('the same text twice from one customer: each message is its own HighLevel message', async () => {
    await customerWrites(w, number, '+3725550303', 'ok');
    await w.settle();
    w.t.clock.advance(60_000);
    w.sims.highlevel.faults.add({ match: isAddMessage, afterHandler: true, status: 503 });
    await customerWrites(w, number, '+3725550303', 'ok');
    await w.settle();
    const rows = await inboundRows();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(hl().countByAltId(row.id)).toBe(1);
    expect(new Set(rows.map((r) => r.crm_message_id)).size).toBe(2);
  });

  it('the fault run of finding 7: 30 messages, answers lost at random after storing → 30 in HighLevel', async () => {
    w.sims.highlevel.faults.add({ match: isAddMessage, afterHandler: true, status: 500, probability: 0.3 });
    for (let i = 0; i < 30; i++) {
      await customerWrites(w, number, `+37255504${String(i).padStart(2, '0')}`, `message ${i}`);
      w.t.clock.advance(1_000);
    }
    await w.settle();
    const rows = await inboundRows();
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(row.crm_sync).toBe('done');
      expect(hl().countByAltId(row.id)).toBe(1);
    }
    expect(hl().messages.size).toBe(30);
  }, 180_000);
});
