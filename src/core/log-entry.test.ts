import { describe, expect, it } from 'vitest';
import { outboundTemplateOf } from './message';
import { logEntryOf } from './window';
import type { Template } from './template';

describe('logEntryOf (the one message row → window log mapping)', () => {
  it('maps templates with their category and everything else as free form', () => {
    expect(
      logEntryOf({ direction: 'outbound', type: 'template', category: 'MARKETING', occurred_at: 5 }),
    ).toEqual({
      direction: 'outbound',
      at: 5,
      kind: 'template',
      category: 'MARKETING',
    });
    expect(logEntryOf({ direction: 'inbound', type: 'image', category: null, occurred_at: 7 })).toEqual({
      direction: 'inbound',
      at: 7,
      kind: 'free_form',
      category: undefined,
    });
  });
});

describe('outboundTemplateOf (the one template → send identity mapping)', () => {
  it('carries the provider identity, variables, header format and button types', () => {
    const template = {
      providerTemplateId: 'HX1',
      name: 'order_update',
      language: 'en',
      namespace: 'ns',
      parameterFormat: 'POSITIONAL',
      variables: [{ id: 'body.1', location: 'body', key: '1' }],
      components: { header: { format: 'IMAGE' }, buttons: [{ type: 'URL' }, { type: 'QUICK_REPLY' }] },
    } as unknown as Template;
    expect(outboundTemplateOf(template)).toEqual({
      providerTemplateId: 'HX1',
      name: 'order_update',
      language: 'en',
      namespace: 'ns',
      parameterFormat: 'POSITIONAL',
      variables: [{ id: 'body.1', location: 'body', key: '1' }],
      headerFormat: 'IMAGE',
      buttonTypes: ['URL', 'QUICK_REPLY'],
    });
  });
});
