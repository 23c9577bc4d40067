// OAuth states of unauthenticated /oauth/*/start calls: capped when written, purged when stale (#17 item 10).
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';

/** Live (unexpired) states per CRM. A state lives 10 minutes: 2,000 is ~200 installs started per minute. */
export const MAX_LIVE_OAUTH_STATES = 2_000;

export async function createOAuthState(
  ctx: AppContext,
  state: string,
  crm: string,
  ttlMs: number,
): Promise<void> {
  const now = ctx.now();
  const created = await ctx.events.createOAuthState(state, crm, '', now + ttlMs, {
    now,
    maxLive: MAX_LIVE_OAUTH_STATES,
  });
  if (!created) {
    throw new AppError(
      'rate_limited',
      'Too many installations are being started right now: try again in a few minutes',
    );
  }
}

/** Scheduled: drop states nobody came back with. */
export async function purgeStaleOAuthStates(ctx: AppContext): Promise<void> {
  const purged = await ctx.events.purgeExpiredOAuthStates(ctx.now());
  if (purged) console.log(JSON.stringify({ level: 'info', msg: 'expired OAuth states purged', purged }));
}
