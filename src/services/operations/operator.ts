// The operator's bearer token (OPERATOR_TOKEN) guards /admin/*: deployment health and key rotation.
import type { Config } from '../../config';
import { AppError } from '../../core/errors';
import { timingSafeEqual } from '../../security/encoding';

/** Throws 503 not_configured when no token is set (the endpoints stay closed), 401 for a missing or wrong one. */
export function authorizeOperator(config: Config, authorization: string | undefined): void {
  const expected = config.secrets.OPERATOR_TOKEN;
  if (!expected) {
    const problem = config.invalidSecrets.OPERATOR_TOKEN;
    throw new AppError(
      'not_configured',
      problem
        ? `Secret OPERATOR_TOKEN is malformed: ${problem}`
        : 'Secret OPERATOR_TOKEN is not set (npm run setup:cloudflare generates it)',
      { secret: 'OPERATOR_TOKEN' },
    );
  }
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
  if (!presented || !timingSafeEqual(presented, expected))
    throw new AppError(
      'unauthorized',
      'Operator token missing or wrong (Authorization: Bearer <OPERATOR_TOKEN>)',
    );
}
