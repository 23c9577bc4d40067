// Reading HighLevel's trigger subscription call (workflow-trigger.ts): the shapes public Marketplace apps see, with a
// filter's name as `field` or `id`, and a filter we cannot read skipped rather than refusing the subscription.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { parseTriggerSubscription } from './workflow-trigger';

const SECRET = 'action-secret-0123456789';
const API = 'https://services.leadconnectorhq.com';
const TARGET = `${API}/workflows-marketplace/triggers/execute/trg-1`;

function call(triggerData: Record<string, unknown>, extras: Record<string, unknown> = {}) {
  return parseTriggerSubscription({
    rawBody: JSON.stringify({
      triggerData: { id: 'trg-1', key: 'wabridge_window_closing_soon', eventType: 'CREATED', ...triggerData },
      extras: { locationId: 'loc-1', workflowId: 'wf-1', companyId: 'co-1', ...extras },
      meta: { key: 'wabridge_window_closing_soon', version: '1.0' },
    }),
    headers: new Headers({ 'x-wabridge-action-secret': SECRET }),
    actionSecret: SECRET,
    now: Date.UTC(2026, 11, 4),
    apiBaseUrl: API,
  });
}

describe('trigger subscription calls', () => {
  it('reads a subscription: location, key, HighLevel id, workflow, target URL', async () => {
    expect(await call({ targetUrl: TARGET, filters: [] })).toEqual({
      locationId: 'loc-1',
      triggerKey: 'wabridge_window_closing_soon',
      externalId: 'trg-1',
      workflowId: 'wf-1',
      targetUrl: TARGET,
      settings: {},
    });
  });

  it('takes a filter named by `field` or by `id`, numbers as text', async () => {
    expect(
      (await call({ targetUrl: TARGET, filters: [{ id: 'leadMinutes', value: '30' }] })).settings,
    ).toEqual({
      leadMinutes: '30',
    });
    expect(
      (await call({ targetUrl: TARGET, filters: [{ field: 'leadMinutes', operator: 'eq', value: 15 }] }))
        .settings,
    ).toEqual({ leadMinutes: '15' });
  });

  it('skips filters it cannot read instead of refusing the subscription', async () => {
    const parsed = await call({
      targetUrl: TARGET,
      filters: [
        'leadMinutes',
        { value: '5' },
        { field: 'x', value: { nested: true } },
        { id: 'leadMinutes', value: '45' },
      ],
    });
    expect(parsed.settings).toEqual({ leadMinutes: '45' });
  });

  it('DELETED unsubscribes (no target URL needed); a target outside HighLevel is refused', async () => {
    expect((await call({ eventType: 'DELETED' })).targetUrl).toBeNull();
    await expect(call({ targetUrl: 'https://attacker.example/x' })).rejects.toBeInstanceOf(AppError);
  });
});
