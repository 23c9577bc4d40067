// #17 item 10 through HighLevel: while the location's only number is a CM.com number waiting for its ownership
// proof, an agent's reply fails back to HighLevel at once with what the admin must do (never a thrown job), and
// nothing is sent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proveCmNumber } from '../helpers/provider-side';
import { CM_SIM_PRODUCT_TOKEN } from '../mocks/index';
import {
  adminToken,
  createWorld,
  installationOf,
  installHighLevel,
  SENDER,
  useHighLevelServer,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => w.t.dispose());

const CUSTOMER = '+3725550101';

describe('HighLevel reply on a pending CM.com number', () => {
  it('fails back with connection_unverified (nothing sent) while the number waits for its proof', async () => {
    expect((await installHighLevel(w)).status).toBe(302);
    const admin = await adminToken(w, (await installationOf(w))!.id);
    const created = await w.call('POST', '/api/connections', {
      token: admin,
      body: {
        label: 'CM',
        senderPhone: SENDER.cm,
        provider: 'cm',
        credentials: { productToken: CM_SIM_PRODUCT_TOKEN, from: SENDER.cm },
      },
    });
    expect(created.status).toBe(201);
    const connection = ((await created.json()) as { connection: { id: string; verified: boolean } })
      .connection;
    expect(connection.verified).toBe(false);

    const delivery = w.sims.highlevel.buildOutboundDelivery({ phone: CUSTOMER, message: 'It left today.' });
    const res = await w.post('/crm/highlevel/outbound', delivery);
    expect(await res.json()).toEqual({ ok: true, status: 'queued' });
    await w.settle();
    expect(w.sims.cm.state.sent).toHaveLength(0);
    expect(
      w.sims.highlevel.state.statusUpdates.filter((u) => u.messageId === delivery.payload.messageId),
    ).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({
          code: 'connection_unverified',
          message: expect.stringContaining('one-time code'),
        }),
      }),
    ]);

    await proveCmNumber(w, admin, connection.id);
    const list = await w.call('GET', '/api/connections', { token: admin });
    expect(((await list.json()) as { connections: { verified: boolean }[] }).connections).toEqual([
      expect.objectContaining({ verified: true }),
    ]);
  });
});
