// Spec validation for HighLevel traffic in tests. The spec's own defects (startAfterDate typed "any",
// ProcessMessageBodyDto.direction typed object) are patched once, with reasons, in test/spec/spec-patches.ts.
import type { SpecValidation } from '../../spec/msw-validation';

/** Asserts no spec violation, then resets the recorder. */
export async function assertHighLevelSpecClean(validation: SpecValidation): Promise<void> {
  await validation.settled();
  const real = validation.violations();
  validation.reset();
  if (real.length > 0) {
    throw new Error(`HighLevel spec violations:\n${JSON.stringify(real, null, 2)}`);
  }
}
