// A CRM Delivery URL call (an agent's reply the CRM asked us to send) whose job died — out of time to reach the
// customer, or every run threw — is reported back to the CRM as failed, once (issue 17: the agent must not see a
// reply that never left as pending forever).
// With a number and a phone it becomes a failed message of ours (crm-deliveries.ts recordFailure): the message
// row is unique per (number, CRM message id), which makes the report happen once however often the job dies (a
// redrive that dies again reports nothing new), and its crm_record_status job retries the report through a CRM
// outage (the outbox sweep finds it if that job is lost). A delivery that already became a message belongs to the
// send path, whose own outcome reaches the CRM. Without a number or a phone there is no row: the failure goes to
// the CRM directly, once (a processed_events key), and is logged if the CRM cannot take it now.
import type { AppContext } from '../../context';
import { normalizePhone } from '../../core/phone';
import type { ProviderErrorInfo } from '../../core/message';
import { CrmDeliveryStore } from '../../store/crm-deliveries';
import { numberOf, recordFailure, reportWithoutConnection } from './crm-deliveries';

/** What the agent reads in the CRM: the reply did not go out, and why we stopped trying. */
function deadDeliveryError(reason: string): ProviderErrorInfo {
  return { kind: 'transient', reason: `WhatsApp could not send this reply: ${reason}` };
}

export async function reportDeadDelivery(ctx: AppContext, deliveryId: string, reason: string): Promise<void> {
  const delivery = await new CrmDeliveryStore(ctx.db).get(deliveryId);
  if (!delivery) return;
  const { installations } = await ctx.secretStores();
  const installation = await installations.get(delivery.installationId);
  // Uninstalled: there is nobody to tell (and no token to tell them with).
  if (!installation || installation.status !== 'active') return;
  const error = deadDeliveryError(reason);
  const number = await numberOf(ctx, installation);
  const connection = number.active ?? number.disabled;
  const phone = normalizePhone(delivery.payload.phone);
  const byCrmId =
    connection && !phone.ok && delivery.payload.crmContactId
      ? await ctx.contacts.findByCrmContactId(connection.id, delivery.payload.crmContactId)
      : null;
  const address = phone.ok ? phone.e164 : (byCrmId?.address ?? null);
  if (connection && address) {
    if (await ctx.messages.findByCrmId(connection.id, delivery.crmMessageId)) return;
    await recordFailure(ctx, connection, address, delivery, error);
    return;
  }
  if (!(await ctx.events.claim(`crm:delivery-failed:${delivery.id}`, ctx.now()))) return;
  try {
    await reportWithoutConnection(ctx, installation, delivery, error);
  } catch (failure) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'dead delivery not reported to the CRM',
        deliveryId,
        error: String(failure),
      }),
    );
  }
}
