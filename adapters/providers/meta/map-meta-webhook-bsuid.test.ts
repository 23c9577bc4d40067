// Issue 11: business-scoped user IDs and usernames in Meta webhooks (fields from Meta's "Business-scoped user IDs"
// page and the 2026-08-11 changelog; see meta-api.ts), and item-by-item batches.
import { describe, expect, it } from 'vitest';
import {
  metaInbound,
  metaMessagesWebhook,
  metaStatus,
  metaStatusesWebhook,
} from '../../../test/mocks/meta/meta-webhooks';
import { parseMetaWebhook } from './map-meta-webhook';

const parse = (payload: unknown) => parseMetaWebhook(JSON.stringify(payload));
const BSUID = 'US.13491208655302741918';
const PARENT = 'US.ENT.11815799212886844830';
const usernameOnly = {
  userId: BSUID,
  parentUserId: PARENT,
  username: 'sheena.shop',
  timestampMs: 1_750_000_000_000,
};

describe('parseMetaWebhook: business-scoped user IDs', () => {
  it('reads a username-only customer: no `from`, no `wa_id`, BSUID, parent BSUID and username', () => {
    const payload = metaMessagesWebhook({}, [metaInbound.text(usernameOnly, 'hi')]);
    const value = (payload.entry as { changes: { value: Record<string, unknown> }[] }[])[0]!.changes[0]!
      .value;
    expect(value.contacts).toEqual([
      { profile: { name: 'Sheena Nelson', username: 'sheena.shop' }, user_id: BSUID, parent_user_id: PARENT },
    ]);
    expect(parse(payload)).toEqual([
      expect.objectContaining({
        kind: 'inbound_message',
        userId: BSUID,
        parentUserId: PARENT,
        username: 'sheena.shop',
        profileName: 'Sheena Nelson',
        content: { type: 'text', text: 'hi' },
      }),
    ]);
    expect(parse(payload)[0]).not.toHaveProperty('from');
  });

  it('keeps phone and BSUID together when both are sent', () => {
    const [event] = parse(
      metaMessagesWebhook({}, [metaInbound.text({ from: '+16505551234', userId: BSUID }, 'hi')]),
    );
    expect(event).toMatchObject({ kind: 'inbound_message', from: '+16505551234', userId: BSUID });
  });

  it('never reads a BSUID in `from` / `wa_id` as a phone', () => {
    const [event] = parse(
      metaMessagesWebhook({}, [
        { from: BSUID, id: 'wamid.X', timestamp: '1750000000', type: 'text', text: { body: 'x' } },
      ]),
    );
    expect(event).toMatchObject({ kind: 'inbound_message', userId: BSUID });
    expect(event).not.toHaveProperty('from');
  });

  it('maps statuses keyed by recipient_user_id, and a failed status without recipient_id or contacts', () => {
    const events = parse(
      metaStatusesWebhook({}, [
        metaStatus({ id: 'wamid.A', status: 'read', recipientUserId: BSUID, recipientParentUserId: PARENT }),
        metaStatus({
          id: 'wamid.B',
          status: 'failed',
          recipientUserId: BSUID,
          errors: [{ code: 131062, title: 'Business-scoped User ID recipients are not supported' }],
        }),
      ]),
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'status',
        providerMessageId: 'wamid.A',
        status: 'read',
        recipientUserId: BSUID,
        recipientParentUserId: PARENT,
      }),
      expect.objectContaining({
        kind: 'status',
        providerMessageId: 'wamid.B',
        status: 'failed',
        recipientUserId: BSUID,
      }),
    ]);
    expect(events[0]).not.toHaveProperty('recipient');
  });

  it('maps user_changed_number and user_changed_user_id to a re-key of the customer', () => {
    const [number] = parse(
      metaMessagesWebhook({}, [
        metaInbound.changedNumber(
          { from: '+16505551234', userId: BSUID },
          { phone: '+12195555358', userId: 'US.777' },
        ),
      ]),
    );
    expect(number).toMatchObject({
      kind: 'customer_changed',
      change: 'number',
      previous: { from: '+16505551234', userId: BSUID },
      next: { from: '+12195555358', userId: 'US.777' },
    });
    const [userId] = parse(
      metaMessagesWebhook({}, [metaInbound.changedUserId({ userId: BSUID, parentUserId: PARENT }, 'US.888')]),
    );
    expect(userId).toMatchObject({
      kind: 'customer_changed',
      change: 'user_id',
      previous: { userId: BSUID, parentUserId: PARENT },
      next: { userId: 'US.888' },
    });
  });

  it('a mixed batch: username-only, ordinary and unreadable items each become their own event', () => {
    const events = parse(
      metaMessagesWebhook({}, [
        metaInbound.text(usernameOnly, 'from a username'),
        metaInbound.text({ from: '+447700900123' }, 'ordinary'),
        { from: '447700900124', timestamp: 'soon', type: 'text', text: { body: 'broken' } },
      ]),
    );
    expect(events.map((e) => e.kind)).toEqual(['inbound_message', 'inbound_message', 'unreadable']);
    const bad = events[2]!;
    if (bad.kind !== 'unreadable') throw new Error('expected unreadable');
    expect(bad.raw).toContain('broken');
    expect(events[1]).toMatchObject({ from: '+447700900123' });
  });

  it('a message naming no customer at all is unreadable, not a crash', () => {
    const events = parse(
      metaMessagesWebhook({}, [
        { id: 'wamid.N', timestamp: '1750000000', type: 'text', text: { body: 'who?' } },
      ]),
    );
    expect(events).toEqual([expect.objectContaining({ kind: 'unreadable', providerMessageId: 'wamid.N' })]);
  });
});
