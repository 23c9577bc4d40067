// /ui: the sidebar and admin pages (server-rendered Hono JSX). Their scripts and stylesheet are static assets
// (public/ui/assets, wrangler.toml [assets]), never served by the Worker. The pages carry no tenant data: the
// script gets a session from the CRM context and reads everything through /api.
import { Hono } from 'hono';
import type { Context, Next } from 'hono';
import type { AppEnv } from '../app';
import { AdminPage } from '../ui/admin-page';
import { SidebarPage } from '../ui/sidebar-page';

// No inline script anywhere, so scripts are 'self' only. Framing stays allowed: both CRMs embed these pages,
// HighLevel under white-label domains we cannot list.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

async function pageHeaders(c: Context<AppEnv>, next: Next) {
  await next();
  c.header('Content-Security-Policy', CSP);
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
}

const page = async (c: Context<AppEnv>, body: { toString(): string | Promise<string> }) =>
  c.html(`<!doctype html>${await body.toString()}`);

export const uiRoutes = new Hono<AppEnv>()
  .get('/sidebar', pageHeaders, (c) => page(c, SidebarPage({ devMode: c.get('ctx').config.DEV_MODE })))
  .get('/admin', pageHeaders, (c) => page(c, AdminPage({ devMode: c.get('ctx').config.DEV_MODE })));
