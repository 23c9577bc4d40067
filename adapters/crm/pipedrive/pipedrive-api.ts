// Zod schemas of the Pipedrive wire format, nothing else (STYLE.md).
// Shapes from /work/shared/specs/pipedrive/openapi-v1.yaml and openapi-v2.yaml; only the fields we read.
// Pipedrive answers `null` for many "optional" fields the spec types as plain strings/integers, so
// optional reads are `.nullish()`.
import * as z from 'zod/mini';

/** POST https://oauth.pipedrive.com/oauth/token (spec v1 `/oauth/token`, GetTokensResponse). */
export const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.string(),
  refresh_token: z.string().check(z.minLength(1)),
  // Comma list, e.g. "base,deals:full" (vendors/pipedrive.md §1).
  scope: z._default(z.string(), ''),
  expires_in: z.number().check(z.int(), z.positive()),
  // Always sent since 2020-06-01 (DEV changelog "new parameter in oauth/token responses").
  api_domain: z.url(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** A phone entry of a v2 person (GET/POST /api/v2/persons): label is work|home|mobile|other. */
export const personPhoneSchema = z.object({
  value: z.string(),
  primary: z.nullish(z.boolean()),
  label: z.nullish(z.string()),
});
export type PersonPhone = z.infer<typeof personPhoneSchema>;

/** v2 person (UpsertPersonResponse.data). */
export const personSchema = z.object({
  id: z.number().check(z.int()),
  name: z.nullish(z.string()),
  phones: z.nullish(z.array(personPhoneSchema)),
  is_deleted: z.nullish(z.boolean()),
});
export type Person = z.infer<typeof personSchema>;

export const personResponseSchema = z.object({ success: z.boolean(), data: personSchema });

/** GET /api/v2/persons/search (GetPersonSearchResponse): phones are plain strings here. */
export const personSearchResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    items: z.array(
      z.object({
        result_score: z.nullish(z.number()),
        item: z.object({
          id: z.number().check(z.int()),
          type: z.nullish(z.string()),
          name: z.nullish(z.string()),
          phones: z.nullish(z.array(z.string())),
        }),
      }),
    ),
  }),
  additional_data: z.nullish(z.object({ next_cursor: z.nullish(z.string()) })),
});
export type PersonSearchResponse = z.infer<typeof personSearchResponseSchema>;
export type PersonSearchItem = PersonSearchResponse['data']['items'][number]['item'];

/** POST /api/v2/persons body. `label` is a string in the real API (the spec says boolean: a spec bug), so we omit it. */
export interface CreatePersonBody {
  name: string;
  phones: { value: string; primary: boolean }[];
}

/** v2 deal (UpsertDealResponse.data): we only need the linked person. */
export const dealSchema = z.object({
  id: z.number().check(z.int()),
  title: z.nullish(z.string()),
  person_id: z.nullish(z.number().check(z.int())),
});
export type Deal = z.infer<typeof dealSchema>;
export const dealResponseSchema = z.object({ success: z.boolean(), data: dealSchema });

/** v1 note (UpsertNoteResponse.data). Notes have no v2 endpoint yet, so they stay on /api/v1/notes. */
export const noteSchema = z.object({
  id: z.number().check(z.int()),
  content: z.nullish(z.string()),
  person_id: z.nullish(z.number().check(z.int())),
  deal_id: z.nullish(z.number().check(z.int())),
  add_time: z.nullish(z.string()),
  update_time: z.nullish(z.string()),
});
export type Note = z.infer<typeof noteSchema>;
export const noteResponseSchema = z.object({ success: z.boolean(), data: noteSchema });
/** GET /api/v1/notes (GetNotesResponse): one page of notes plus offset pagination. */
export const notesPageResponseSchema = z.object({
  success: z.boolean(),
  data: z.nullish(z.array(noteSchema)),
  additional_data: z.nullish(
    z.object({
      pagination: z.nullish(
        z.object({
          more_items_in_collection: z.nullish(z.boolean()),
          next_start: z.nullish(z.number().check(z.int())),
        }),
      ),
    }),
  ),
});

