// The simulator's notes (v1 only: notes have no v2 endpoint): create, rewrite, and the list filtered by person or
// deal that the message log reads back after a write whose answer was lost.
import { http, HttpResponse } from 'msw';
import type { DefaultBodyType, HttpHandler, PathParams, StrictRequest } from 'msw';
import { noteWire, type PipedriveState, type SimNote } from './state';
import { badRequest, notFound } from './vendor-errors';

type MswRequest = StrictRequest<DefaultBodyType>;
type ApiWrapper = (
  handler: (args: { request: MswRequest; params: PathParams }) => Promise<Response> | Response,
) => (args: { request: MswRequest; params: PathParams }) => Promise<Response>;

const SORTABLE = new Set(['id', 'add_time', 'update_time']);

/** `sort=add_time DESC, id ASC` (getNotes): the fields we model; ties fall back to id, like insertion order. */
function comparatorOf(sort: string | null): (a: SimNote, b: SimNote) => number {
  const keys = (sort ?? 'id ASC')
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .filter(([field]) => field !== undefined && SORTABLE.has(field))
    .map(([field, dir]) => ({
      field: field as 'id' | 'add_time' | 'update_time',
      desc: /^desc$/i.test(dir ?? ''),
    }));
  return (a, b) => {
    for (const { field, desc } of keys) {
      const order = a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
      if (order !== 0) return desc ? -order : order;
    }
    return a.id - b.id;
  };
}

const positiveInt = (value: string | null) =>
  value !== null && /^\d+$/.test(value) ? Number(value) : undefined;

export function noteHandlers(input: {
  apiDomain: string;
  state: PipedriveState;
  userId: number;
  api: ApiWrapper;
}): HttpHandler[] {
  const { apiDomain, state, userId, api } = input;
  const id = (v: string | readonly string[] | undefined) => Number(Array.isArray(v) ? v[0] : v);
  return [
    http.get(
      `${apiDomain}/api/v1/notes`,
      api(({ request }) => {
        state.counters.noteLists++;
        const url = new URL(request.url);
        const start = positiveInt(url.searchParams.get('start')) ?? 0;
        const limit = Math.min(500, positiveInt(url.searchParams.get('limit')) ?? 100);
        const all = state
          .notesFor({
            personId: positiveInt(url.searchParams.get('person_id')),
            dealId: positiveInt(url.searchParams.get('deal_id')),
          })
          .sort(comparatorOf(url.searchParams.get('sort')));
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        return HttpResponse.json({
          success: true,
          data: page.map((n) => noteWire(n, state, userId)),
          additional_data: {
            pagination: {
              start,
              limit,
              more_items_in_collection: more,
              ...(more ? { next_start: start + limit } : {}),
            },
          },
        });
      }),
    ),

    http.post(
      `${apiDomain}/api/v1/notes`,
      api(async ({ request }) => {
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as {
          content?: unknown;
          person_id?: number;
          deal_id?: number;
          add_time?: unknown;
        } | null;
        if (!body || typeof body.content !== 'string' || body.content === '')
          return badRequest('Note content is required');
        if (body.person_id === undefined && body.deal_id === undefined)
          return badRequest('Note must be linked to a deal, person, organization, lead or project');
        if (body.person_id !== undefined && !state.persons.has(body.person_id))
          return badRequest('Person not found');
        if (body.deal_id !== undefined && !state.deals.has(body.deal_id)) return badRequest('Deal not found');
        // addNote's optional `add_time` ("YYYY-MM-DD HH:MM:SS" UTC, may be in the past) dates the note.
        const addTime =
          typeof body.add_time === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(body.add_time)
            ? body.add_time
            : undefined;
        if (body.add_time !== undefined && !addTime)
          return badRequest('add_time must be YYYY-MM-DD HH:MM:SS');
        const note = state.addNote({
          content: body.content,
          personId: body.person_id,
          dealId: body.deal_id,
          addTime,
        });
        state.counters.notesCreated++;
        return HttpResponse.json({ success: true, data: noteWire(note, state, userId) });
      }),
    ),

    http.put(
      `${apiDomain}/api/v1/notes/:id`,
      api(async ({ request, params }) => {
        const note = state.notes.get(id(params.id));
        if (!note) return notFound('Note');
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as { content?: unknown } | null;
        if (body && typeof body.content === 'string' && body.content !== '') {
          note.content = body.content;
          note.history.push(body.content);
        }
        note.update_time = state.v1Time();
        state.counters.notesUpdated++;
        return HttpResponse.json({ success: true, data: noteWire(note, state, userId) });
      }),
    ),
  ];
}
