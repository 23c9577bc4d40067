// Mark-as-read on the simulated `/messages` endpoint: Graph accepts only the id of a message the customer sent to
// this number (delivered to us by a webhook), and answers `{"success": true}` (spec example "Send typing
// indicator and read receipt"). Anything else gets Graph's generic invalid-parameter error (#100).
import { HttpResponse } from 'msw';
import { graphError } from './meta-sim-state';
import type { MetaSimState } from './meta-sim-state';

/** True when the `/messages` body is a read receipt rather than a message to send. */
export function isReadReceipt(body: Record<string, unknown>): boolean {
  return body.status !== undefined || body.message_id !== undefined;
}

export function answerReadReceipt(state: MetaSimState, body: Record<string, unknown>, at: number): Response {
  if (body.status !== 'read')
    return graphError(400, 100, '(#100) Invalid parameter', {
      error_data: { messaging_product: 'whatsapp', details: 'Param status must be read' },
    });
  const messageId = body.message_id;
  if (typeof messageId !== 'string' || !state.inbound.has(messageId)) {
    return graphError(400, 100, '(#100) Invalid parameter', {
      error_data: {
        messaging_product: 'whatsapp',
        details: `Invalid message_id: no message from a customer with id ${String(messageId)}`,
      },
    });
  }
  state.reads.push({ messageId, at });
  return HttpResponse.json({ success: true });
}
