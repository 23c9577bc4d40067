import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { describeContent } from './readable';
import type { MessageContent } from './message';

describe('describeContent (DESIGN §3.4: nothing reaches the CRM as raw JSON)', () => {
  it.each<[string, MessageContent, string]>([
    ['text', { type: 'text', text: 'Ciao, a che ora aprite?' }, 'Ciao, a che ora aprite?'],
    [
      'order in two currencies (no total)',
      {
        type: 'order',
        items: [
          { productId: 'a', quantity: 1, itemPrice: 2.5, currency: 'EUR' },
          { productId: 'b', quantity: 2, itemPrice: 3, currency: 'USD' },
        ],
      },
      '🛒 Order of 2 items: 1 × a at 2.5 EUR, 2 × b at 3 USD',
    ],
    [
      'system notice',
      { type: 'system', event: 'user_changed_number', body: 'User A changed from 1 to 2' },
      'ℹ️ User A changed from 1 to 2',
    ],
    [
      'image with caption',
      { type: 'media', mediaType: 'image', caption: 'Il pacco', url: 'https://cdn.example/p.jpg' },
      '📷 Image: Il pacco — https://cdn.example/p.jpg',
    ],
    [
      'document with filename',
      { type: 'media', mediaType: 'document', filename: 'fattura.pdf', mediaId: 'm1' },
      '📄 Document: fattura.pdf',
    ],
    ['bare audio', { type: 'media', mediaType: 'audio', mediaId: 'm2' }, '🎤 Audio'],
    ['sticker', { type: 'media', mediaType: 'sticker', mediaId: 'm3' }, '🏷️ Sticker'],
    [
      'view-once image',
      { type: 'media', mediaType: 'image', mediaId: 'm4', viewOnce: true },
      '📷 View-once Image (opened only once on the phone, not shown here)',
    ],
    [
      'location',
      {
        type: 'location',
        latitude: 45.4642,
        longitude: 9.19,
        name: 'Duomo',
        address: 'Piazza del Duomo, Milano',
      },
      '📍 Location: Duomo, Piazza del Duomo, Milano — https://maps.google.com/?q=45.4642,9.19',
    ],
    [
      'bare location',
      { type: 'location', latitude: 59.437, longitude: 24.7536 },
      '📍 Location: https://maps.google.com/?q=59.437,24.7536',
    ],
    [
      'contact',
      {
        type: 'contacts',
        contacts: [{ name: 'Mari Tamm', phones: ['+37251234567'], emails: ['mari@example.ee'] }],
      },
      '👤 Contact: Mari Tamm (+37251234567, mari@example.ee)',
    ],
    [
      'two contacts',
      {
        type: 'contacts',
        contacts: [
          { name: 'A', phones: [] },
          { name: 'B', phones: ['+1'], organization: 'Acme' },
        ],
      },
      '👥 Contacts: A; B (+1, Acme)',
    ],
    [
      'buttons',
      {
        type: 'interactive_buttons',
        body: 'Confermi?',
        buttons: [
          { id: 'y', title: 'Sì' },
          { id: 'n', title: 'No' },
        ],
      },
      'Confermi? [Buttons: Sì | No]',
    ],
    [
      'list',
      {
        type: 'interactive_list',
        body: 'Scegli',
        buttonText: 'Menu',
        sections: [
          {
            rows: [
              { id: '1', title: 'Pizza' },
              { id: '2', title: 'Pasta' },
            ],
          },
        ],
      },
      'Scegli [List "Menu": Pizza | Pasta]',
    ],
    [
      'CTA URL',
      { type: 'cta_url', body: 'Vedi il catalogo', buttonText: 'Apri', url: 'https://shop.example' },
      'Vedi il catalogo [Apri: https://shop.example]',
    ],
    ['button reply', { type: 'reply', replyKind: 'button', id: 'y', title: 'Sì' }, 'Tapped: Sì'],
    [
      'list reply',
      { type: 'reply', replyKind: 'list', id: '1', title: 'Pizza', description: 'Margherita' },
      'Tapped: Pizza (Margherita)',
    ],
    [
      'flow reply',
      {
        type: 'reply',
        replyKind: 'flow',
        title: 'Prenotazione',
        data: '{"flow_token":"t","party_size":4,"date":"2025-05-01"}',
      },
      '📝 Submitted "Prenotazione": party size: 4; date: 2025-05-01',
    ],
    [
      'template rendered',
      {
        type: 'template',
        templateId: 't1',
        templateName: 'follow_up',
        language: 'it',
        values: { 'body.1': 'Marco' },
        renderedText: 'Ciao Marco, vorrei seguire la nostra conversazione precedente.',
      },
      'Template "follow_up" (it): Ciao Marco, vorrei seguire la nostra conversazione precedente.',
    ],
    [
      'template values only',
      {
        type: 'template',
        templateId: 't1',
        templateName: 'order',
        language: 'en_US',
        values: { 'body.1': 'Ann', 'body.2': 'A-1' },
      },
      'Template "order" (en_US): body.1 = Ann, body.2 = A-1',
    ],
    [
      'reaction',
      { type: 'reaction', emoji: '👍', targetProviderMessageId: 'wamid.X' },
      'Reacted 👍 to a message',
    ],
    [
      'reaction removed',
      { type: 'reaction', emoji: '', targetProviderMessageId: 'wamid.X' },
      'Removed a reaction',
    ],
    [
      'unsupported',
      {
        type: 'unsupported',
        vendorType: 'unsupported',
        description: 'Message type is currently not supported (album)',
      },
      'Unsupported message (unsupported): Message type is currently not supported (album)',
    ],
  ])('%s', (_label, content, expected) => {
    expect(describeContent(content)).toBe(expected);
  });

  it('a reaction names the message it reacts to when the caller knows it', () => {
    expect(
      describeContent(
        { type: 'reaction', emoji: '❤️', targetProviderMessageId: 'w' },
        { reactedToText: 'Il tuo ordine è partito' },
      ),
    ).toBe('Reacted ❤️ to "Il tuo ordine è partito"');
  });

  it('flow data that is not JSON is shown as given', () => {
    expect(describeContent({ type: 'reply', replyKind: 'flow', title: 'Form', data: 'ok' })).toBe(
      '📝 Submitted "Form": ok',
    );
  });

  it('property: no description of a non-text message looks like JSON', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z +]{0,12}$/);
    const key = fc.stringMatching(/^[a-z_]{1,8}$/);
    const leaf = fc.oneof(fc.integer(), word, fc.boolean(), fc.constant(null));
    const flowData = fc
      .dictionary(
        key,
        fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 3 })),
      )
      .map((d) => JSON.stringify(d));
    const contentArb: fc.Arbitrary<MessageContent> = fc.oneof(
      fc.record({
        type: fc.constant('reply' as const),
        replyKind: fc.constant('flow' as const),
        title: word,
        data: flowData,
      }),
      fc.record({
        type: fc.constant('contacts' as const),
        contacts: fc.array(fc.record({ name: word, phones: fc.array(word) })),
      }),
      fc.record({
        type: fc.constant('location' as const),
        latitude: fc.double({ noNaN: true }),
        longitude: fc.double({ noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(contentArb, (content) => {
        const text = describeContent(content);
        expect(text.length).toBeGreaterThan(0);
        expect(text).not.toMatch(/^\s*[[{]/);
        expect(text).not.toMatch(/\{"/);
      }),
    );
  });
});
