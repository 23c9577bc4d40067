// The send job slows the whole sender down for a throughput limit, but not for one customer's pair limit.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSendJob } from '../../src/services/relay/send-job';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { seedInstallation, type Seeded } from '../helpers/seed';

const server = setupServer();
let t: TestPlatform;
let seeded: Seeded;

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  t = await createTestPlatform();
  seeded = await seedInstallation(t.platform);
});
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await t.dispose();
});

async function queuedText(phone: string): Promise<string> {
  const { ctx, connections } = seeded;
  const contact = await ctx.contacts.ensure(connections.meta.id, phone, null, ctx.now());
  // The customer wrote a minute ago: a free-form reply may be retried while the window is open.
  await t.db
    .prepare('UPDATE contacts SET last_inbound_at = ? WHERE id = ?')
    .bind(ctx.now() - 60_000, contact.id)
    .run();
  const id = await ctx.messages.insert(
    {
      connectionId: connections.meta.id,
      contactId: contact.id,
      direction: 'outbound',
      origin: 'app',
      content: { type: 'text', text: 'hello' },
      status: 'pending',
      sendState: 'queued',
      occurredAt: ctx.now(),
    },
    ctx.now(),
  );
  return id!;
}

function metaAnswers(code: number) {
  server.use(
    http.post('https://graph.facebook.com/:version/:phoneNumberId/messages', () =>
      HttpResponse.json(
        { error: { message: `(#${code}) limit`, type: 'OAuthException', code, fbtrace_id: 'A1' } },
        { status: 400 },
      ),
    ),
  );
}

describe('send job pacing on rate limits', () => {
  it('a pair rate limit (131056) retries that message without pausing the sender', async () => {
    metaAnswers(131056);
    const id = await queuedText('+393331110001');
    const outcome = await runSendJob(seeded.ctx, id, 0);
    expect(outcome).toMatchObject({ kind: 'retry', countsAsAttempt: true });
    expect((await seeded.ctx.messages.get(id))?.sendState).toBe('queued');
    // The next send to another customer is not held back.
    expect(await t.limiter.reserve(seeded.connections.meta.id, 80)).toBe(0);
  });

  it('a throughput limit (130429) pauses the whole sender', async () => {
    metaAnswers(130429);
    const id = await queuedText('+393331110002');
    const outcome = await runSendJob(seeded.ctx, id, 0);
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(await t.limiter.reserve(seeded.connections.meta.id, 80)).toBeGreaterThan(0);
  });
});
