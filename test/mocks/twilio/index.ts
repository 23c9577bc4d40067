// Twilio simulator: msw handlers + state + fault injection, and webhook builders to play the customer.
export { createTwilioSimulator, twilioError } from './twilio-simulator';
export type { TwilioSimulator, TwilioSimulatorOptions } from './twilio-simulator';
export { TwilioSimulatorState, DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN } from './twilio-state';
export type { SimContent, SimMessage, SimApproval } from './twilio-state';
export {
  buildTwilioInbound,
  buildTwilioStatus,
  buildTwilioStatusFor,
  signTwilioRequest,
  twilioWebhookRequest,
  twilioJsonWebhookRequest,
  toFetchRequest,
  newMessageSid,
} from './twilio-webhooks';
export type { TwilioInboundInput, TwilioStatusInput, TwilioParams } from './twilio-webhooks';
