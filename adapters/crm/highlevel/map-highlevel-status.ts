// Our status lattice → UpdateMessageStatusDto.status (conversations.json enum: delivered | failed | pending | read).
import type { MessageStatus, ProviderErrorInfo } from '../../../src/core/message';
import type { HighLevelMessageStatus, UpdateMessageStatusRequest } from './highlevel-api';

/** `undefined`: nothing to report. HighLevel has no "sent": a message it handed to us stays "pending" until we
 * know it was delivered, read or failed. */
export function mapHighLevelStatus(status: MessageStatus): HighLevelMessageStatus | undefined {
  switch (status) {
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'failed':
      return 'failed';
    case 'pending':
      return 'pending';
    default:
      return undefined;
  }
}

/** ErrorDto requires code, type and message; `type: "saas"` is the spec's own example value. The message is what
 * the HighLevel user reads under the failed bubble, so it carries our human reason (e.g. the template_required one). */
export function buildStatusUpdate(
  status: MessageStatus,
  error?: ProviderErrorInfo,
): UpdateMessageStatusRequest | undefined {
  const mapped = mapHighLevelStatus(status);
  if (!mapped) return undefined;
  if (mapped !== 'failed') return { status: mapped };
  return {
    status: 'failed',
    error: {
      code: error?.vendorCode || error?.kind || 'unknown',
      type: 'saas',
      message: error?.reason || 'The WhatsApp message could not be delivered.',
    },
  };
}
