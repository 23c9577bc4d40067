// HighLevel custom-page SSO → session (DESIGN.md §4, §6). The encrypted user context carries no time and no nonce
// (docs/shared_secret_customJS_customPages.md), so a captured payload would otherwise mint sessions forever.
//
// Replay defence, chosen so HighLevel's own flow keeps working: the page asks HighLevel for a fresh payload on every
// load and every renewal (src/ui/client/session.ts), and each CryptoJS encryption has a random salt, so a genuine
// page never needs an old payload. We cannot make a payload strictly single-use: whether HighLevel re-encrypts on
// every REQUEST_USER_DATA or hands the same ciphertext to a page that asks twice (reload, second tab) is not
// documented. So a payload is honoured only within SSO_REUSE_WINDOW_MS of the first time we saw it (its hash is kept
// in processed_events), and every session it mints ends SSO_SESSION_TTL_MS after that first sight — re-presenting it
// never extends the session. A payload captured later than that window is refused (401: "reopen the page from
// HighLevel").
// The hash is what refuses a replay, and the payload has no time of its own, so a hash dropped at the end of the
// window would make its payload new again. Hashes are kept SSO_REPLAY_MEMORY_MS (the cron purges older ones): the
// table stays bounded by the page loads of that period, and a replay would need a payload captured longer ago.
import { decryptHighLevelSso } from '../../../adapters/crm/highlevel/decrypt-sso';
import { requireSecret } from '../../config';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import { sha256Hex } from '../../security/encoding';
import type { SessionClaims } from '../../security/session';
import type { Installation } from '../../store/installations';

export const SSO_REUSE_WINDOW_MS = 10 * 60_000;
export const SSO_SESSION_TTL_MS = 30 * 60_000;
/** How long a payload's hash is remembered (see above): far beyond its validity, on purpose. */
export const SSO_REPLAY_MEMORY_MS = 90 * 24 * 3_600_000;
const SSO_KEY_PREFIX = 'highlevel:sso:';

export interface SsoSession {
  claims: SessionClaims;
  /** The session's lifetime in seconds, counted from now (bound to the payload's first sight). */
  ttlSeconds: number;
}

async function firstSeenAt(ctx: AppContext, payload: string): Promise<number> {
  const key = `${SSO_KEY_PREFIX}${await sha256Hex(payload)}`;
  await ctx.events.claim(key, ctx.now());
  const row = await ctx.db
    .prepare('SELECT received_at FROM processed_events WHERE key = ?')
    .bind(key)
    .first<{ received_at: number }>();
  return row?.received_at ?? ctx.now();
}

/**
 * A location context needs the location's own install: an agency install never answers for a sub-account, or a
 * location user would get the agency's connections (and its admin role). Only an agency context (no activeLocation)
 * uses the company install.
 */
async function installationFor(
  ctx: AppContext,
  user: { activeLocation?: string; companyId: string },
): Promise<Installation> {
  const { installations } = await ctx.secretStores();
  const installation = await installations.findByAccount('highlevel', user.activeLocation ?? user.companyId);
  const fits =
    installation?.status === 'active' &&
    (user.activeLocation ? installation.accountType === 'location' : installation.accountType === 'company');
  if (!installation || !fits) {
    throw new AppError(
      'forbidden',
      user.activeLocation
        ? 'wabridge is not installed for this sub-account: install it from the marketplace for this location'
        : 'wabridge is not installed for this account: install it from the marketplace',
    );
  }
  return installation;
}

export async function highLevelSsoSession(
  ctx: AppContext,
  input: { ssoPayload: string; contactId?: string },
): Promise<SsoSession> {
  const user = await decryptHighLevelSso(
    input.ssoPayload,
    requireSecret(ctx.config, 'HIGHLEVEL_SHARED_SECRET'),
  );
  const installation = await installationFor(ctx, user);
  // Claimed only after a clean decrypt: garbage never writes a row.
  const firstSeen = await firstSeenAt(ctx, input.ssoPayload);
  const now = ctx.now();
  if (now - firstSeen > SSO_REUSE_WINDOW_MS) {
    throw new AppError(
      'unauthorized',
      'This HighLevel sign-in has already been used: reopen the page from HighLevel',
    );
  }
  const ttlSeconds = Math.floor((firstSeen + SSO_SESSION_TTL_MS - now) / 1000);
  return {
    claims: {
      installationId: installation.id,
      crm: 'highlevel',
      role: user.role === 'admin' ? 'admin' : 'agent',
      userId: user.userId,
      contactId: input.contactId,
    },
    ttlSeconds,
  };
}

/** Cron: hashes of payloads first seen more than SSO_REPLAY_MEMORY_MS ago are dropped, a bounded batch per run. */
export async function purgeSsoReplayHashes(ctx: AppContext): Promise<number> {
  const purged = await ctx.events.purgeKeysSeenBefore(SSO_KEY_PREFIX, ctx.now() - SSO_REPLAY_MEMORY_MS);
  if (purged) console.log(JSON.stringify({ level: 'info', msg: 'old SSO replay hashes purged', purged }));
  return purged;
}
