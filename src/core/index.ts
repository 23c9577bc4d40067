// Public API of the pure domain core (DESIGN.md §2–3).
export * from './template';
export * from './message';
export * from './errors';
export * from './window';
export * from './pricing';
export * from './status';
export * from './phone';
export * from './readable';
export * from './template-variables';
export * from './template-render';
export * from './template-preview';
export * from './template-lint';
export * from './template-match';
export * from './customer-id';
