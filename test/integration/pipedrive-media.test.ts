// A customer's document reaches Pipedrive as a link in the note: Meta's webhook carries only a media id, so the note
// links our signed /media route, and following that link through the app returns the simulator's bytes.
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../adapters/crm/pipedrive/render-pipedrive-note';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import {
  adminSession,
  APP_BASE,
  connectProvider,
  installPipedrive,
  postMetaWebhook,
  usePipedriveWorld,
} from './pipedrive-world';

const world = usePipedriveWorld();
const CUSTOMER = '+37251234599';

describe('Pipedrive notes link customer media', () => {
  it('a Meta document lands in a note whose link, fetched through the app, returns the document', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    expect((await installPipedrive(w)).status).toBe(302);
    await connectProvider(w, await adminSession(w), 'meta');
    const person = pd.seedPerson({ name: 'Mari Tamm', phones: [{ value: CUSTOMER, primary: true }] });

    const invoice = new TextEncoder().encode('%PDF-1.7\n% invoice 2026-0042\n%%EOF\n');
    const mediaId = w.sims.meta.state.addMedia(invoice, 'application/pdf');
    const webhook = metaMessagesWebhook(
      w.sims.meta.config,
      [
        metaInbound.document(
          { from: CUSTOMER, timestampMs: w.t.clock.now() },
          { id: mediaId, filename: 'invoice 0042.pdf', caption: 'Here is the invoice' },
        ),
      ],
      'Mari Tamm',
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    await w.drain();

    const note = pd.state.notesFor({ personId: person.id }).find((n) => n.content.includes('invoice'));
    expect(note, 'inbound note').toBeDefined();
    const href = /<a href="([^"]+)">([^<]+)<\/a>/.exec(note!.content);
    expect(href, note!.content).not.toBeNull();
    const link = new URL(href![1]!.replace(/&amp;/g, '&'));
    expect(link.origin).toBe(APP_BASE);
    expect(link.pathname).toMatch(/^\/media\/[\w-]+\.[\w-]+\.[\w-]+\/invoice_0042\.pdf$/);
    expect(href![2]).toBe(escapeHtml('invoice_0042.pdf'));
    expect(note!.content).not.toContain(w.sims.meta.config.accessToken);

    const res = await w.app.request(link.pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''invoice%200042.pdf`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(invoice);
  });
});
