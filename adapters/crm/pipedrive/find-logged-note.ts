// POST /v1/notes has no idempotency key. When an earlier attempt's answer was lost (5xx, timeout, dropped
// connection), the note may exist: it is looked up among the person's (or deal's) newest notes by the reference
// every note carries, and only a note that is not there is posted again.
import type { Note } from './pipedrive-api';
import type { PipedriveClient } from './pipedrive-client';

/** Notes per page: the lost note is normally among the first few, since the retry comes minutes later. */
export const NOTE_LOOKUP_PAGE = 25;
/** Pages read at most (a request each): more than 100 newer notes on one person is not a conversation. */
export const NOTE_LOOKUP_MAX_PAGES = 4;
/** Pipedrive's clock may differ from ours; notes this much older than the lost attempt are still read. */
const CLOCK_SLACK_MS = 10 * 60_000;

/**
 * The visible reference line of a note: plain text, because Pipedrive sanitizes note HTML (GetNotesResponse:
 * "Subject to sanitization on the back-end") and may drop attributes or tags, never text.
 */
export function noteRef(messageId: string): string {
  return `ref ${messageId}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether note HTML carries our reference (a sanitizer may have turned the space into &nbsp;). */
export function carriesRef(content: string | null | undefined, messageId: string): boolean {
  if (!content) return false;
  const pattern = new RegExp(`\\bref(?:\\s|&nbsp;|&#160;)+${escapeRegExp(messageId)}(?![A-Za-z0-9_])`);
  return pattern.test(content);
}

/** v1 times are UTC "YYYY-MM-DD HH:MM:SS"; undefined when unreadable. */
function addedAt(note: Note): number | undefined {
  if (!note.add_time) return undefined;
  const ms = Date.parse(`${note.add_time.trim().replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The note of `messageId` on the person (or, without one, the deal), or undefined if it is not there. Reads
 * newest first and stops at the first page that reaches back before the lost attempt. A failing read throws:
 * the caller must retry later rather than post blindly.
 */
export async function findLoggedNote(
  client: PipedriveClient,
  where: { personId?: number; dealId?: number },
  messageId: string,
  attemptedAt: number,
): Promise<Note | undefined> {
  const filter = where.personId !== undefined ? { personId: where.personId } : { dealId: where.dealId };
  let start: number | undefined = 0;
  for (let page = 0; page < NOTE_LOOKUP_MAX_PAGES && start !== undefined; page++) {
    const { notes, nextStart } = await client.listNotes({ ...filter, start, limit: NOTE_LOOKUP_PAGE });
    const found = notes.find((n) => carriesRef(n.content, messageId));
    if (found) return found;
    const oldest = notes
      .map(addedAt)
      .reduce<number | undefined>(
        (min, t) => (t === undefined ? min : min === undefined ? t : Math.min(min, t)),
        undefined,
      );
    if (oldest !== undefined && oldest < attemptedAt - CLOCK_SLACK_MS) return undefined;
    start = nextStart;
  }
  return undefined;
}
