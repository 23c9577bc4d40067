// What a job handler tells the queue consumer.
export type JobOutcome =
  | { kind: 'done' }
  /** Run again later. `countsAsAttempt: false` for pacing delays, which are not failures. */
  | { kind: 'retry'; delaySeconds: number; countsAsAttempt: boolean; reason?: string }
  | { kind: 'dead'; reason: string };
