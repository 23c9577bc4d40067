// The simulator's 2026 webhooks (issue 12) conform to the schemas written from Meta's reference pages, and the
// adapter reads them.
import { describe, expect, it } from 'vitest';
import { parseMetaWebhook } from '../../../adapters/providers/meta/map-meta-webhook';
import { metaWebhook2026Errors } from '../../spec/meta-webhooks-2026';
import { metaTemplateCategoryWebhook, metaUserPreferencesWebhook } from './meta-webhooks-2026';

const T = Date.UTC(2026, 11, 4, 12, 0, 0);

describe('user_preferences', () => {
  it('builds stop and resume as Meta documents them, and the adapter reads phone and BSUID customers', () => {
    const payload = metaUserPreferencesWebhook({}, [
      { from: '+16505551234', preference: 'stop', timestampMs: T },
      { userId: 'US.13491208655302741918', preference: 'resume', timestampMs: T + 1000 },
    ]);
    expect(metaWebhook2026Errors('user_preferences', payload)).toEqual([]);
    expect(parseMetaWebhook(JSON.stringify(payload))).toEqual([
      {
        kind: 'marketing_preference',
        routingKey: '106540352242922',
        preference: 'stop',
        detail: 'User requested to stop marketing messages',
        from: '+16505551234',
        timestamp: T,
      },
      {
        kind: 'marketing_preference',
        routingKey: '106540352242922',
        preference: 'resume',
        detail: 'User requested to resume marketing messages',
        userId: 'US.13491208655302741918',
        timestamp: T + 1000,
      },
    ]);
  });

  it('the schema refuses what Meta does not send; the adapter keeps an unknown preference as unreadable', () => {
    const payload = metaUserPreferencesWebhook({}, [
      { from: '+16505551234', preference: 'stop', timestampMs: T },
    ]);
    const item = (
      payload.entry as { changes: { value: { user_preferences: Record<string, unknown>[] } }[] }[]
    )[0]!.changes[0]!.value.user_preferences[0]!;
    item.value = 'pause';
    expect(metaWebhook2026Errors('user_preferences', payload)).not.toEqual([]);
    expect(parseMetaWebhook(JSON.stringify(payload))).toMatchObject([{ kind: 'unreadable' }]);
  });
});

describe('template_category_update', () => {
  it('builds both shapes as Meta documents them; impending new_category is the current category', () => {
    const impending = metaTemplateCategoryWebhook(
      {},
      {
        phase: 'impending',
        templateId: 278077987957091,
        name: 'welcome_template',
        language: 'en_US',
        timeMs: T,
        currentCategory: 'UTILITY',
        correctCategory: 'MARKETING',
        effectiveAtMs: T + 86_400_000,
      },
    );
    const completed = metaTemplateCategoryWebhook(
      {},
      {
        phase: 'completed',
        templateId: 278077987957091,
        name: 'welcome_template',
        language: 'en_US',
        timeMs: T,
        previousCategory: 'UTILITY',
        newCategory: 'MARKETING',
      },
    );
    expect(metaWebhook2026Errors('template_category_update', impending)).toEqual([]);
    expect(metaWebhook2026Errors('template_category_update', completed)).toEqual([]);
    expect(parseMetaWebhook(JSON.stringify(impending))).toEqual([
      {
        kind: 'template_category',
        routingKey: '102290129340398',
        providerTemplateId: '278077987957091',
        name: 'welcome_template',
        language: 'en_US',
        phase: 'impending',
        previousCategory: 'UTILITY',
        nextCategory: 'MARKETING',
        effectiveAt: T + 86_400_000,
        timestamp: T,
      },
    ]);
    expect(parseMetaWebhook(JSON.stringify(completed))).toMatchObject([
      { phase: 'completed', previousCategory: 'UTILITY', nextCategory: 'MARKETING', timestamp: T },
    ]);
  });
});