/** Which notes to list: by person or deal, newest first, `limit` from `start`. */
export interface NotesQuery {
  personId?: number;
  dealId?: number;
  start?: number;
  limit: number;
}

export interface NotesPage {
  notes: Note[];
  /** Offset of the next page; undefined on the last one. */
  nextStart?: number;
}

/** POST /api/v1/notes body (content is HTML; Pipedrive sanitizes it). */
export interface CreateNoteBody {
  content: string;
  person_id?: number;
  deal_id?: number;
  /** "YYYY-MM-DD HH:MM:SS" UTC; may be in the past (addNote): a past chat is placed where it happened. */
  add_time?: string;
}
/** PUT /api/v1/notes/{id} body. */
export interface UpdateNoteBody {
  content: string;
}

/** GET /api/v1/users/me (GetCurrentUserResponse): needs only the `base` scope. */
export const currentUserResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    id: z.number().check(z.int()),
    name: z.nullish(z.string()),
    email: z.nullish(z.string()),
    company_id: z.number().check(z.int()),
    company_name: z.nullish(z.string()),
    company_domain: z.nullish(z.string()),
  }),
});
export type CurrentUserResponse = z.infer<typeof currentUserResponseSchema>;

/** v1 GET /users/{id}: only what we rely on — whether the user administers the company (spec `UserAccess`). */
export const userResponseSchema = z.object({
  success: z.boolean(),
  data: z.object({
    id: z.number().check(z.int()),
    name: z.nullish(z.string()),
    active_flag: z.optional(z.boolean()),
    access: z._default(z.array(z.object({ app: z.string(), admin: z.optional(z.boolean()) })), []),
    /** The user's locale (`et_EE`): the pages speak it (issue 14). */
    locale: z.nullish(z.string()),
  }),
});
export type PipedriveUser = z.infer<typeof userResponseSchema>['data'];

/** A company admin: admin of the global app (or of account settings), per the spec's UserAccess entries. */
export function isPipedriveAdmin(user: PipedriveUser): boolean {
  return (
    user.active_flag !== false &&
    user.access.some((a) => a.admin === true && (a.app === 'global' || a.app === 'account_settings'))
  );
}

/** Pipedrive error envelope: `{success:false, error, error_info?, errorCode?}` (spec `unathorizedResponse` et al.). */
export const errorBodySchema = z.object({
  success: z.optional(z.literal(false)),
  error: z.optional(z.string()),
  error_info: z.nullish(z.string()),
  errorCode: z.nullish(z.union([z.number(), z.string()])),
});

/** The JWT Pipedrive signs for custom UI extensions (iframe `token` query / SDK GET_SIGNED_TOKEN). */
export const panelJwtClaimsSchema = z.object({
  // Claim names from ONLYOFFICE/onlyoffice-pipedrive PipedriveTokenContext (official docs do not list them).
  userId: z.pipe(
    z.union([z.number().check(z.int()), z.string().check(z.regex(/^\d+$/))]),
    z.transform(String),
  ),
  companyId: z.pipe(
    z.union([z.number().check(z.int()), z.string().check(z.regex(/^\d+$/))]),
    z.transform(String),
  ),
  iat: z.optional(z.number()),
  exp: z.number(),
});

/** Uninstall: DELETE to the callback URL with this JSON (RD/app-uninstallation). */
export const uninstallBodySchema = z.object({
  client_id: z.string().check(z.minLength(1)),
  company_id: z.pipe(
    z.union([z.number().check(z.int()), z.string().check(z.regex(/^\d+$/))]),
    z.transform(String),
  ),
  user_id: z.pipe(
    z.union([z.number().check(z.int()), z.string().check(z.regex(/^\d+$/))]),
    z.transform(String),
  ),
  timestamp: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
});
export type UninstallBody = z.output<typeof uninstallBodySchema>;
