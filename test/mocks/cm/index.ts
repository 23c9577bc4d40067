export { createCmSimulator, CM_SIM_PRODUCT_TOKEN } from './cm-simulator';
export type {
  CmSimulator,
  CmSimulatorOptions,
  CmSimState,
  CmSentMessage,
  CmSimTemplate,
} from './cm-simulator';
export {
  buildCmStatusReport,
  buildCmInbound,
  cmWebhookUrl,
  cmWebhookRequest,
  cmWebhookFetchRequest,
  cmTime,
} from './cm-webhooks';
export type { CmStatusReportInput, CmInboundInput, CmInboundKind, CmReportStatus } from './cm-webhooks';
