// HighLevel simulator: msw handlers + state + fault injection, and builders for what HighLevel sends to us.
export { createHighLevelSimulator } from './highlevel-simulator';
export { hlError } from './hl-error';
export type {
  HighLevelSimulator,
  HighLevelSimulatorOptions,
  OutboundDeliveryInput,
} from './highlevel-simulator';
export { HighLevelSimulatorState, newHighLevelId } from './highlevel-state';
export type {
  SimAccessToken,
  SimCode,
  SimContact,
  SimConversation,
  SimGrant,
  SimMessage,
  SimRefreshToken,
  SimStatusUpdate,
  SimUserType,
} from './highlevel-state';
export {
  createHighLevelSigner,
  encryptSsoPayload,
  toHighLevelRequest,
  workflowActionPayload,
} from './highlevel-events';
export type {
  HighLevelSigner,
  SignedHighLevelEvent,
  OutboundDeliveryPayload,
  WorkflowActionInput,
} from './highlevel-events';
export { TRIGGER_BASE_URL, triggerSubscriptionPayload } from './highlevel-triggers';
export type { SimTriggerFiring, TriggerSubscriptionInput } from './highlevel-triggers';
