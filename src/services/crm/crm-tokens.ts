// CRM access tokens per installation: refreshed before expiry and on 401, one refresh in flight per installation.
// HighLevel rotates refresh tokens, so two concurrent refreshes would lose the installation: a D1 lease
// (compare-and-swap on token_version) lets exactly one caller refresh; the others wait for its result.
import type { TokenSource } from '../../../adapters/crm/types';
import type { AppContext } from '../../context';
import { AppError } from '../../core/errors';
import type { Installation, InstallationTokens } from '../../store/installations';

export interface RefreshedTokens extends InstallationTokens {
  expiresAt: number;
}

export type TokenRefresher = (installation: Installation, refreshToken: string) => Promise<RefreshedTokens>;

const REFRESH_MARGIN_MS = 5 * 60_000;
const LEASE_MS = 30_000;
const WAIT_STEP_MS = 100;

/** Same-isolate callers share one promise; the D1 lease covers other isolates. */
const inFlight = new Map<string, Promise<string>>();

export function installationTokenSource(
  ctx: AppContext,
  installationId: string,
  refresher: TokenRefresher,
): TokenSource {
  async function load(): Promise<{ installation: Installation; tokens: InstallationTokens }> {
    const { installations } = await ctx.secretStores();
    const installation = await installations.get(installationId);
    const tokens = installation ? await installations.tokens(installation) : null;
    if (!installation || installation.status !== 'active' || !tokens) {
      throw new AppError('crm_error', 'The app is not installed for this CRM account any more', {
        retryable: false,
      });
    }
    return { installation, tokens };
  }

  async function refreshFrom(startVersion: number): Promise<string> {
    const { installations } = await ctx.secretStores();
    const deadline = ctx.now() + LEASE_MS + 5_000;
    for (;;) {
      const { installation, tokens } = await load();
      if (installation.tokenVersion !== startVersion) return tokens.accessToken; // someone else refreshed
      if (await installations.claimRefreshLease(installation.id, startVersion, ctx.now(), LEASE_MS)) {
        try {
          const fresh = await refresher(installation, tokens.refreshToken);
          await installations.storeRefreshedTokens(
            installation,
            { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken },
            fresh.expiresAt,
            ctx.now(),
          );
          return fresh.accessToken;
        } catch (error) {
          await installations.releaseRefreshLease(installation.id);
          throw error;
        }
      }
      if (ctx.now() > deadline)
        throw new AppError('crm_error', 'Token refresh timed out', { retryable: true });
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
  }

  function refreshOnce(startVersion: number): Promise<string> {
    const key = `${installationId}:${startVersion}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = refreshFrom(startVersion).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  // The token version this source last handed out: a 401 refreshes from that version, so parallel 401s for
  // the same stale token end in one refresh rather than one per caller.
  let servedVersion: number | undefined;
  return {
    async get() {
      const { installation, tokens } = await load();
      const expiresAt = installation.tokenExpiresAt ?? 0;
      if (expiresAt - REFRESH_MARGIN_MS > ctx.now()) {
        servedVersion = installation.tokenVersion;
        return tokens.accessToken;
      }
      servedVersion = undefined; // the refreshed token's version is read again on a later 401
      return refreshOnce(installation.tokenVersion);
    },
    async refresh() {
      if (servedVersion !== undefined) return refreshOnce(servedVersion);
      const { installation } = await load();
      return refreshOnce(installation.tokenVersion);
    },
  };
}
