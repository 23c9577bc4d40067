// What ingesting a signed webhook batch did, counted per item (the webhook route answers with it). Apart from
// relay-inbound.ts, so that the other ingesters (campaigns/messaging-limits.ts) import nothing back from it.
export interface IngestResult {
  stored: number;
  duplicates: number;
  statuses: number;
  ignored: number;
  /** Items of the batch that could not be read: stored for support, the rest of the batch went on. */
  unreadable: number;
}

export function sumResults(a: IngestResult, b: IngestResult): IngestResult {
  return {
    stored: a.stored + b.stored,
    duplicates: a.duplicates + b.duplicates,
    statuses: a.statuses + b.statuses,
    ignored: a.ignored + b.ignored,
    unreadable: a.unreadable + b.unreadable,
  };
}
