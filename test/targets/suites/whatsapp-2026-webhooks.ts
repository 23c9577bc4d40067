// Issue 12 items 1 and 4 over a target (node in-process, or the Worker in workerd through local mode): a signed
// `user_preferences` stop / resume shows on the customer's window (the sidebar's API) and in the admin's opt-out
// list with its source; a signed `template_category_update`, impending and completed, is listed for admins with
// its dates and moves the template's category; forged ones change nothing. In workerd the queue consumer also
// writes the WhatsApp DND to the HighLevel simulator.
import { describe, expect, it } from 'vitest';
import { metaTemplateCategoryWebhook, metaUserPreferencesWebhook } from '../../mocks/meta';
import { eventually } from '../../helpers/eventually';
import { adminSession, postMetaWebhookTo, type TargetRef } from '../use-target';

/** Polls until `check` returns a value (workerd's queue consumer runs on its own). */
export function whatsapp2026WebhooksSuite(ref: TargetRef): void {
  describe(`user_preferences and template_category_update (${ref.kind})`, () => {
    const post = (payload: unknown, sign = true) =>
      postMetaWebhookTo(ref.current, payload, sign ? undefined : false);

    async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
      const target = ref.current;
      const res = await target.request(path, {
        ...init,
        headers: {
          authorization: `Bearer ${await adminSession(target)}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string> | undefined),
        },
      });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    }

    it('user_preferences stop / resume: window API, admin opt-out list, HighLevel DND (workerd)', async () => {
      const target = ref.current;
      const meta = target.seed.highlevel.connections.meta.id;
      const phone = '+447911000777';
      const ctx = target.sims.meta.config;
      const window = () =>
        api<{ marketingOptOut: { stopped: boolean; source: string } | null }>(
          `/api/contacts/${encodeURIComponent(phone)}/window?connectionId=${meta}`,
        );
      const at = target.now();
      const forged = await post(
        metaUserPreferencesWebhook(ctx, [{ from: phone, preference: 'stop', timestampMs: at }]),
        false,
      );
      expect(forged.status).toBe(401);
      expect((await window()).marketingOptOut).toBeNull();

      const stop = await post(
        metaUserPreferencesWebhook(ctx, [{ from: phone, preference: 'stop', timestampMs: at }]),
      );
      expect(stop.status).toBe(200);
      expect(await stop.json()).toMatchObject({ ok: true, stored: 1 });
      expect((await window()).marketingOptOut).toMatchObject({ stopped: true, source: 'whatsapp' });
      const list = await api<{ optOuts: { address: string; source: string }[] }>('/api/opt-outs');
      expect(list.optOuts).toContainEqual(expect.objectContaining({ address: phone, source: 'whatsapp' }));
      const dnd = () =>
        [...target.sims.highlevel.state.contacts.values()].find((c) => c.phone === phone)?.dndSettings
          ?.WhatsApp?.status;
      if (target.kind === 'workerd') await eventually(async () => (dnd() === 'active' ? true : undefined));

      const resume = await post(
        metaUserPreferencesWebhook(ctx, [{ from: phone, preference: 'resume', timestampMs: at + 2_000 }]),
      );
      expect(await resume.json()).toMatchObject({ stored: 1 });
      expect((await window()).marketingOptOut).toMatchObject({ stopped: false });
      if (target.kind === 'workerd') await eventually(async () => (dnd() === 'inactive' ? true : undefined));
    });

    it('template_category_update impending and completed: listed with dates, the template becomes MARKETING', async () => {
      const target = ref.current;
      const meta = target.seed.highlevel.connections.meta.id;
      const wire = target.sims.meta.state.addTemplate({
        name: 'category_probe',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your visit is confirmed.' }],
      });
      await api('/api/templates/sync', { method: 'POST', body: JSON.stringify({ connectionId: meta }) });
      const ctx = target.sims.meta.config;
      const at = target.now();
      const base = { templateId: wire.id, name: wire.name, language: wire.language };
      const impending = metaTemplateCategoryWebhook(ctx, {
        ...base,
        phase: 'impending',
        timeMs: at,
        currentCategory: 'UTILITY',
        correctCategory: 'MARKETING',
        effectiveAtMs: at + 86_400_000,
      });
      expect((await post(impending, false)).status).toBe(401);
      expect(await (await post(impending)).json()).toMatchObject({ ok: true, statuses: 1 });
      const completed = metaTemplateCategoryWebhook(ctx, {
        ...base,
        phase: 'completed',
        timeMs: at + 1_000,
        previousCategory: 'UTILITY',
        newCategory: 'MARKETING',
      });
      expect(await (await post(completed)).json()).toMatchObject({ ok: true, statuses: 1 });

      const updates = await api<{
        updates: { phase: string; effectiveAt: number | null; announcedAt: number }[];
      }>(`/api/templates/category-updates?connectionId=${meta}`);
      const mine = updates.updates.filter((u) => (u as { name?: string }).name === 'category_probe');
      expect(mine.map((u) => u.phase)).toEqual(['completed', 'impending']);
      expect(mine[1]!.effectiveAt).toBe(Math.floor((at + 86_400_000) / 1000) * 1000);
      const listed = await api<{ templates: { name: string; category: string; categoryUpdate: unknown }[] }>(
        `/api/templates?connectionId=${meta}`,
      );
      expect(listed.templates.find((t) => t.name === 'category_probe')).toMatchObject({
        category: 'MARKETING',
        categoryUpdate: { phase: 'completed', nextCategory: 'MARKETING' },
      });
    });
  });
}
