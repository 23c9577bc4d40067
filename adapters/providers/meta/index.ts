// Public surface of the Meta adapter.
export { createMetaAdapter } from './meta-adapter';
export type { MetaAdapterOptions } from './meta-adapter';
export { verifyMetaSignature, verifyMetaSubscription, signMetaBody } from './meta-signature';
export { META_GRAPH_BASE_URL, META_DEFAULT_API_VERSION } from './meta-api';
