// A customer's photo reaches HighLevel as a real attachment: Meta's webhook carries only a media id, so the inbound
// message HighLevel receives links to our signed /media route, and fetching that link through the app returns the
// simulator's bytes. Twilio keeps its own MediaUrl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaInbound, metaMessagesWebhook } from '../mocks/meta';
import { buildTwilioInbound } from '../mocks/twilio';
import {
  adminToken,
  APP_BASE,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  postMetaWebhook,
  postTwilioWebhook,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const CUSTOMER = '+3725550177';

describe('HighLevel shows customer media', () => {
  let w: World;
  let twilio: ConnectedNumber;
  beforeAll(async () => {
    w = await createWorld();
    expect((await installHighLevel(w)).status).toBe(302);
    const admin = await adminToken(w, (await installationOf(w))!.id);
    await connectProvider(w, admin, 'meta');
    twilio = await connectProvider(w, admin, 'twilio');
  });
  afterAll(async () => w.t.dispose());

  const hl = () => w.sims.highlevel.state;
  function lastInbound() {
    const location = hl().config.locationId;
    const contact = hl().contactByPhone(location, CUSTOMER)!;
    const messages = hl().messagesOf(hl().conversationOf(location, contact.id)!.id);
    return messages.filter((m) => m.direction === 'inbound').at(-1)!;
  }

  it('a Meta photo arrives as an attachment whose URL, fetched through the app, returns the photo', async () => {
    const photo = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
    const mediaId = w.sims.meta.state.addMedia(photo, 'image/png');
    const webhook = metaMessagesWebhook(
      w.sims.meta.config,
      [
        metaInbound.image(
          { from: CUSTOMER, timestampMs: w.t.clock.now() },
          { id: mediaId, mime_type: 'image/png', caption: 'Broken lid' },
        ),
      ],
      'Mari Tamm',
    );
    expect((await postMetaWebhook(w.app, webhook)).status).toBe(200);
    expect(w.sims.meta.state.calls.mediaInfo).toBe(0); // nothing is downloaded until someone opens it
    await w.settle();

    const message = lastInbound();
    expect(message.message).toContain('Broken lid');
    expect(message.attachments).toHaveLength(1);
    const link = new URL(message.attachments[0]!);
    expect(link.origin).toBe(APP_BASE);
    expect(link.pathname).toMatch(/^\/media\/[\w-]+\.[\w-]+\.[\w-]+\/image\.png$/);
    expect(message.attachments[0]).not.toContain(w.sims.meta.config.accessToken);

    const res = await w.app.request(link.pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(photo);
    expect(w.sims.meta.state.calls).toMatchObject({ mediaInfo: 1, mediaDownload: 1 });
  });

  it('a Twilio photo keeps Twilio’s own MediaUrl', async () => {
    const mediaUrl = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
    const params = buildTwilioInbound({
      to: twilio.senderPhone,
      from: CUSTOMER,
      profileName: 'Mari Tamm',
      media: { url: mediaUrl, contentType: 'image/jpeg' },
    });
    const res = await postTwilioWebhook(w.app, `${APP_BASE}/webhooks/twilio/${twilio.connectionId}`, params);
    expect(res.status).toBe(200);
    await w.settle();
    expect(lastInbound().attachments).toEqual([mediaUrl]);
  });
});
