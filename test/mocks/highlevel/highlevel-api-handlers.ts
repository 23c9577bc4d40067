// Contacts and conversations endpoints of the simulator (contacts.json, conversations.json). Every handler first
// runs the simulator's guard (faults, Version header, bearer token, burst limit).
import { http, HttpResponse } from 'msw';
import type { DefaultBodyType, HttpHandler, StrictRequest } from 'msw';
import type { HighLevelSimulatorState, SimAccessToken } from './highlevel-state';
import { hlError } from './hl-error';

type MswRequest = StrictRequest<DefaultBodyType>;

export interface ApiHandlerContext {
  base: string;
  state: HighLevelSimulatorState;
  guard(request: MswRequest, version: string): Promise<Response | SimAccessToken>;
  /** "Store then fail" faults (`afterHandler`): the write is done, then its answer is replaced. */
  lost(request: MswRequest): Promise<Response | undefined>;
}

const CONVERSATIONS_VERSION = '2021-04-15';
const DEFAULT_VERSION = '2021-07-28';

export function apiHandlers({ base, state, guard, lost }: ApiHandlerContext): HttpHandler[] {
  const forLocation = (t: SimAccessToken, locationId: unknown) =>
    t.userType === 'Location' && t.locationId === locationId
      ? undefined
      : hlError(403, 'The token does not have access to this location');

  return [
    http.post(`${base}/contacts/upsert`, async ({ request }) => {
      const t = await guard(request, DEFAULT_VERSION);
      if (t instanceof Response) return t;
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || typeof body.locationId !== 'string')
        return hlError(422, 'locationId is required', { message: ['locationId should not be empty'] });
      const denied = forLocation(t, body.locationId);
      if (denied) return denied;
      if (typeof body.phone !== 'string' || !body.phone) return hlError(400, 'phone or email is required');
      const { contact, isNew } = state.upsertContact({
        locationId: body.locationId,
        phone: body.phone,
        name: typeof body.name === 'string' ? body.name : undefined,
        source: typeof body.source === 'string' ? body.source : undefined,
      });
      const [firstName, ...rest] = (contact.name ?? '').split(' ');
      return HttpResponse.json({
        new: isNew,
        contact: {
          id: contact.id,
          name: contact.name ?? '',
          locationId: contact.locationId,
          firstName: firstName ?? '',
          lastName: rest.join(' '),
          phone: contact.phone,
          source: contact.source ?? 'public api',
          tags: [],
          dateAdded: contact.dateAdded,
          dateUpdated: contact.dateUpdated,
        },
        traceId: crypto.randomUUID(),
      });
    }),

    // Contacts of username customers (issue 11): create without phone, find by tag, add the phone later.
    http.post(`${base}/contacts/search`, async ({ request }) => {
      const t = await guard(request, DEFAULT_VERSION);
      if (t instanceof Response) return t;
      const body = (await request.json().catch(() => null)) as {
        locationId?: unknown;
        filters?: { field?: string; operator?: string; value?: unknown }[];
      } | null;
      if (!body || typeof body.locationId !== 'string') return hlError(422, 'locationId is required');
      const denied = forLocation(t, body.locationId);
      if (denied) return denied;
      const tagFilter = (body.filters ?? []).find((f) => f.field === 'tags' && typeof f.value === 'string');
      const found = tagFilter ? state.contactsWithTag(body.locationId, String(tagFilter.value)) : [];
      return HttpResponse.json({
        contacts: found.map((c) => ({ id: c.id, locationId: c.locationId, tags: c.tags ?? [] })),
        total: found.length,
      });
    }),

    http.post(`${base}/contacts/`, async ({ request }) => {
      const t = await guard(request, DEFAULT_VERSION);
      if (t instanceof Response) return t;
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || typeof body.locationId !== 'string') return hlError(422, 'locationId is required');
      const denied = forLocation(t, body.locationId);
      if (denied) return denied;
      const contact = state.createContact({
        locationId: body.locationId,
        phone: typeof body.phone === 'string' ? body.phone : undefined,
        name: typeof body.name === 'string' ? body.name : undefined,
        source: typeof body.source === 'string' ? body.source : undefined,
        tags: Array.isArray(body.tags) ? body.tags.map(String) : [],
      });
      return HttpResponse.json(
        { contact: { id: contact.id, locationId: contact.locationId, tags: contact.tags } },
        { status: 201 },
      );
    }),

    http.put(`${base}/contacts/:contactId`, async ({ request, params }) => {
      const t = await guard(request, DEFAULT_VERSION);
      if (t instanceof Response) return t;
      const contact = state.contacts.get(String(params.contactId));
      if (!contact) return hlError(400, 'Contact not found');
      const denied = forLocation(t, contact.locationId);
      if (denied) return denied;
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (body && typeof body.phone === 'string') contact.phone = body.phone;
      if (body && typeof body.name === 'string') contact.name = body.name;
      // Channels not named keep their setting (the request body was validated against DndSettingsSchema).
      if (body && body.dndSettings && typeof body.dndSettings === 'object')
        contact.dndSettings = {
          ...contact.dndSettings,
          ...(body.dndSettings as NonNullable<typeof contact.dndSettings>),
        };
      return HttpResponse.json({
        succeded: true,
        contact: {
          id: contact.id,
          locationId: contact.locationId,
          phone: contact.phone,
          ...(contact.dndSettings ? { dndSettings: contact.dndSettings } : {}),
        },
      });
    }),

    http.get(`${base}/conversations/search`, async ({ request }) => {
      const t = await guard(request, CONVERSATIONS_VERSION);
      if (t instanceof Response) return t;
      const q = new URL(request.url).searchParams;
      const locationId = q.get('locationId');
      if (!locationId) return hlError(400, 'locationId is required');
      const denied = forLocation(t, locationId);
      if (denied) return denied;
      const contactId = q.get('contactId');
      const found = [...state.conversations.values()].filter(
        (c) => c.locationId === locationId && (!contactId || c.contactId === contactId),
      );
      return HttpResponse.json({
        conversations: found.map((c) => {
          const contact = state.contacts.get(c.contactId);
          return {
            id: c.id,
            contactId: c.contactId,
            locationId: c.locationId,
            lastMessageBody: c.lastMessageBody,
            lastMessageType: 'TYPE_CUSTOM_PROVIDER_SMS',
            type: 'TYPE_PHONE',
            unreadCount: 0,
            fullName: contact?.name ?? '',
            contactName: contact?.name ?? '',
            email: '',
            phone: contact?.phone ?? '',
          };
        }),
        total: found.length,
      });
    }),

    http.post(`${base}/conversations/`, async ({ request }) => {
      const t = await guard(request, CONVERSATIONS_VERSION);
      if (t instanceof Response) return t;
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || typeof body.locationId !== 'string' || typeof body.contactId !== 'string') {
        return hlError(400, 'locationId and contactId are required');
      }
      const denied = forLocation(t, body.locationId);
      if (denied) return denied;
      if (!state.contacts.has(body.contactId)) return hlError(400, 'Contact not found');
      // One conversation per contact (docs/ConversationProviders.md).
      if (state.conversationOf(body.locationId, body.contactId))
        return hlError(400, 'Conversation already exists');
      const c = state.createConversation(body.locationId, body.contactId);
      return HttpResponse.json(
        {
          success: true,
          conversation: {
            id: c.id,
            dateUpdated: c.dateUpdated,
            dateAdded: c.dateAdded,
            deleted: false,
            contactId: c.contactId,
            locationId: c.locationId,
            lastMessageDate: c.lastMessageDate,
          },
        },
        { status: 201 },
      );
    }),

    http.post(`${base}/conversations/messages/inbound`, async ({ request }) => {
      const t = await guard(request, CONVERSATIONS_VERSION);
      if (t instanceof Response) return t;
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || typeof body.type !== 'string') return hlError(400, 'type is required');
      // highlevel-api-docs#70: without conversationProviderId a custom provider's message is silently dropped
      // with a 201 and an empty body. Undocumented status: marked as a deliberate fault for the spec validator.
      if (body.conversationProviderId !== state.config.conversationProviderId) {
        return new HttpResponse(null, { status: 201, headers: { 'x-mock-fault': 'highlevel-api-docs#70' } });
      }
      const conversation =
        typeof body.conversationId === 'string' ? state.conversations.get(body.conversationId) : undefined;
      if (!conversation || conversation.locationId !== t.locationId)
        return hlError(400, 'Conversation not found');
      if (body.contactId !== undefined && body.contactId !== conversation.contactId)
        return hlError(400, 'Contact does not match the conversation');
      const m = state.addMessage({
        locationId: conversation.locationId,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        direction: body.direction === 'inbound' ? 'inbound' : 'outbound', // the documented default is outbound
        type: body.type,
        message: typeof body.message === 'string' ? body.message : '',
        attachments: Array.isArray(body.attachments) ? body.attachments.map(String) : [],
        altId: typeof body.altId === 'string' ? body.altId : undefined,
        conversationProviderId: body.conversationProviderId,
        date: typeof body.date === 'string' ? body.date : undefined,
        origin: 'api',
      });
      const answerLost = await lost(request);
      if (answerLost) return answerLost;
      return HttpResponse.json({
        success: true,
        conversationId: m.conversationId,
        messageId: m.id,
        message: 'Message added successfully',
        contactId: m.contactId,
        dateAdded: m.date,
      });
    }),

    // Newest first, `limit` of them (default 20), paged by `lastMessageId` (GetMessagesByConversationResponseDto).
    http.get(`${base}/conversations/:conversationId/messages`, async ({ request, params }) => {
      const t = await guard(request, CONVERSATIONS_VERSION);
      if (t instanceof Response) return t;
      const conversation = state.conversations.get(String(params.conversationId));
      if (!conversation || conversation.locationId !== t.locationId)
        return hlError(400, 'Conversation not found');
      const q = new URL(request.url).searchParams;
      const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 20) || 20));
      // HighLevel orders a thread by the message's date (the `date` an inbound add carried), newest first.
      const newest = state
        .messagesOf(conversation.id)
        .map((m, i) => ({ m, i }))
        .sort((a, b) => Date.parse(b.m.date) - Date.parse(a.m.date) || b.i - a.i)
        .map(({ m }) => m);
      const after = q.get('lastMessageId');
      const start = after ? newest.findIndex((m) => m.id === after) + 1 : 0;
      const page = newest.slice(start, start + limit);
      state.messageLists++;
      return HttpResponse.json({
        lastMessageId: page.at(-1)?.id ?? '',
        nextPage: start + limit < newest.length,
        messages: page.map((m) => ({
          id: m.id,
          type: 1,
          messageType: 'TYPE_CUSTOM_PROVIDER_SMS',
          locationId: m.locationId,
          contactId: m.contactId,
          conversationId: m.conversationId,
          dateAdded: m.date,
          body: m.message,
          direction: m.direction,
          status: m.status,
          contentType: 'text/plain',
          attachments: m.attachments,
          ...(m.conversationProviderId ? { conversationProviderId: m.conversationProviderId } : {}),
        })),
      });
    }),

    http.put(`${base}/conversations/messages/:messageId/status`, async ({ request, params }) => {
      const t = await guard(request, CONVERSATIONS_VERSION);
      if (t instanceof Response) return t;
      const m = state.messages.get(String(params.messageId));
      if (!m || m.locationId !== t.locationId) return hlError(400, 'Message not found');
      const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
      const status = body?.status;
      if (status !== 'delivered' && status !== 'failed' && status !== 'pending' && status !== 'read') {
        return hlError(400, 'status must be one of delivered, failed, pending, read');
      }
      const err = body?.error as Record<string, unknown> | undefined;
      if (
        err !== undefined &&
        !(typeof err.code === 'string' && typeof err.type === 'string' && typeof err.message === 'string')
      ) {
        return hlError(400, 'error must have code, type and message');
      }
      m.status = status;
      state.statusUpdates.push({ messageId: m.id, status, error: err as never, at: state.now });
      return HttpResponse.json({ conversationId: m.conversationId, messageId: m.id, status });
    }),
  ];
}
