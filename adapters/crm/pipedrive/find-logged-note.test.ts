// The lookup that makes a repeated note POST safe: it recognises our reference through sanitising, reads newest
// first, and stops once a page reaches back before the lost attempt.
import { describe, expect, it } from 'vitest';
import { usePipedriveSimulator } from '../../../test/mocks/pipedrive/harness';
import {
  carriesRef,
  findLoggedNote,
  NOTE_LOOKUP_MAX_PAGES,
  NOTE_LOOKUP_PAGE,
  noteRef,
} from './find-logged-note';
import { createPipedriveClient } from './pipedrive-client';

const API = 'https://acme.pipedrive.com';
const MINUTE = 60_000;

describe('carriesRef', () => {
  it('finds the plain-text reference, also when a sanitiser changed the space, and never a longer id', () => {
    const id = 'msg_abc123';
    expect(carriesRef(`<p><i>2026-01-02 · ${noteRef(id)}</i></p>`, id)).toBe(true);
    expect(carriesRef('<p>ref&nbsp;msg_abc123</p>', id)).toBe(true);
    expect(carriesRef('<p>ref msg_abc1234</p>', id)).toBe(false);
    expect(carriesRef('<p>pref msg_abc123</p>', id)).toBe(false);
    expect(carriesRef(null, id)).toBe(false);
  });
});

describe('findLoggedNote', () => {
  let clock = Date.UTC(2026, 2, 1, 12);
  const ctx = usePipedriveSimulator({ now: () => clock });

  function client() {
    const pages: number[] = [];
    const c = createPipedriveClient({ apiDomain: API, tokenSource: ctx.tokenSource() });
    const listNotes = c.listNotes.bind(c);
    c.listNotes = async (query) => {
      pages.push(query.start ?? 0);
      return listNotes(query);
    };
    return { c, pages };
  }

  it('finds the note among newer ones, reading further pages only while they are newer than the attempt', async () => {
    const p = ctx.sim.seedPerson({ name: 'A' });
    const attemptedAt = clock;
    const ours = ctx.sim.state.addNote({ content: `<p>hi · ${noteRef('msg_lost')}</p>`, personId: p.id });
    for (let i = 0; i < NOTE_LOOKUP_PAGE + 3; i++) {
      clock += 1000;
      ctx.sim.state.addNote({ content: `<p>later ${i} · ${noteRef(`msg_later${i}`)}</p>`, personId: p.id });
    }
    const { c, pages } = client();
    expect((await findLoggedNote(c, { personId: p.id }, 'msg_lost', attemptedAt))?.id).toBe(ours.id);
    expect(pages).toEqual([0, NOTE_LOOKUP_PAGE]);
  });

  it('stops at the first page that reaches back before the attempt, and looks on the deal without a person', async () => {
    const d = ctx.sim.seedDeal({ title: 'D' });
    for (let i = 0; i < NOTE_LOOKUP_PAGE * 3; i++) {
      ctx.sim.state.addNote({ content: `<p>old ${i}</p>`, dealId: d.id });
    }
    clock += 60 * MINUTE;
    const { c, pages } = client();
    expect(await findLoggedNote(c, { dealId: d.id }, 'msg_absent', clock)).toBeUndefined();
    expect(pages).toEqual([0]);
  });

  it('reads at most a bounded number of pages', async () => {
    const p = ctx.sim.seedPerson({ name: 'B' });
    const attemptedAt = clock;
    for (let i = 0; i < NOTE_LOOKUP_PAGE * (NOTE_LOOKUP_MAX_PAGES + 1); i++) {
      ctx.sim.state.addNote({ content: `<p>busy ${i}</p>`, personId: p.id });
    }
    const { c, pages } = client();
    expect(await findLoggedNote(c, { personId: p.id }, 'msg_absent', attemptedAt)).toBeUndefined();
    expect(pages).toHaveLength(NOTE_LOOKUP_MAX_PAGES);
  });
});
