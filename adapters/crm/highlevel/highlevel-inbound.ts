// What HighLevel asks of us, read into the neutral commands of crm-inbound-hooks.ts: its conversation provider's
// Delivery URL (docs/ProviderOutboundMessage.md) and its Marketplace workflow actions and triggers (workflow-action.ts,
// workflow-trigger.ts cite the sources).
import { optionalSecret } from '../../../src/config';
import type { CrmDeliveryUrl, CrmWorkflowCall, CrmWorkflows } from '../crm-inbound-hooks';
import type { CrmEnvironment } from '../crm-module';
import { parseHighLevelOutboundDelivery } from './highlevel-api';
import { createHighLevelClient } from './highlevel-client';
import {
  parseWorkflowActionCall,
  parseWorkflowOptionsCall,
  workflowActionAnswer,
  type HighLevelSignedCall,
} from './workflow-action';
import { fireWorkflowTrigger, parseTriggerSubscription } from './workflow-trigger';

export const highLevelDeliveryUrl: CrmDeliveryUrl = {
  read(body) {
    const delivery = parseHighLevelOutboundDelivery(body);
    return {
      accountId: delivery.locationId,
      crmMessageId: delivery.messageId,
      crmContactId: delivery.contactId,
      phone: delivery.phone,
      text: delivery.text,
      attachments: delivery.attachments,
      userId: delivery.userId,
      channelId: delivery.conversationProviderId,
    };
  },
  // Ours: the configured provider id or the one stored on the install. The documented payload carries no
  // conversationProviderId, so a delivery without one is judged by its signature and installed location alone
  // (the service asks only when the call names a provider); one that names a provider must name ours.
  isOurs({ config }, installation, channelId) {
    const ours = [config.HIGHLEVEL_CONVERSATION_PROVIDER_ID, installation.settings.conversationProviderId];
    return ours.some((id) => id !== undefined && id !== '' && id === channelId);
  },
};

/** A workflow call with what authenticates it: X-GHL-Signature (the webhook key) or our action secret header. */
function signed({ config, now }: CrmEnvironment, call: CrmWorkflowCall): HighLevelSignedCall {
  return {
    ...call,
    publicKey: optionalSecret(config, 'HIGHLEVEL_WEBHOOK_PUBLIC_KEY'),
    actionSecret: optionalSecret(config, 'HIGHLEVEL_ACTION_SECRET'),
    now: now(),
  };
}

export const highLevelWorkflows: CrmWorkflows = {
  async readAction(env, call, action) {
    const parsed = await parseWorkflowActionCall(signed(env, call), action);
    return { accountId: parsed.locationId, request: parsed.request };
  },
  answerAction: workflowActionAnswer,
  async readOptionsCall(env, call) {
    const parsed = await parseWorkflowOptionsCall(signed(env, call));
    return { accountId: parsed.locationId, sender: parsed.sender };
  },
  async readTriggerSubscription(env, call) {
    const { locationId, ...subscription } = await parseTriggerSubscription({
      ...signed(env, call),
      apiBaseUrl: env.config.HIGHLEVEL_API_BASE_URL,
    });
    return { accountId: locationId, ...subscription };
  },
  async fireTrigger({ sleep }, { tokenSource, pacer }, targetUrl, payload) {
    const client = createHighLevelClient({
      tokenSource,
      baseUrl: new URL(targetUrl).origin,
      sleep,
      pacer,
    });
    await fireWorkflowTrigger(client, targetUrl, payload);
  },
};
