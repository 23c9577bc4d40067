// Issue 11 acceptance in Pipedrive: a username-only customer (BSUID, no phone) → one person without phone whose name
// shows the username and BSUID; the second message lands on the same person; a phone shared later is added to it.
import { describe, expect, it } from 'vitest';
import { metaInbound } from '../mocks/meta';
import {
  adminSession,
  connectProvider,
  installPipedrive,
  panelJwt,
  pipedriveSession,
  postMetaWebhook,
  usePipedriveWorld,
} from './pipedrive-world';

const world = usePipedriveWorld();
const BSUID = 'EE.4455667788';
const PHONE = '+37251239999';

describe('Pipedrive and a username-only customer (Meta)', () => {
  it('one person without phone, username and BSUID visible, reused, phone added later', async () => {
    const w = world.get();
    const pd = w.sims.pipedrive;
    await installPipedrive(w);
    await connectProvider(w, await adminSession(w), 'meta');
    const writes = async (text: string, withPhone = false) => {
      const res = await postMetaWebhook(
        w.app,
        w.sims.meta.inboundWebhook(
          [
            metaInbound.text(
              {
                ...(withPhone ? { from: PHONE } : {}),
                userId: BSUID,
                username: 'mari.shop',
                timestampMs: w.t.clock.now(),
              },
              text,
            ),
          ],
          'Mari Tamm',
        ),
      );
      expect(res.status).toBe(200);
      await w.drain();
    };

    await writes('Tere!');
    await writes('Still there?');
    const persons = [...pd.state.persons.values()];
    expect(persons).toHaveLength(1);
    expect(persons[0]).toMatchObject({ name: `Mari Tamm (@mari.shop) · WhatsApp ${BSUID}`, phones: [] });
    const notes = [...pd.state.notes.values()].filter((n) => n.person_id === persons[0]!.id);
    expect(notes).toHaveLength(2);
    expect(notes[0]!.content).toContain(`@mari.shop · ${BSUID}`);

    // The panel opened on that person talks to the customer by BSUID.
    const agent = await pipedriveSession(w, { token: await panelJwt(w), personId: String(persons[0]!.id) });
    const panel = await w.call('GET', `/api/crm/person?personId=${persons[0]!.id}`, { token: agent.token });
    expect(await panel.json()).toMatchObject({ state: 'ready', defaultPhone: BSUID });

    // The link to the person is lost: a name search by BSUID finds them again, no second person.
    await w.t.db.prepare('UPDATE contacts SET crm_contact_id = NULL').run();
    await writes('Hello again');
    expect(pd.state.persons.size).toBe(1);

    await writes('Now with my number', true);
    expect(pd.state.persons.size).toBe(1);
    expect([...pd.state.persons.values()][0]!.phones.map((p) => p.value)).toEqual([PHONE]);
  });
});
