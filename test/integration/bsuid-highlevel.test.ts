// Issue 11 acceptance in HighLevel: a username-only customer (BSUID, no phone) writes in on Meta and on Twilio →
// one HighLevel contact without phone, username and BSUID visible as tags, found again by its tag; their second
// message lands on the same contact; when their phone appears later it is added to that contact, never a new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsuidTag } from '../../adapters/crm/highlevel/highlevel-adapter';
import type { ProviderName } from '../../src/core/template';
import { metaInbound } from '../mocks/meta';
import { buildTwilioInbound } from '../mocks/twilio';
import {
  adminToken,
  connectProvider,
  createWorld,
  installationOf,
  installHighLevel,
  postMetaWebhook,
  postTwilioWebhook,
  APP_BASE,
  useHighLevelServer,
  type ConnectedNumber,
  type World,
} from './highlevel-world';

useHighLevelServer();

const twilioWebhookUrl = (number: ConnectedNumber) => `${APP_BASE}/webhooks/twilio/${number.connectionId}`;

describe.each<ProviderName>(['meta', 'twilio'])(
  'HighLevel and a username-only customer on %s',
  (provider) => {
    const BSUID = provider === 'meta' ? 'US.13491208655302741918' : 'US.99887766554433';
    const PHONE = provider === 'meta' ? '+3725550199' : '+3725550188';
    let w: World;
    let number: ConnectedNumber;
    beforeAll(async () => {
      w = await createWorld();
      await installHighLevel(w);
      const installation = await installationOf(w);
      number = await connectProvider(w, await adminToken(w, installation!.id), provider);
    });
    afterAll(async () => w.t.dispose());

    const hl = () => w.sims.highlevel.state;

    async function writes(text: string, withPhone = false) {
      const at = w.t.clock.now();
      if (provider === 'meta') {
        return postMetaWebhook(
          w.app,
          w.sims.meta.inboundWebhook(
            [
              metaInbound.text(
                {
                  ...(withPhone ? { from: PHONE } : {}),
                  userId: BSUID,
                  username: 'mari.shop',
                  timestampMs: at,
                },
                text,
              ),
            ],
            'Mari Tamm',
          ),
        );
      }
      const params = buildTwilioInbound({
        to: number.senderPhone,
        from: withPhone ? PHONE : BSUID,
        externalUserId: BSUID,
        profileName: 'Mari Tamm',
        body: text,
      });
      return postTwilioWebhook(w.app, twilioWebhookUrl(number), params);
    }

    it('creates one contact without phone, BSUID and username visible, and reuses it for the next message', async () => {
      expect((await writes('Tere!')).status).toBe(200);
      await w.settle();
      expect((await writes('Still there?')).status).toBe(200);
      await w.settle();
      const contacts = [...hl().contacts.values()];
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({ phone: '', name: 'Mari Tamm' });
      // Twilio forwards no username (ExternalUserId only): the BSUID tag alone there.
      expect(contacts[0]!.tags).toEqual(
        provider === 'meta' ? [bsuidTag(BSUID), 'whatsapp username: @mari.shop'] : [bsuidTag(BSUID)],
      );
      const messages = [...hl().messages.values()].filter((m) => m.contactId === contacts[0]!.id);
      expect(messages.map((m) => m.message)).toEqual(['Tere!', 'Still there?']);
      // Readable in our API as well.
      const res = await w.call('GET', `/api/contacts/${BSUID}/messages?connectionId=${number.connectionId}`, {
        token: await adminToken(w, (await installationOf(w))!.id),
      });
      expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(2);
    });

    it('an agent replies from HighLevel to the phone-less contact: the provider receives the BSUID', async () => {
      const contact = [...hl().contacts.values()][0]!;
      const delivery = w.sims.highlevel.buildOutboundDelivery({
        phone: '',
        contactId: contact.id,
        message: 'Hello from HighLevel',
      });
      const res = await w.post('/crm/highlevel/outbound', delivery);
      expect(res.status).toBe(200);
      await w.settle();
      if (provider === 'meta') {
        const sent = w.sims.meta.state.sent.at(-1)!;
        expect(sent.body).toMatchObject({ recipient: BSUID, text: { body: 'Hello from HighLevel' } });
      } else {
        expect(w.sims.twilio.state.messages.at(-1)).toMatchObject({ to: `whatsapp:${BSUID}` });
      }
    });

    it('a lost CRM link finds the contact again by its BSUID tag instead of creating a second one', async () => {
      await w.t.db.prepare('UPDATE contacts SET crm_contact_id = NULL, crm_conversation_id = NULL').run();
      expect((await writes('Hello again')).status).toBe(200);
      await w.settle();
      expect(hl().contacts.size).toBe(1);
    });

    it('when the phone appears later it is added to the same contact', async () => {
      expect((await writes('Now with my number', true)).status).toBe(200);
      await w.settle();
      const contacts = [...hl().contacts.values()];
      expect(contacts).toHaveLength(1);
      expect(contacts[0]!.phone).toBe(PHONE);
      const rows = await w.t.db.prepare('SELECT phone, user_id FROM contacts').all();
      expect(rows.results).toEqual([{ phone: PHONE, user_id: BSUID }]);
    });
  },
);
