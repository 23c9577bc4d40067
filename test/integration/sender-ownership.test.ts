// A sender number is proven to belong to the credentials before it is claimed (#17 item 10): valid Twilio
// credentials of one account cannot claim another business's number first (which would lock its owner out with
// 409). Twilio is asked through IncomingPhoneNumbers, then the Senders API for bring-your-own WhatsApp senders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from '../mocks/twilio';
import {
  adminToken,
  countRows,
  createWorld,
  installationOf,
  installHighLevel,
  useHighLevelServer,
  type World,
} from './highlevel-world';

useHighLevelServer();

let w: World;
let admin: string;
beforeEach(async () => {
  w = await createWorld();
  expect((await installHighLevel(w)).status).toBe(302);
  admin = await adminToken(w, (await installationOf(w))!.id);
});
afterEach(async () => w.t.dispose());

const connect = (from: string) =>
  w.call('POST', '/api/connections', {
    token: admin,
    body: {
      label: 'Twilio',
      senderPhone: from,
      provider: 'twilio',
      credentials: { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, from },
    },
  });

describe('Twilio sender ownership', () => {
  it('refuses a number of another Twilio account with 400, storing nothing', async () => {
    const theirs = '+14155550177';
    w.sims.twilio.state.foreignNumbers.add(theirs);
    const res = await connect(theirs);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as {
      error: { code: string; message: string; details: { path: string; message: string }[] };
    };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('The provider rejected these credentials');
    // The provider's reason is said once, on the credentials field (admin page: field-level errors, issue 14).
    expect(error.details).toHaveLength(1);
    expect(error.details[0]!.message).toContain(
      `${theirs} is neither a phone number nor a WhatsApp sender of Twilio account`,
    );
    expect(await countRows(w, 'connections')).toBe(0);
  });

  it('accepts a phone number of the account, and a bring-your-own WhatsApp sender registered to it', async () => {
    expect((await connect('+14155550178')).status).toBe(201);
    const byon = '+442071838750';
    w.sims.twilio.state.whatsAppOnlySenders.add(byon);
    expect((await connect(byon)).status).toBe(201);
    expect(await countRows(w, 'connections')).toBe(2);
  });

  it('a Twilio outage while checking is a 502 (nothing claimed), not a refusal', async () => {
    w.sims.twilio.faults.add({ match: (r) => r.url.includes('/IncomingPhoneNumbers.json'), status: 503 });
    const res = await connect('+14155550179');
    expect(res.status).toBe(502);
    expect(await countRows(w, 'connections')).toBe(0);
  });
});
