// Authenticating what Pipedrive sends us: the custom UI extension JWT and the uninstall DELETE (DESIGN.md §6).
import { JwtError, verifyHs256 } from '../../../src/security/hs256-jwt';
import { AppError } from '../../../src/core/errors';
import { panelJwtClaimsSchema, uninstallBodySchema } from './pipedrive-api';
import type { UninstallBody } from './pipedrive-api';
import { timingSafeEqual } from '../../../src/security/encoding';

export interface PanelIdentity {
  companyId: string;
  userId: string;
  /** Epoch ms at which the token stops being valid (GET_SIGNED_TOKEN tokens live 5 minutes). */
  expiresAt: number;
}

/** Pipedrive and our Worker clocks differ a little; a few seconds of slack avoids flaky panels. */
const CLOCK_TOLERANCE_S = 30;

/**
 * Verifies the JWT Pipedrive passes to a custom panel (`?token=` on the iframe URL, or the SDK's
 * GET_SIGNED_TOKEN result sent back as Bearer). HS256 under the Developer Hub "JWT secret", which defaults to
 * the app's client secret (RD/custom-ui-extensions). Claims `userId`, `companyId`, `iat`, `exp`.
 */
export async function verifyPanelJwt(token: string, jwtSecret: string, now: number): Promise<PanelIdentity> {
  if (!token) throw new AppError('unauthorized', 'Missing Pipedrive panel token');
  let payload: unknown;
  try {
    payload = await verifyHs256(token, new TextEncoder().encode(jwtSecret), {
      now,
      clockToleranceSeconds: CLOCK_TOLERANCE_S,
    });
  } catch (error) {
    const reason = error instanceof JwtError ? error.reason : 'invalid';
    throw new AppError('unauthorized', `Pipedrive panel token rejected (${reason})`);
  }
  const claims = panelJwtClaimsSchema.safeParse(payload);
  if (!claims.success) throw new AppError('unauthorized', 'Pipedrive panel token lacks userId/companyId');
  return { companyId: claims.data.companyId, userId: claims.data.userId, expiresAt: claims.data.exp * 1000 };
}

/**
 * The uninstall DELETE carries `Authorization: Basic base64(client_id:client_secret)` (RD/app-uninstallation).
 * Compares the decoded credentials in constant time; anything malformed is simply `false`.
 */
export function verifyUninstallBasicAuth(
  authorizationHeader: string | null | undefined,
  clientId: string,
  clientSecret: string,
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorizationHeader ?? '');
  if (!match?.[1]) return false;
  let decoded: string;
  try {
    const binary = atob(match[1].replace(/-/g, '+').replace(/_/g, '/'));
    decoded = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return false;
  }
  return timingSafeEqual(decoded, `${clientId}:${clientSecret}`);
}

/**
 * Parses the uninstall JSON `{client_id, company_id, user_id, timestamp}`. With `expectedClientId`, a body
 * meant for another app is refused as unauthorized.
 */
export function parseUninstallBody(body: unknown, expectedClientId?: string): UninstallBody {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new AppError('invalid_request', 'Pipedrive uninstall body is not JSON');
    }
  }
  const parsed = uninstallBodySchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('invalid_request', `Pipedrive uninstall body is invalid (${where})`);
  }
  if (expectedClientId !== undefined && !timingSafeEqual(parsed.data.client_id, expectedClientId)) {
    throw new AppError('unauthorized', 'Pipedrive uninstall is for another client_id');
  }
  return parsed.data;
}
