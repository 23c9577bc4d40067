// HighLevel custom-page SSO → session (DESIGN.md §4, §6). The encrypted user context carries no time and no nonce
// (docs/shared_secret_customJS_customPages.md), so a captured payload would otherwise mint sessions forever.
//
// Replay defence, chosen so HighLevel's own flow keeps working: the page asks HighLevel for a fresh payload on every
// load and every renewal (src/ui/client/session.ts), and each CryptoJS encryption has a random salt, so a genuine
// page never needs an old payload. We cannot make a payload strictly single-use: whether HighLevel re-encrypts on
// every REQUEST_USER_DATA or hands the same ciphertext to a page that asks twice (reload, second tab) is not
// documented. So a payload is honoured only within SSO_REUSE_WINDOW_MS of the first time we saw it (its hash is kept
// in processed_events, services/install/crm-session.ts), and every session it mints ends SSO_SESSION_TTL_MS after that
// first sight — re-presenting it never extends the session. A payload captured later than that window is refused
// (401: "reopen the page from HighLevel").
// The hash is what refuses a replay, and the payload has no time of its own, so a hash dropped at the end of the
// window would make its payload new again. Hashes are kept SSO_REPLAY_MEMORY_MS (the cron purges older ones): the
// table stays bounded by the page loads of that period, and a replay would need a payload captured longer ago.
import * as z from 'zod/mini';
import { requireSecret } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import type { CrmSessionHooks } from '../crm-hooks';
import { decryptHighLevelSso } from './decrypt-sso';

const SSO_REUSE_WINDOW_MS = 10 * 60_000;
const SSO_SESSION_TTL_MS = 30 * 60_000;
/** How long a payload's hash is remembered (see above): far beyond its validity, on purpose. */
export const SSO_REPLAY_MEMORY_MS = 90 * 24 * 3_600_000;

const sessionBody = z.object({
  crm: z.literal('highlevel'),
  ssoPayload: z.string().check(z.minLength(1), z.maxLength(16_384)),
  contactId: z.optional(z.string().check(z.maxLength(128))),
});

export const highLevelSession: CrmSessionHooks<z.output<typeof sessionBody>> = {
  body: sessionBody,

  /**
   * A location context needs the location's own install: an agency install never answers for a sub-account, or a
   * location user would get the agency's connections (and its admin role). Only an agency context (no
   * activeLocation) uses the company install.
   */
  async identify({ config }, body) {
    const user = await decryptHighLevelSso(body.ssoPayload, requireSecret(config, 'HIGHLEVEL_SHARED_SECRET'));
    return {
      accountId: user.activeLocation ?? user.companyId,
      accountType: user.activeLocation ? 'location' : 'company',
      notInstalledMessage: user.activeLocation
        ? 'wabridge is not installed for this sub-account: install it from the marketplace for this location'
        : 'wabridge is not installed for this account: install it from the marketplace',
      userId: user.userId,
      role: user.role === 'admin' ? 'admin' : 'agent',
      contactId: body.contactId,
    };
  },

  // Claimed only after a clean decrypt and an installation found: garbage never writes a row.
  async admit({ now }, { identity, body }, ports) {
    const firstSeen = await ports.firstSeenAt(body.ssoPayload);
    const at = now();
    if (at - firstSeen > SSO_REUSE_WINDOW_MS) {
      throw new AppError(
        'unauthorized',
        'This HighLevel sign-in has already been used: reopen the page from HighLevel',
      );
    }
    return {
      role: identity.role ?? 'agent',
      ttlSeconds: Math.floor((firstSeen + SSO_SESSION_TTL_MS - at) / 1000),
    };
  },

  replayMemoryMs: SSO_REPLAY_MEMORY_MS,
};
