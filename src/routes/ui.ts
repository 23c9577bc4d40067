// /ui: the sidebar and admin pages (Hono JSX prerendered per language, ui/prerendered.ts). Their scripts and
// stylesheet are static assets (public/ui/assets, wrangler.toml [assets]), never served by the Worker. The pages
// carry no tenant data: the script gets a session from the CRM context and reads everything through /api.
import { Hono } from '../http/hono';
import type { Context, Next } from 'hono';
import { CRM_MODULES } from '../../adapters/crm/registry';
import type { AppEnv } from '../env';
import { acceptedTags, chooseLanguage, LANGUAGES, type Language } from '../ui/i18n/index';
import { catalogueJson, prerenderedPage, type PageName } from '../ui/prerendered';
import { AppError } from '../core/errors';

// No inline script anywhere, so scripts are 'self' only.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Who may frame the pages: the CRMs that embed them (each module's `frameAncestors`). A white-label agency's own
 * domain, which no fixed list can know, is added by the operator in UI_FRAME_ANCESTORS (an unlisted one sees a blank
 * frame rather than a page anyone could frame). Local mode (DEV_MODE) plays the CRMs from other origins, so it allows
 * any parent.
 */
const crmFrameAncestors = () => Object.values(CRM_MODULES).flatMap((crm) => crm.frameAncestors ?? []);

function frameAncestors(c: Context<AppEnv>): string | undefined {
  const { DEV_MODE, UI_FRAME_ANCESTORS } = c.get('ctx').config;
  // No directive at all: `*` matches only network schemes, so a test page's about:blank parent would be refused.
  if (DEV_MODE) return undefined;
  const extra = UI_FRAME_ANCESTORS ? UI_FRAME_ANCESTORS.split(' ') : [];
  return `frame-ancestors 'self' ${[...crmFrameAncestors(), ...extra].join(' ')}`;
}

async function pageHeaders(c: Context<AppEnv>, next: Next) {
  await next();
  const ancestors = frameAncestors(c);
  c.header('Content-Security-Policy', ancestors ? `${CSP}; ${ancestors}` : CSP);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
}

/** The page language: an explicit `?lang=` (a CRM link can carry the user's locale), else the browser's. */
const pageLanguage = (c: Context<AppEnv>) =>
  chooseLanguage(c.req.query('lang'), acceptedTags(c.req.header('accept-language')));

/** The page in its language (prerendered, ui/prerendered.ts): English when that language cannot be read. */
const page = async (c: Context<AppEnv>, name: PageName) => {
  const { config, platform } = c.get('ctx');
  return c.html(await prerenderedPage(platform.assets, name, pageLanguage(c), config.DEV_MODE));
};

export const uiRoutes = new Hono<AppEnv>()
  .get('/sidebar', pageHeaders, (c) => page(c, 'sidebar'))
  .get('/admin', pageHeaders, (c) => page(c, 'admin'))
  // One language's catalogue, for a page switching to the CRM user's language after the session (client/i18n.ts).
  // Deployed, Workers Static Assets answers these paths from public/ui/i18n before the Worker; this route serves
  // them where no assets layer sits in front (the Node test harness, a missing file).
  .get('/i18n/:file', async (c) => {
    const lang = c.req.param('file').replace(/\.json$/, '');
    if (!(LANGUAGES as readonly string[]).includes(lang)) throw new AppError('not_found', 'No such language');
    const body = await catalogueJson(c.get('ctx').platform.assets, lang as Language);
    if (body === null) throw new AppError('not_found', 'No such language');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('Content-Type', 'application/json');
    return c.body(body);
  });
