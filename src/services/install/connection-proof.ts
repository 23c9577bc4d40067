// Proving a number belongs to its credentials before it is claimed (#17 item 10), for providers whose module says
// `senderProof: 'one_time_code'`. CM.com, the one today, has no API that lists an account's senders
// (vendors/whatsapp-2026.md §3), and its webhooks carry no signature: whatever arrives on a tenant's own webhook URL
// is something that tenant could have posted itself, so a webhook proves nothing. What only the number's owner can
// do is receive a message the number sends: we send a one-time code from the number, with the connection's own
// credentials, to a phone the admin holds; WhatsApp only carries it if that account really sends as that number. The code is never shown, only its hash is stored; typing it back
// claims the number. Until then the connection is pending: it can't send and locks nobody out.
import { providerModule } from '../../../adapters/providers/registry';
import type { AppContext } from '../../context';
import { AppError, ProviderError } from '../../core/errors';
import { normalizePhone } from '../../core/phone';
import { randomId, sha256Hex, timingSafeEqual } from '../../security/encoding';
import { provenRoutingKey, type Connection } from '../../store/connections';
import { providerAdapterFor } from '../relay/providers';

const CODE_TTL_MS = 15 * 60_000;
const MAX_ATTEMPTS = 5;

const codeHash = (connectionId: string, code: string) => sha256Hex(`${connectionId}:${code}`);

function sixDigits(): string {
  const value = crypto.getRandomValues(new Uint32Array(1))[0]!;
  return String(value % 1_000_000).padStart(6, '0');
}

function assertPending(connection: Connection): void {
  if (providerModule(connection.provider).senderProof !== 'one_time_code' || connection.verified) {
    throw new AppError('conflict', 'This WhatsApp number is already proven: there is nothing to verify');
  }
}

/** Sends a new one-time code from the number to `phone` (the admin's WhatsApp). */
export async function sendOwnershipCode(
  ctx: AppContext,
  connection: Connection,
  phoneInput: string,
): Promise<{ sentTo: string; expiresAt: number }> {
  assertPending(connection);
  const phone = normalizePhone(phoneInput);
  if (!phone.ok) {
    throw new AppError('invalid_request', 'Invalid phone', [{ path: 'phone', message: phone.reason }]);
  }
  const code = sixDigits();
  const adapter = await providerAdapterFor(ctx, connection);
  try {
    await adapter.send({
      reference: randomId('proof')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 32),
      to: phone.e164,
      content: { type: 'text', text: `Your wabridge code for ${connection.senderPhone}: ${code}` },
    });
  } catch (error) {
    const normalized = error instanceof ProviderError ? error : adapter.normalizeError(error);
    const provider = providerModule(connection.provider).label;
    throw new AppError(
      'provider_error',
      `${provider} did not send the code from ${connection.senderPhone}: ${normalized.message}. The number has ` +
        `to be a WhatsApp sender of this ${provider} account, and the phone must have written to it in the last ` +
        '24 hours.',
    );
  }
  const now = ctx.now();
  const expiresAt = now + CODE_TTL_MS;
  const { connections } = await ctx.secretStores();
  if (!(await connections.openProof(connection.id, await codeHash(connection.id, code), expiresAt, now))) {
    throw new AppError('conflict', 'This WhatsApp number is already proven: there is nothing to verify');
  }
  return { sentTo: phone.e164, expiresAt };
}

/** Checks the code the admin typed; the right one claims the number (409 if another account proved it first). */
export async function confirmOwnershipCode(
  ctx: AppContext,
  connection: Connection,
  code: string,
): Promise<Connection> {
  assertPending(connection);
  const { connections } = await ctx.secretStores();
  const proof = await connections.pendingProof(connection.id);
  const now = ctx.now();
  if (!proof?.codeHash || proof.expiresAt === null || proof.expiresAt < now) {
    throw new AppError('invalid_request', 'No code is open for this number: send a new code');
  }
  if (!timingSafeEqual(proof.codeHash, await codeHash(connection.id, code))) {
    await connections.countProofAttempt(connection.id, MAX_ATTEMPTS, now);
    throw new AppError('invalid_request', 'Wrong code', [{ path: 'code', message: 'Wrong code' }]);
  }
  const claimed = await connections.claimProven(connection.id, provenRoutingKey(connection.routingKey), now);
  if (!claimed) {
    throw new AppError(
      'conflict',
      'This WhatsApp number is already connected and proven by another account (remove this connection)',
    );
  }
  return claimed;
}
