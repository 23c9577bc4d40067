// Statuses reported to the CRM never go backwards, even when two status jobs run at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusRank } from '../../src/core/status';
import { createTestPlatform, type TestPlatform } from '../helpers/platform';
import { seedInstallation } from '../helpers/seed';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform();
});
afterAll(async () => t.dispose());

describe('CRM status claim', () => {
  it('lets a higher status through, refuses a lower or equal one, and gives a failed claim back', async () => {
    const { ctx, connections } = await seedInstallation(t.platform);
    const contact = await ctx.contacts.ensure(connections.meta.id, '+393331112222', null, ctx.now());
    const id = await ctx.messages.insert(
      {
        connectionId: connections.meta.id,
        contactId: contact.id,
        direction: 'outbound',
        origin: 'crm',
        crmMessageId: 'ghl-msg-1',
        content: { type: 'text', text: 'hi' },
        status: 'pending',
        occurredAt: ctx.now(),
      },
      ctx.now(),
    );
    const messages = ctx.messages;
    const read = await messages.claimCrmStatus(id!, statusRank('read'));
    expect(read).toBeNull(); // claimed; nothing was reported before
    expect(await messages.claimCrmStatus(id!, statusRank('delivered'))).toBeUndefined(); // late delivered refused
    expect(await messages.claimCrmStatus(id!, statusRank('read'))).toBeUndefined(); // duplicate refused

    // A failed CRM call gives the claim back so the retry can report it.
    await messages.releaseCrmStatus(id!, statusRank('read'), null);
    expect(await messages.claimCrmStatus(id!, statusRank('delivered'))).toBeNull();
    // Release does not undo a higher claim that came in meanwhile.
    expect(await messages.claimCrmStatus(id!, statusRank('read'))).toBe(statusRank('delivered'));
    await messages.releaseCrmStatus(id!, statusRank('delivered'), null);
    expect(await messages.claimCrmStatus(id!, statusRank('delivered'))).toBeUndefined();
  });
});
