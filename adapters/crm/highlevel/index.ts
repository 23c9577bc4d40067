// HighLevel CRM adapter: everything the services and routes need, nothing vendor-shaped above this folder.
export { createHighLevelAdapter } from './highlevel-adapter';
export type { HighLevelAdapterOptions } from './highlevel-adapter';
export {
  createHighLevelClient,
  highLevelVersionFor,
  HIGHLEVEL_VERSION_CONVERSATIONS,
  HIGHLEVEL_VERSION_DEFAULT,
} from './highlevel-client';
export type { HighLevelClient, HighLevelClientOptions, HighLevelRequest } from './highlevel-client';
export {
  buildHighLevelAuthorizeUrl,
  exchangeHighLevelCode,
  refreshHighLevelToken,
  getLocationToken,
  isLoopbackHttp,
  HIGHLEVEL_API_BASE_URL,
  HIGHLEVEL_AUTHORIZE_URL,
  HIGHLEVEL_TOKEN_URL,
} from './highlevel-oauth';
export type {
  AuthorizeUrlInput,
  ExchangeCodeInput,
  RefreshTokenInput,
  LocationTokenInput,
} from './highlevel-oauth';
export {
  verifyHighLevelSignature,
  verifyHighLevelWebhook,
  checkHighLevelTimestamp,
  HIGHLEVEL_ED25519_PUBLIC_KEY_PEM,
  HIGHLEVEL_RSA_PUBLIC_KEY_PEM,
} from './verify-highlevel-signature';
export type { VerifiedHighLevelWebhook, HighLevelSignatureScheme } from './verify-highlevel-signature';
export { decryptHighLevelSso } from './decrypt-sso';
export type { HighLevelSsoUser } from './decrypt-sso';
export {
  parseHighLevelAppEvent,
  parseHighLevelOutboundDelivery,
  parseHighLevelTokenResponse,
} from './highlevel-api';
export type {
  HighLevelAppEvent,
  HighLevelOutboundDelivery,
  HighLevelTokenSet,
  HighLevelLocationToken,
  HighLevelUserType,
} from './highlevel-api';
export { parseWorkflowActionCall, parseWorkflowOptionsCall, workflowActionAnswer } from './workflow-action';
export type { HighLevelSignedCall, WorkflowActionCall } from './workflow-action';
