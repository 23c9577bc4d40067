// Meta simulator + webhook builders (tests and local mode).
export * from './meta-simulator';
export * from './meta-webhooks';
export * from './meta-webhooks-2026';
export * from './meta-sim-caps';
export * from './meta-coexistence';
export * from './meta-sim-connection';
