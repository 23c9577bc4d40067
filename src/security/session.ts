// Bearer sessions for the sidebar and admin pages: a short-lived HS256 JWT scoped to one installation.
import { JwtError, signHs256, verifyHs256 } from './hs256-jwt';
import * as z from 'zod/mini';
import { AppError } from '../core/errors';
import { isCrmName } from '../../adapters/crm/registry';
import type { CrmName } from '../../adapters/crm/types';

export const SESSION_TTL_SECONDS = 60 * 60;

export const sessionClaimsSchema = z.object({
  installationId: z.string().check(z.minLength(1)),
  // Any CRM of the registry (issue 13): a CRM added there signs in without this file changing.
  crm: z.custom<CrmName>((value) => typeof value === 'string' && isCrmName(value)),
  role: z.enum(['admin', 'agent']),
  userId: z.optional(z.string()),
  /** CRM context the page was opened in (HighLevel contact, Pipedrive person / deal). */
  contactId: z.optional(z.string()),
  dealId: z.optional(z.string()),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

const AUDIENCE = 'wabridge-ui';

export async function createSessionToken(
  secret: string,
  claims: SessionClaims,
  now: number,
  ttlSeconds = SESSION_TTL_SECONDS,
): Promise<{ token: string; expiresAt: number }> {
  const issuedAt = Math.floor(now / 1000);
  const token = await signHs256(
    { ...claims, aud: AUDIENCE, iat: issuedAt, exp: issuedAt + ttlSeconds },
    new TextEncoder().encode(secret),
  );
  return { token, expiresAt: (issuedAt + ttlSeconds) * 1000 };
}

export async function verifySessionToken(secret: string, token: string, now: number): Promise<SessionClaims> {
  try {
    // exp is required: a token without one would never expire.
    const payload = await verifyHs256(token, new TextEncoder().encode(secret), { audience: AUDIENCE, now });
    return sessionClaimsSchema.parse(payload);
  } catch (error) {
    const expired = error instanceof JwtError && error.reason === 'expired';
    throw new AppError(
      'unauthorized',
      expired ? 'Session expired: reopen the page' : 'Invalid session token',
    );
  }
}
