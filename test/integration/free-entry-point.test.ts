// Issue 12 item 6 acceptance: a customer from a click-to-WhatsApp ad gets a reply within the window → the 72-hour
// free entry point runs (GET …/window, cost estimate); Meta's `pricing` object on statuses (category, type,
// deprecated billable) replaces our estimate whole, and a `free_entry_point` price opens the window too.
import { describe, expect, it } from 'vitest';
import { HOUR } from '../helpers/platform';
import { useAppHarness } from '../contract/app-harness';
import { metaInbound, metaStatus, metaStatusesWebhook } from '../mocks/meta';

const h = useAppHarness();
const CUSTOMER = '+393331234567';
const AD = { source_type: 'ad', source_id: '120226305854810726', source_url: 'https://fb.me/3cr4Wqqkv' };

interface WindowAnswer {
  state: string;
  closesAt: number | null;
  freeEntryPoint: { active: boolean; closesAt: number | null; awaitingReply: boolean } | null;
}
interface MessageRow {
  id: string;
  provider_message_id: string;
  category: string | null;
  billable: number | null;
  pricing_type: string | null;
  estimated_category: string | null;
  estimated_billable: number | null;
  pricing: string | null;
}

const meta = () => h.connections.meta.id;
const window = async (): Promise<WindowAnswer> =>
  (await (
    await h.api('GET', `/api/contacts/${encodeURIComponent(CUSTOMER)}/window?connectionId=${meta()}`)
  ).json()) as WindowAnswer;
const row = async (id: string) =>
  (await h.t.db.prepare('SELECT * FROM messages WHERE id = ?').bind(id).first<MessageRow>())!;

async function customerWrites(text: string, referral?: Record<string, string>) {
  const payload = h.sims.meta.inboundWebhook([
    metaInbound.text(
      { from: CUSTOMER, timestampMs: h.t.clock.now(), ...(referral ? { referral } : {}) },
      text,
    ),
  ]);
  expect((await h.postMeta(payload)).status).toBe(200);
}

async function reply(content: unknown): Promise<MessageRow> {
  const res = await h.api('POST', '/api/messages', { connectionId: meta(), to: CUSTOMER, content });
  expect(res.status).toBe(202);
  const { message } = (await res.json()) as { message: { id: string } };
  await h.runJobs(['send_message']);
  return row(message.id);
}

async function utilityTemplateId(): Promise<string> {
  h.sims.meta.state.addTemplate({
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Your order {{1}} has shipped.', example: { body_text: [['A1']] } }],
  } as never);
  expect((await h.api('POST', '/api/templates/sync', { connectionId: meta() })).status).toBe(200);
  const stored = await h.ctx.templates.findByProviderId(
    meta(),
    h.sims.meta.state.templates.find((t) => t.name === 'order_update')!.id,
    'meta',
  );
  return stored!.id;
}

async function postPricedStatus(id: string, status: 'sent' | 'delivered', pricing: Record<string, unknown>) {
  const payload = metaStatusesWebhook({}, [
    metaStatus({ id, status, recipient: CUSTOMER, timestampMs: h.t.clock.now(), pricing }),
  ]);
  expect((await h.postMeta(payload)).status).toBe(200);
}

describe('free entry point and provider pricing (issue 12 item 6)', () => {
  it('ad referral → reply within the window → freeEntryPoint.active, closesAt = reply + 72 h; later sends free', async () => {
    await customerWrites('Hi, I saw your ad', AD);
    expect((await window()).freeEntryPoint).toMatchObject({ active: false, awaitingReply: true });

    h.t.clock.advance(2 * HOUR);
    const replyAt = h.t.clock.now();
    const first = await reply({ type: 'text', text: 'Thanks for reaching out!' });
    expect(first.provider_message_id).toBeTruthy();
    const after = await window();
    expect(after.freeEntryPoint).toEqual({
      active: true,
      closesAt: replyAt + 72 * HOUR,
      awaitingReply: false,
      replyBy: null,
    });

    // 30 h later the customer service window is closed, the free entry point still runs: a template costs nothing.
    h.t.clock.advance(30 * HOUR);
    expect((await window()).state).toBe('closed');
    const templateId = await utilityTemplateId();
    const tpl = await reply({ type: 'template', templateId, values: { 'body.1': 'A1' } });
    expect(tpl).toMatchObject({ category: 'UTILITY', billable: 0 });
    // …and after 72 h it is charged again.
    h.t.clock.advance(43 * HOUR);
    expect((await window()).freeEntryPoint).toBeNull();
    const later = await reply({ type: 'template', templateId, values: { 'body.1': 'A2' } });
    expect(later).toMatchObject({ category: 'UTILITY', billable: 1 });
    await h.assertSpecValid();
  });

  it('a reply outside the customer service window does not open it', async () => {
    await customerWrites('Hi from the ad', AD);
    h.t.clock.advance(25 * HOUR);
    const templateId = await utilityTemplateId();
    await reply({ type: 'template', templateId, values: { 'body.1': 'A3' } });
    expect((await window()).freeEntryPoint).toBeNull();
  });

  it('the status webhook’s pricing replaces category and charge whole; the estimate is kept beside it', async () => {
    await customerWrites('Where is my parcel?');
    const sent = await reply({ type: 'text', text: 'It left this morning.' });
    expect(sent).toMatchObject({ category: 'SERVICE', billable: 0, pricing_type: null });

    // Meta: sent, category utility, type regular (charged), no `billable` (deprecated under PMP).
    await postPricedStatus(sent.provider_message_id, 'sent', {
      pricing_model: 'PMP',
      category: 'utility',
      type: 'regular',
    });
    const priced = await row(sent.id);
    expect(priced).toMatchObject({
      category: 'UTILITY',
      billable: 1,
      pricing_type: 'regular',
      estimated_category: 'SERVICE',
      estimated_billable: 0,
    });
    // A later status saying free (free_customer_service) wins again; the first estimate stays.
    h.t.clock.advance(1_000);
    await postPricedStatus(sent.provider_message_id, 'delivered', {
      pricing_model: 'PMP',
      category: 'service',
      type: 'free_customer_service',
      billable: true, // deprecated and contradicted by `type`: type decides
    });
    expect(await row(sent.id)).toMatchObject({
      category: 'SERVICE',
      billable: 0,
      pricing_type: 'free_customer_service',
      estimated_category: 'SERVICE',
      estimated_billable: 0,
    });
  });

  it('a status priced free_entry_point opens the 72-hour window from the reply even without a stored referral', async () => {
    await customerWrites('Hello');
    const sent = await reply({ type: 'text', text: 'Hello! How can we help?' });
    expect((await window()).freeEntryPoint).toBeNull();
    const sentAt = h.t.clock.now();
    await postPricedStatus(sent.provider_message_id, 'sent', {
      pricing_model: 'PMP',
      category: 'service',
      type: 'free_entry_point',
    });
    expect((await window()).freeEntryPoint).toMatchObject({
      active: true,
      closesAt: Math.floor(sentAt / 1000) * 1000 + 72 * HOUR,
    });
    expect(await row(sent.id)).toMatchObject({ billable: 0, pricing_type: 'free_entry_point' });
  });
});
