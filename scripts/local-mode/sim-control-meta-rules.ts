// `/_sim/meta/*` plays WhatsApp's 2026 marketing rules by hand in local mode (issue 12 items 1, 3, 4): the customer
// stops or resumes marketing messages (`user_preferences`), Meta re-categorises a template
// (`template_category_update`, impending or completed), Meta reports a frequency cap (131049) for a sent message.
// Each builds Meta's webhook with the simulator's builders (checked against test/spec/meta-webhooks-2026.ts).
import type { VendorSimulators } from '../../test/mocks/index';
import {
  META_CAP_ERROR,
  metaTemplateCategoryWebhook,
  metaUserPreferencesWebhook,
} from '../../test/mocks/meta';

type Json = Record<string, unknown>;
const bad = (message: string) =>
  Response.json({ error: { code: 'invalid_request', message } }, { status: 400 });
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

export function metaRuleRoutes(deps: {
  sims: VendorSimulators;
  /** Signs the payload like Meta and POSTs it to the app, answering with what the app said. */
  post: (payload: unknown) => Promise<Response>;
}): Record<string, (body: Json) => Promise<Response>> {
  const { sims, post } = deps;
  return {
    /** {from | userId, preference: stop | resume} */
    'POST /_sim/meta/user-preferences': async (body) => {
      const preference = body.preference === 'resume' ? 'resume' : body.preference === 'stop' ? 'stop' : null;
      if (!preference) return bad('preference must be stop or resume');
      const from = typeof body.from === 'string' ? body.from : undefined;
      const userId = typeof body.userId === 'string' ? body.userId : undefined;
      if (!from && !userId) return bad('give the customer as from (phone) or userId (BSUID)');
      return post(
        metaUserPreferencesWebhook(sims.meta.config, [{ from, userId, preference, timestampMs: Date.now() }]),
      );
    },
    /** {name, phase: impending | completed, category (the new one), previousCategory?, inHours? (impending)} */
    'POST /_sim/meta/template-category': async (body) => {
      const template = sims.meta.state.templates.find((t) => t.name === body.name);
      if (!template) return bad(`the Meta simulator has no template named ${String(body.name)}`);
      const next = String(body.category ?? 'MARKETING').toUpperCase();
      const previous = String(body.previousCategory ?? template.category).toUpperCase();
      if (!CATEGORIES.includes(next) || !CATEGORIES.includes(previous))
        return bad(`categories: ${CATEGORIES}`);
      const base = {
        templateId: template.id,
        name: template.name,
        language: template.language,
        timeMs: Date.now(),
      };
      if (body.phase === 'completed') template.category = next;
      return post(
        body.phase === 'completed'
          ? metaTemplateCategoryWebhook(sims.meta.config, {
              ...base,
              phase: 'completed',
              previousCategory: previous,
              newCategory: next,
            })
          : metaTemplateCategoryWebhook(sims.meta.config, {
              ...base,
              phase: 'impending',
              currentCategory: previous,
              correctCategory: next,
              effectiveAtMs: Date.now() + Number(body.inHours ?? 24) * 3_600_000,
            }),
      );
    },
    /** {providerMessageId?}: Meta did not deliver the (last) sent message, per-user marketing limit. */
    'POST /_sim/meta/capped': async (body) => {
      const id =
        typeof body.providerMessageId === 'string' ? body.providerMessageId : sims.meta.state.sent.at(-1)?.id;
      if (!id || !sims.meta.state.sent.some((m) => m.id === id)) return bad('unknown Meta message id');
      return post(sims.meta.statusWebhook(id, 'failed', { errors: [META_CAP_ERROR] }));
    },
  };
}
