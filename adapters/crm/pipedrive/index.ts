// Public surface of the Pipedrive adapter (services and routes import from here).
export {
  createPipedriveAdapter,
  getPersonPhones,
  resolveDealPerson,
  cleanPhone,
  toPipedriveId,
} from './pipedrive-adapter';
export type { PipedriveAdapterOptions, PanelPerson, PanelPhone } from './pipedrive-adapter';
export { createPipedriveClient, parseRateLimitReset } from './pipedrive-client';
export type { PipedriveClient, PipedriveClientOptions } from './pipedrive-client';
export {
  PIPEDRIVE_OAUTH_BASE_URL,
  buildPipedriveAuthorizeUrl,
  exchangePipedriveCode,
  refreshPipedriveToken,
  revokePipedriveToken,
  fetchPipedriveIdentity,
  pipedriveBasicAuth,
  isLoopbackHttp,
} from './pipedrive-oauth';
export type { PipedriveTokens, PipedriveIdentity, PipedriveOAuthClientConfig } from './pipedrive-oauth';
export { verifyPanelJwt, verifyUninstallBasicAuth, parseUninstallBody } from './verify-pipedrive';
export type { PanelIdentity } from './verify-pipedrive';
export { renderPipedriveNote, renderStatusLine, escapeHtml, formatUtc } from './render-pipedrive-note';
export type { UninstallBody } from './pipedrive-api';
